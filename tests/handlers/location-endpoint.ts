/**
 * A local stand-in for Amazon Location Service's Places and Routes APIs, for
 * the SDK clients' `endpoint` option. It answers the four operations the
 * functions call with the APIs' own JSON (typed with the SDK's response
 * types), and holds requests to what the real APIs take:
 * - the request is signed (SigV4) for the operation's service in ap-south-1,
 *   and the caller's IAM statements allow the action on the region's
 *   AWS-managed provider (the ApiTier's real statements, evaluated);
 * - bodies are checked member by member, positions as `[longitude, latitude]`
 *   in range; SnapToRoads refuses a trace over 500 km, as Routes does;
 * - the world it knows is a small Indian gazetteer: a position swapped to
 *   `[lat, lng]` lands outside it, and finds nothing or no route.
 * Tests can make it throttle, stall, fail or answer garbage.
 */
import type { GeocodeResponse, ReverseGeocodeResponse } from "@aws-sdk/client-geo-places";
import type { CalculateRoutesResponse, SnapToRoadsResponse } from "@aws-sdk/client-geo-routes";
import * as http from "http";
import type { AddressInfo } from "net";
import * as z from "zod";
import { LOCATION_ACTIONS, LocationAction, locationProviderArn } from "../../rules/functions";
import { Statement, iamAllows } from "./s3-endpoint";

export const LOCATION_REGION = "ap-south-1";
export const LOCATION_CREDENTIALS = { accessKeyId: "AKIATESTLOCATION", secretAccessKey: "local-location-secret-for-tests" };

/** Places the stand-in knows: [longitude, latitude], as Amazon Location writes them. */
export const GAZETTEER = [
  { id: "chakan", title: "Chakan", label: "Chakan, Pune, Maharashtra, India", position: [73.8631, 18.7606] },
  { id: "bhiwandi", title: "Bhiwandi", label: "Bhiwandi, Thane, Maharashtra, India", position: [73.0483, 19.2813] },
  { id: "pune", title: "Pune", label: "Pune, Maharashtra, India", position: [73.8567, 18.5204] },
  { id: "mumbai", title: "Mumbai", label: "Mumbai, Maharashtra, India", position: [72.8777, 19.076] },
  { id: "nashik", title: "Nashik", label: "Nashik, Maharashtra, India", position: [73.7898, 19.9975] },
] as const;

/** India's bounding box: the coverage of this stand-in's road network. */
const inIndia = ([lng, lat]: number[]) => lng >= 68 && lng <= 98 && lat >= 6 && lat <= 37;

export type Misbehaviour = "throttle" | "stall" | "internal" | "garbage" | "close";

export interface LocationEndpoint {
  url: string;
  /** Every request that reached an operation: its action and parsed body. */
  requests: { action: LocationAction; body: any }[];
  /** The next `count` requests misbehave this way. */
  misbehave(how: Misbehaviour, count?: number): void;
  close(): Promise<void>;
}

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const isoWithOffset = z.iso.datetime({ offset: true });
const truck = z.strictObject({
  AxleCount: z.number().int().min(2).max(255).optional(),
  GrossWeight: z.number().int().min(0).optional(),
  Height: z.number().int().min(0).max(5000).optional(),
  Length: z.number().int().min(0).max(30000).optional(),
  Width: z.number().int().min(0).max(5000).optional(),
});

/** The members each operation takes (the subset the functions may send), as the API reference states them. */
const BODIES: Record<LocationAction, z.ZodType> = {
  "geo-places:Geocode": z.strictObject({
    QueryText: z.string().min(1).max(200),
    MaxResults: z.number().int().min(1).max(100).optional(),
    BiasPosition: position.optional(),
    Filter: z
      .strictObject({
        IncludeCountries: z
          .array(z.string().regex(/^[A-Z]{3}$/))
          .min(1)
          .max(100),
      })
      .optional(),
    IntendedUse: z.enum(["SingleUse", "Storage"]).optional(),
  }),
  "geo-places:ReverseGeocode": z.strictObject({
    QueryPosition: position,
    MaxResults: z.number().int().min(1).max(100).optional(),
    IntendedUse: z.enum(["SingleUse", "Storage"]).optional(),
  }),
  "geo-routes:CalculateRoutes": z.strictObject({
    Origin: position,
    Destination: position,
    TravelMode: z.enum(["Car", "Pedestrian", "Scooter", "Truck"]).optional(),
    TravelModeOptions: z.strictObject({ Truck: truck }).optional(),
    DepartureTime: isoWithOffset.optional(),
    LegGeometryFormat: z.enum(["FlexiblePolyline", "Simple"]).optional(),
  }),
  "geo-routes:SnapToRoads": z.strictObject({
    TracePoints: z
      .array(
        z.strictObject({
          Position: position,
          Timestamp: isoWithOffset.optional(),
          Speed: z.number().min(0).optional(),
          Heading: z.number().min(0).max(360).optional(),
        }),
      )
      .min(2)
      .max(5000),
    TravelMode: z.enum(["Car", "Pedestrian", "Scooter", "Truck"]).optional(),
    TravelModeOptions: z.strictObject({ Truck: truck.omit({ AxleCount: true }) }).optional(),
    SnappedGeometryFormat: z.enum(["FlexiblePolyline", "Simple"]).optional(),
  }),
};

const ACTION_BY_PATH: Record<string, LocationAction> = {
  "/v2/geocode": "geo-places:Geocode",
  "/v2/reverse-geocode": "geo-places:ReverseGeocode",
  "/v2/routes": "geo-routes:CalculateRoutes",
  "/v2/snap-to-roads": "geo-routes:SnapToRoads",
};

const meters = (a: readonly number[], b: readonly number[]) => {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b[1] - a[1]) / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(rad(b[0] - a[0]) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
};

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function answer(action: LocationAction, body: any): unknown {
  switch (action) {
    case "geo-places:Geocode": {
      const countries: string[] = body.Filter?.IncludeCountries ?? ["IND"];
      const words = String(body.QueryText)
        .toLowerCase()
        .split(/[\s,]+/)
        .filter(Boolean);
      const found = countries.includes("IND") ? GAZETTEER.filter((p) => words.some((w) => p.label.toLowerCase().includes(w))) : [];
      const near = body.BiasPosition;
      const ranked = near ? [...found].sort((a, b) => meters(near, a.position) - meters(near, b.position)) : found;
      const response: Omit<GeocodeResponse, "$metadata"> = {
        PricingBucket: body.IntendedUse === "Storage" ? "Stored" : "Core",
        ResultItems: ranked.slice(0, body.MaxResults ?? 20).map((p) => ({
          PlaceId: `AQA-${p.id}`,
          PlaceType: "Locality",
          Title: p.title,
          Address: { Label: p.label, Country: { Code2: "IN", Code3: "IND", Name: "India" } },
          Position: [...p.position],
        })),
      };
      return response;
    }
    case "geo-places:ReverseGeocode": {
      const nearest = [...GAZETTEER].sort((a, b) => meters(body.QueryPosition, a.position) - meters(body.QueryPosition, b.position))[0];
      const distance = Math.round(meters(body.QueryPosition, nearest.position));
      const response: Omit<ReverseGeocodeResponse, "$metadata"> = {
        PricingBucket: body.IntendedUse === "Storage" ? "Stored" : "Core",
        ResultItems:
          distance <= 50_000
            ? [
                {
                  PlaceId: `AQA-${nearest.id}`,
                  PlaceType: "Locality",
                  Title: nearest.title,
                  Address: { Label: nearest.label },
                  Position: [...nearest.position],
                  Distance: distance,
                },
              ]
            : [],
      };
      return response;
    }
    case "geo-routes:CalculateRoutes": {
      const format = body.LegGeometryFormat ?? "FlexiblePolyline";
      if (!inIndia(body.Origin) || !inIndia(body.Destination)) {
        return { LegGeometryFormat: format, Notices: [{ Code: "Other", Impact: "High" }], PricingBucket: "Core", Routes: [] } satisfies Omit<
          CalculateRoutesResponse,
          "$metadata"
        >;
      }
      const truckOptions = body.TravelModeOptions?.Truck ?? {};
      // A tall truck detours around low bridges: the route is longer, so a test can see the dimensions arrived.
      const detour = (truckOptions.Height ?? 0) > 400 ? 1.2 : 1;
      const distance = Math.round(meters(body.Origin, body.Destination) * 1.25 * detour);
      const speed = body.TravelMode === "Truck" ? 45 : 60;
      const middle = [(body.Origin[0] + body.Destination[0]) / 2, (body.Origin[1] + body.Destination[1]) / 2 + 0.01];
      const line = [body.Origin, middle, body.Destination];
      const response: Omit<CalculateRoutesResponse, "$metadata"> = {
        LegGeometryFormat: format,
        Notices: [],
        PricingBucket: "Core",
        Routes: [
          {
            Legs: [
              {
                Geometry: format === "Simple" ? { LineString: line } : { Polyline: "BFoz5xJ67i1B1B7PzIhaxL7Y" },
                TravelMode: body.TravelMode ?? "Car",
                Type: "Vehicle",
              },
            ],
            MajorRoadLabels: [],
            Summary: { Distance: distance, Duration: Math.round(distance / ((speed * 1000) / 3600)) },
          },
        ],
      };
      return response;
    }
    case "geo-routes:SnapToRoads": {
      const points: number[][] = body.TracePoints.map((p: { Position: number[] }) => p.Position);
      let length = 0;
      for (let i = 1; i < points.length; i++) length += meters(points[i - 1], points[i]);
      if (length > 500_000) throw new ServiceError(400, "ValidationException", "The sum of distances between TracePoints exceeds 500 km.", { reason: "Other" });
      // "Snapping" here moves each point onto a 0.001° grid: enough to tell snapped from raw.
      const snapped = points.map(([lng, lat]) => [Math.round(lng * 1000) / 1000, Math.round(lat * 1000) / 1000]);
      const format = body.SnappedGeometryFormat ?? "FlexiblePolyline";
      const response: Omit<SnapToRoadsResponse, "$metadata"> = {
        Notices: [],
        PricingBucket: "Core",
        SnappedGeometry: format === "Simple" ? { LineString: snapped } : { Polyline: "BFoz5xJ67i1B1B7PzIhaxL7Y" },
        SnappedGeometryFormat: format,
        SnappedTracePoints: points.map((p, i) => ({ Confidence: 0.9, OriginalPosition: p, SnappedPosition: snapped[i] })),
      };
      return response;
    }
  }
}

/** Starts the stand-in; `statements` are the caller's IAM statements (the ApiTier's, for one function). */
export async function startLocationEndpoint(statements: Statement[]): Promise<LocationEndpoint> {
  const requests: LocationEndpoint["requests"] = [];
  const planned: Misbehaviour[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    const how = planned.shift();
    if (how === "stall") return; // never answers; the client's timeout must end the call
    if (how === "close") return req.socket.destroy();
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const action = ACTION_BY_PATH[path];
      if (req.method !== "POST" || !action) throw new ServiceError(404, "ResourceNotFoundException", `no operation at ${req.method} ${path}`);
      const service = action.split(":")[0];
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ""));
      if (!scope || scope[1] !== LOCATION_CREDENTIALS.accessKeyId || scope[2] !== LOCATION_REGION || scope[3] !== service) {
        throw new ServiceError(403, "AccessDeniedException", `not signed for ${service} in ${LOCATION_REGION}`);
      }
      if (!iamAllows(statements, action, locationProviderArn(action, LOCATION_REGION))) {
        throw new ServiceError(403, "AccessDeniedException", `not authorized to perform ${action} on ${locationProviderArn(action, LOCATION_REGION)}`);
      }
      const parsed = BODIES[action].safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      if (!parsed.success) {
        throw new ServiceError(400, "ValidationException", "Request failed validation", {
          reason: "FieldValidationFailed",
          fieldList: parsed.error.issues.map((i) => ({ name: i.path.join("."), message: i.message })),
        });
      }
      requests.push({ action, body: parsed.data });
      if (how === "throttle") throw new ServiceError(429, "ThrottlingException", "Rate exceeded");
      if (how === "internal") throw new ServiceError(500, "InternalServerException", "Internal failure");
      if (how === "garbage") return send(200, "<html>gateway error</html>", { "content-type": "text/html" });
      send(200, answer(action, parsed.data));
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      send(err.status, { message: err.message, ...err.extra }, { "x-amzn-errortype": err.type });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    misbehave: (how, count = 1) => planned.push(...Array<Misbehaviour>(count).fill(how)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every Location action allowed on "*": for tests about behaviour rather than permissions. */
export const ALLOW_ALL_LOCATION: Statement[] = [{ Effect: "Allow", Action: [...LOCATION_ACTIONS], Resource: "*" }];
