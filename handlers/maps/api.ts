/**
 * Geocoding and routing. A configured HTTP provider answers (its URL and key
 * come from Secrets Manager; calls leave through the NAT); without one, a
 * great-circle estimate answers routes. Responses say which source answered.
 * A provider that is slow or failing becomes a 504 or 502 JSON error, never a
 * hang.
 */
import { createHash } from "crypto";
import * as z from "zod";
import { Cache } from "../lib/cache";
import { HttpError } from "../lib/errors";
import { estimateRoute } from "../lib/geo";
import { Operations, json } from "../lib/http";
import { RequestSchemas, isoTimestamp, parse, point, text } from "../lib/validation";

export interface MapsProvider {
  url: string;
  apiKey: string;
}

export interface MapsDeps {
  /** Resolves the provider, or undefined to use the built-in estimate. */
  provider: () => Promise<MapsProvider | undefined>;
  cache?: Cache;
  timeoutMs: number;
  cacheTtlSeconds: number;
  now?: () => Date;
}

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);

async function callProvider(provider: MapsProvider, path: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
  let response: globalThis.Response;
  try {
    response = await fetch(new URL(path, provider.url.endsWith("/") ? provider.url : `${provider.url}/`), {
      ...init,
      headers: { ...init.headers, "x-api-key": provider.apiKey, accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error).name === "TimeoutError" || (err as Error).name === "AbortError";
    if (timedOut) throw new HttpError(504, "maps_timeout", `the maps provider did not answer within ${timeoutMs} ms`);
    throw new HttpError(502, "maps_provider_error", "the maps provider could not be reached");
  }
  if (!response.ok) throw new HttpError(502, "maps_provider_error", `the maps provider answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new HttpError(502, "maps_provider_error", "the maps provider sent an unreadable answer");
  }
}

const providerRoute = z.object({ distanceMeters: z.number().nonnegative(), durationSeconds: z.number().nonnegative() });
const providerGeocode = z.object({ results: z.array(z.object({ lat: z.number(), lng: z.number(), label: z.string() })) });

/** Reads a provider answer, treating anything malformed as the provider's fault (502). */
function providerAnswer<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(502, "maps_provider_error", "the maps provider sent an unexpected answer");
  return result.data;
}

async function cached<T>(deps: MapsDeps, key: string, compute: () => Promise<T>): Promise<T> {
  const hit = await deps.cache?.get(key);
  if (hit) return JSON.parse(hit) as T;
  const value = await compute();
  if (deps.cacheTtlSeconds > 0) await deps.cache?.set(key, JSON.stringify(value), deps.cacheTtlSeconds);
  return value;
}

/** What each operation accepts (the tests generate requests from these). */
export const mapsRequests = {
  geocode: { query: z.strictObject({ q: text({ min: 3, max: 200 }) }) },
  route: { body: z.strictObject({ origin: point, destination: point, departAt: isoTimestamp.optional() }) },
} as const satisfies Record<string, RequestSchemas>;

const COORDINATES = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;

export const mapsOperations: Operations<MapsDeps> = {
  async geocode(request, deps) {
    const { q } = parse(mapsRequests.geocode.query, request.query, "query");
    const provider = await deps.provider();
    if (!provider) {
      const m = COORDINATES.exec(q);
      const coords = m && point.safeParse({ lat: Number(m[1]), lng: Number(m[2]) });
      if (!coords?.success) throw new HttpError(422, "geocoding_unavailable", 'no maps provider is configured; only "lat,lng" queries can be answered');
      return json(200, { results: [{ ...coords.data, label: q }], source: "estimate" });
    }
    const answer = await cached(deps, `tms:maps:geocode:${hash(q.toLowerCase())}`, async () =>
      providerAnswer(providerGeocode, await callProvider(provider, `geocode?q=${encodeURIComponent(q)}`, { method: "GET" }, deps.timeoutMs)),
    );
    return json(200, { results: answer.results, source: "provider" });
  },

  async route(request, deps) {
    const body = parse(mapsRequests.route.body, request.body, "body");
    const departAt = body.departAt ? new Date(body.departAt) : (deps.now ?? (() => new Date()))();
    const provider = await deps.provider();
    if (!provider) return json(200, { ...estimateRoute(body.origin, body.destination, departAt), source: "estimate" });
    const leg = await cached(deps, `tms:maps:route:${hash([body.origin, body.destination])}`, async () =>
      providerAnswer(
        providerRoute,
        await callProvider(
          provider,
          "route",
          { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ origin: body.origin, destination: body.destination }) },
          deps.timeoutMs,
        ),
      ),
    );
    const eta = new Date(departAt.getTime() + leg.durationSeconds * 1000).toISOString();
    return json(200, { distanceMeters: leg.distanceMeters, durationSeconds: leg.durationSeconds, eta, source: "provider" });
  },
};
