/**
 * Amazon Location Service through its current APIs: Places (geocoding) and
 * Routes (truck routing, snapping a GPS trace to roads). The functions reach
 * them with their own role (SigV4, no key), through the NAT.
 *
 * Positions cross this boundary as `{ lat, lng }` and leave it the way
 * Amazon Location writes them: `[longitude, latitude]`.
 *
 * Every failure becomes an HttpError with a clear code: a throttled call is a
 * 503 with Retry-After, a slow one a 504, a refused one a 422 with the
 * service's reason, anything else (unreachable, malformed answer, denied) a
 * 502 that says the maps service failed, never a hang and never internals.
 */
import type { GeoPlacesClient } from "@aws-sdk/client-geo-places";
import type { GeoRoutesClient } from "@aws-sdk/client-geo-routes";
import { HttpError } from "./errors";
import { logger } from "./log";

export interface LatLng {
  lat: number;
  lng: number;
}

/** What a vehicle record may say about the truck: Routes' truck options, in its units. */
export interface TruckProfile {
  grossWeightKg?: number;
  heightCm?: number;
  widthCm?: number;
  lengthCm?: number;
  axleCount?: number;
}

export interface Place extends LatLng {
  label: string;
  placeId: string;
  placeType: string;
}

export interface PlannedRoute {
  distanceMeters: number;
  durationSeconds: number;
  /** The route's line, `[lng, lat]` pairs, ready for a map's GeoJSON. */
  geometry: [number, number][];
}

export interface TracePoint extends LatLng {
  recordedAt: string;
  speedKmh?: number;
  heading?: number;
}

export interface GeocodeOptions {
  /** ISO 3166 alpha-3 codes the results must lie in. */
  countries: string[];
  /** Results near here rank first. */
  near?: LatLng;
  maxResults: number;
  /** The answer is cached: Amazon Location's terms then require IntendedUse "Storage" (a pricier bucket). */
  stored: boolean;
}

export interface LocationService {
  geocode(query: string, options: GeocodeOptions): Promise<Place[]>;
  reverseGeocode(at: LatLng, options: { stored: boolean }): Promise<Place | undefined>;
  route(origin: LatLng, destination: LatLng, options: { departAt: Date; truck?: TruckProfile }): Promise<PlannedRoute>;
  snapToRoads(trace: TracePoint[], truck?: TruckProfile): Promise<[number, number][]>;
}

export interface AmazonLocationOptions {
  region: string;
  /** Another endpoint than AWS's (the tests' local stand-in). */
  endpoint?: string;
  timeoutMs: number;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** A quota of 20 requests per second per operation (Routes' default): retrying after a second is the service's own rhythm. */
const RETRY_AFTER_SECONDS = 1;

const toPosition = (p: LatLng): [number, number] => [p.lng, p.lat];

function fromPosition(position: number[] | undefined): LatLng {
  const [lng, lat] = position ?? [];
  if (typeof lng !== "number" || typeof lat !== "number" || Math.abs(lat) > 90 || Math.abs(lng) > 180) throw malformed("a position");
  return { lat, lng };
}

const malformed = (what: string) => new HttpError(502, "maps_provider_error", `the maps service sent an unexpected answer (${what})`);

/**
 * Routes' travel-mode options for a vehicle's profile, or undefined when the
 * record has none. SnapToRoads' truck options have no axle count.
 */
function truckModeOptions(truck: TruckProfile | undefined, { axles }: { axles: boolean }) {
  if (!truck) return undefined;
  const options = {
    GrossWeight: truck.grossWeightKg,
    Height: truck.heightCm,
    Width: truck.widthCm,
    Length: truck.lengthCm,
    ...(axles ? { AxleCount: truck.axleCount } : {}),
  };
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return Object.keys(given).length > 0 ? { Truck: given } : undefined;
}

/** Runs one call with its client, turning the SDK's failures (and a runtime without the client) into the API's errors. */
async function call<C, T>(
  operation: string,
  timeoutMs: number,
  client: () => Promise<C>,
  send: (client: C, abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await send(await client(), AbortSignal.timeout(timeoutMs));
  } catch (err) {
    throw translate(operation, err as Error & { $metadata?: { httpStatusCode?: number } }, timeoutMs);
  }
}

function translate(operation: string, err: Error & { $metadata?: { httpStatusCode?: number } }, timeoutMs: number): HttpError {
  if (err instanceof HttpError) return err;
  const status = err.$metadata?.httpStatusCode;
  if (err.name === "TimeoutError" || err.name === "AbortError") {
    return new HttpError(504, "maps_timeout", `the maps service did not answer within ${timeoutMs} ms`);
  }
  if (err.name === "ThrottlingException" || status === 429) {
    return new HttpError(503, "maps_throttled", "the maps service is busy; retry shortly", undefined, { "retry-after": String(RETRY_AFTER_SECONDS) });
  }
  if (err.name === "ValidationException") {
    return new HttpError(422, "maps_request_refused", `the maps service refused the request: ${err.message}`);
  }
  // Denied, failing inside AWS, unreachable or unreadable: the deployment's or AWS's fault, logged for the operator.
  logger.error(`amazon location ${operation} failed`, { errorName: err.name, status, reason: err.message });
  if (/MODULE_NOT_FOUND$/.test((err as { code?: string }).code ?? ""))
    return new HttpError(502, "maps_provider_error", "this runtime has no Amazon Location client");
  if (err.name === "AccessDeniedException") return new HttpError(502, "maps_provider_error", "the maps service refused this function's credentials");
  if (status === undefined && !(err instanceof SyntaxError)) return new HttpError(502, "maps_provider_error", "the maps service could not be reached");
  return new HttpError(502, "maps_provider_error", "the maps service failed to answer");
}

export function amazonLocation(options: AmazonLocationOptions): LocationService {
  let places: Promise<{ client: GeoPlacesClient; sdk: typeof import("@aws-sdk/client-geo-places") }> | undefined;
  let routes: Promise<{ client: GeoRoutesClient; sdk: typeof import("@aws-sdk/client-geo-routes") }> | undefined;
  const clientConfig = { region: options.region, endpoint: options.endpoint, credentials: options.credentials, maxAttempts: 2 };
  // Loaded on first use from the Lambda runtime's SDK (the bundles leave @aws-sdk/* out: bundled whole, these two
  // clients would take the maps bundle past 500 KB); a function that never routes never loads them.
  const placesClient = () => (places ??= import("@aws-sdk/client-geo-places").then((sdk) => ({ sdk, client: new sdk.GeoPlacesClient(clientConfig) })));
  const routesClient = () => (routes ??= import("@aws-sdk/client-geo-routes").then((sdk) => ({ sdk, client: new sdk.GeoRoutesClient(clientConfig) })));

  const toPlace = (item: { PlaceId?: string; PlaceType?: string; Title?: string; Address?: { Label?: string }; Position?: number[] }): Place => ({
    ...fromPosition(item.Position),
    label: item.Address?.Label ?? item.Title ?? "",
    placeId: item.PlaceId ?? "",
    placeType: item.PlaceType ?? "",
  });

  return {
    async geocode(query, o) {
      const answer = await call("Geocode", options.timeoutMs, placesClient, ({ sdk, client }, abortSignal) =>
        client.send(
          new sdk.GeocodeCommand({
            QueryText: query,
            MaxResults: o.maxResults,
            BiasPosition: o.near ? toPosition(o.near) : undefined,
            Filter: { IncludeCountries: o.countries },
            IntendedUse: o.stored ? "Storage" : "SingleUse",
          }),
          { abortSignal },
        ),
      );
      return (answer.ResultItems ?? []).filter((item) => item.Position).map(toPlace);
    },

    async reverseGeocode(at, o) {
      const answer = await call("ReverseGeocode", options.timeoutMs, placesClient, ({ sdk, client }, abortSignal) =>
        client.send(new sdk.ReverseGeocodeCommand({ QueryPosition: toPosition(at), MaxResults: 1, IntendedUse: o.stored ? "Storage" : "SingleUse" }), {
          abortSignal,
        }),
      );
      const first = answer.ResultItems?.find((item) => item.Position);
      return first && toPlace(first);
    },

    async route(origin, destination, o) {
      const answer = await call("CalculateRoutes", options.timeoutMs, routesClient, ({ sdk, client }, abortSignal) =>
        client.send(
          new sdk.CalculateRoutesCommand({
            Origin: toPosition(origin),
            Destination: toPosition(destination),
            TravelMode: "Truck",
            TravelModeOptions: truckModeOptions(o.truck, { axles: true }),
            DepartureTime: o.departAt.toISOString(),
            LegGeometryFormat: "Simple",
          }),
          { abortSignal },
        ),
      );
      const route = answer.Routes?.[0];
      if (!route) throw new HttpError(422, "no_route", "the maps service found no road route between these points for this vehicle");
      const distance = route.Summary?.Distance;
      const duration = route.Summary?.Duration;
      if (typeof distance !== "number" || typeof duration !== "number") throw malformed("a route without its distance and duration");
      const geometry = (route.Legs ?? []).flatMap((leg) => (leg.Geometry?.LineString ?? []).map((p) => toPosition(fromPosition(p))));
      return { distanceMeters: Math.round(distance), durationSeconds: Math.round(duration), geometry };
    },

    async snapToRoads(trace, truck) {
      const answer = await call("SnapToRoads", options.timeoutMs, routesClient, ({ sdk, client }, abortSignal) =>
        client.send(
          new sdk.SnapToRoadsCommand({
            TracePoints: trace.map((p) => ({ Position: toPosition(p), Timestamp: p.recordedAt, Speed: p.speedKmh, Heading: p.heading })),
            TravelMode: "Truck",
            TravelModeOptions: truckModeOptions(truck, { axles: false }),
            SnappedGeometryFormat: "Simple",
          }),
          { abortSignal },
        ),
      );
      const line = answer.SnappedGeometry?.LineString;
      if (!line) throw malformed("a snapped trace without its line");
      return line.map((p) => toPosition(fromPosition(p)));
    },
  };
}
