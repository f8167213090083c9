/**
 * Geocoding, reverse geocoding and truck routing. With Amazon Location
 * (handlers/lib/location.ts) answers come from Places and Routes and are
 * cached in Redis; with the estimate, routes are great-circle figures and
 * only "lat,lng" queries geocode. Every answer says which `source` gave it.
 */
import * as z from "zod";
import { Cache, cacheKey } from "../lib/cache";
import { ResponseSpec, instant, lineString } from "../lib/contract";
import type { Queryable } from "../lib/db";
import { HttpError } from "../lib/errors";
import { estimateRoute } from "../lib/geo";
import { Operations, json } from "../lib/http";
import { LatLng, LocationService, TruckProfile } from "../lib/location";
import { RequestSchemas, isoTimestamp, latitude, longitude, parse, point, text, uuid } from "../lib/validation";
import { TRUCK_LIMITS, vehicleTruckProfile } from "../lib/vehicles";

export interface MapsDeps {
  /** Amazon Location; undefined answers with the estimate. */
  location?: LocationService;
  /** Reads a vehicle's truck profile. */
  db: Queryable;
  cache?: Cache;
  cacheTtlSeconds: number;
  now?: () => Date;
}

/** Geocoding looks in India only: the platform's customers and data are here. */
const COUNTRIES = ["IND"];
const MAX_RESULTS = 5;

async function cached<T>(deps: MapsDeps, key: string, compute: () => Promise<T>): Promise<T> {
  const hit = deps.cacheTtlSeconds > 0 ? await deps.cache?.get(key) : undefined;
  if (hit) return JSON.parse(hit) as T;
  const value = await compute();
  if (deps.cacheTtlSeconds > 0) await deps.cache?.set(key, JSON.stringify(value), deps.cacheTtlSeconds);
  return value;
}

const COORDINATES = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;
/** "lat,lng" as a query parameter. */
const latLngText = z
  .string()
  .regex(COORDINATES, { message: 'expected "lat,lng", e.g. "18.52,73.85"' })
  .transform((s) => {
    const [, lat, lng] = COORDINATES.exec(s)!;
    return { lat: Number(lat), lng: Number(lng) };
  })
  .pipe(point);

/** What each operation accepts (the tests generate requests from these). */
export const mapsRequests = {
  geocode: { query: z.strictObject({ q: text({ min: 3, max: 200 }), near: latLngText.optional() }) },
  reverseGeocode: { query: z.strictObject({ lat: z.coerce.number().pipe(latitude), lng: z.coerce.number().pipe(longitude) }) },
  route: {
    body: z.strictObject({
      origin: point,
      destination: point,
      departAt: isoTimestamp.optional(),
      /** Route for this vehicle's dimensions and weight, when its record has them. */
      vehicleId: uuid.optional(),
    }),
  },
} as const satisfies Record<string, RequestSchemas>;

/** Where the organisation works, as far as we know: the origin of its newest trip (one index lookup), else unknown. */
async function organisationArea(db: Queryable, orgId: string): Promise<LatLng | undefined> {
  const { rows } = await db.query("SELECT origin_lat, origin_lng FROM trips WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1", [orgId]);
  return rows[0] ? { lat: rows[0].origin_lat, lng: rows[0].origin_lng } : undefined;
}

const MAPS_ERRORS = { 502: ["maps_provider_error"], 503: ["maps_throttled"], 504: ["maps_timeout"] } as const;
const placeOut = z.strictObject({ lat: z.number(), lng: z.number(), label: z.string(), placeId: z.string().optional(), placeType: z.string().optional() });
const sourceOut = z.enum(["amazon-location", "estimate"]);

/** What each operation answers (handlers/openapi.ts documents it; the tests hold every response to it). */
export const mapsResponses = {
  geocode: {
    ok: { status: 200, description: "places matching the text, best first", body: z.strictObject({ results: z.array(placeOut), source: sourceOut }) },
    errors: { 422: ["geocoding_unavailable", "maps_request_refused"], ...MAPS_ERRORS },
  },
  reverseGeocode: {
    ok: {
      status: 200,
      description: "the place at a position, or null",
      body: z.strictObject({ result: placeOut.nullable(), source: z.literal("amazon-location") }),
    },
    errors: { 422: ["geocoding_unavailable", "maps_request_refused"], ...MAPS_ERRORS },
  },
  route: {
    ok: {
      status: 200,
      description: "a truck route: distance, duration, ETA from the departure, and the line to draw",
      body: z.strictObject({
        distanceMeters: z.number().int(),
        durationSeconds: z.number().int(),
        eta: instant,
        geometry: lineString,
        travelMode: z.literal("Truck"),
        truck: z.strictObject(
          Object.fromEntries(Object.keys(TRUCK_LIMITS).map((f) => [f, z.number().int().optional()])) as Record<
            keyof typeof TRUCK_LIMITS,
            z.ZodOptional<z.ZodNumber>
          >,
        ),
        source: sourceOut,
      }),
    },
    errors: { 400: ["unknown_vehicle"], 422: ["no_route", "maps_request_refused"], ...MAPS_ERRORS },
  },
} satisfies Record<keyof typeof mapsRequests, ResponseSpec>;

const source = (deps: MapsDeps) => (deps.location ? "amazon-location" : "estimate");

export const mapsOperations: Operations<MapsDeps> = {
  async geocode(request, deps) {
    const { q, near } = parse(mapsRequests.geocode.query, request.query, "query");
    if (!deps.location) {
      const coordinates = latLngText.safeParse(q);
      if (!coordinates.success) throw new HttpError(422, "geocoding_unavailable", 'this stack has no maps provider; only "lat,lng" queries can be answered');
      return json(200, { results: [{ ...coordinates.data, label: q }], source: "estimate" });
    }
    const location = deps.location;
    const stored = deps.cacheTtlSeconds > 0 && deps.cache !== undefined;
    const options = {
      query: q.toLowerCase(),
      near: near ?? (await organisationArea(deps.db, request.auth.orgId)),
      countries: COUNTRIES,
      maxResults: MAX_RESULTS,
    };
    const results = await cached(deps, cacheKey("geocode", options), () => location.geocode(q, { ...options, stored }));
    return json(200, { results, source: "amazon-location" });
  },

  async reverseGeocode(request, deps) {
    const at: LatLng = parse(mapsRequests.reverseGeocode.query, request.query, "query");
    if (!deps.location) throw new HttpError(422, "geocoding_unavailable", "this stack has no maps provider to name a position");
    const location = deps.location;
    const stored = deps.cacheTtlSeconds > 0 && deps.cache !== undefined;
    const result = await cached(deps, cacheKey("reverse-geocode", at), async () => (await location.reverseGeocode(at, { stored })) ?? null);
    return json(200, { result, source: "amazon-location" });
  },

  async route(request, deps) {
    const body = parse(mapsRequests.route.body, request.body, "body");
    const departAt = body.departAt ? new Date(body.departAt) : (deps.now ?? (() => new Date()))();
    const truck: TruckProfile = body.vehicleId ? await vehicleTruckProfile(deps.db, request.auth.orgId, body.vehicleId) : {};
    if (!deps.location) {
      const estimate = estimateRoute(body.origin, body.destination, departAt);
      const geometry = [body.origin, body.destination].map((p) => [p.lng, p.lat]);
      return json(200, { ...estimate, geometry, travelMode: "Truck", truck, source: source(deps) });
    }
    const location = deps.location;
    // Departure times are bucketed to the quarter hour: traffic does not change faster, and nearby requests share an answer.
    const departure = new Date(Math.floor(departAt.getTime() / 900_000) * 900_000);
    const options = { origin: body.origin, destination: body.destination, departure: departure.toISOString(), truck };
    const planned = await cached(deps, cacheKey("route", options), () => location.route(body.origin, body.destination, { departAt: departure, truck }));
    const eta = new Date(departAt.getTime() + planned.durationSeconds * 1000).toISOString();
    return json(200, { ...planned, eta, travelMode: "Truck", truck, source: source(deps) });
  },
};
