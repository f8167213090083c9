/** Vehicle positions: idempotent batch ingest, the latest position per vehicle, a trip's track. */
import * as z from "zod";
import { AuthContext, hasRole } from "../lib/auth";
import { Cache, cacheKey } from "../lib/cache";
import { ResponseSpec, instant, lineString } from "../lib/contract";
import { Db } from "../lib/db";
import { haversineMeters } from "../lib/geo";
import { LatLng, LocationService, TracePoint, TruckProfile } from "../lib/location";
import { vehicleTruckProfile } from "../lib/vehicles";

import { HttpError, badRequest, forbidden, notFound } from "../lib/errors";
import { Operations, json } from "../lib/http";
import { MetricUnit, metrics } from "../lib/log";
import { RequestSchemas, isoTimestamp, latitude, longitude, parse, real, uuid } from "../lib/validation";
import { visibleTrip } from "../trips/api";

export interface TrackingDeps {
  db: Db;
  cache?: Cache;
  /** Amazon Location, for tracks snapped to roads; undefined answers `snapped: null`. */
  location?: LocationService;
  /** How long a snapped track is cached (0: not cached). */
  cacheTtlSeconds?: number;
  now?: () => Date;
}

/** Routes' SnapToRoads takes a trace of at most 500 km (summed between points); chunks stay under it with a margin. */
export const SNAP_CHUNK_METERS = 450_000;

export const MAX_BATCH = 500;
const LATEST_TTL_SECONDS = 60;
/** Devices' clocks drift; a position from the future beyond this is rejected. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const position = z.strictObject({
  vehicleId: uuid,
  recordedAt: isoTimestamp,
  lat: latitude,
  lng: longitude,
  // Stored as `real`: bounds are checked on the single-precision value too.
  speedKmh: real({ min: 0, max: 300 }).optional(),
  heading: real({ min: 0, lt: 360 }).optional(),
  accuracyM: real({ min: 0, max: 10_000 }).optional(),
});

/** What each operation accepts (the tests generate requests from these). */
export const trackingRequests = {
  ingestPositions: { body: z.strictObject({ positions: z.array(position).min(1).max(MAX_BATCH) }) },
  latestPosition: { path: z.strictObject({ vehicleId: uuid }) },
  fleet: { query: z.strictObject({}) },
  tripTrack: {
    path: z.strictObject({ tripId: uuid }),
    query: z.strictObject({
      since: isoTimestamp.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(500),
      /** Also return the track snapped to roads (Amazon Location); the raw positions stay the record. */
      snap: z.enum(["true", "false"]).default("false"),
    }),
  },
} as const satisfies Record<string, RequestSchemas>;

const positionOut = z.strictObject({
  vehicleId: uuid,
  tripId: uuid.nullable(),
  recordedAt: instant,
  lat: z.number(),
  lng: z.number(),
  speedKmh: z.number().nullable(),
  heading: z.number().nullable(),
  accuracyM: z.number().nullable(),
});

/** What each operation answers (handlers/openapi.ts documents it; the tests hold every response to it). */
export const trackingResponses = {
  ingestPositions: {
    ok: {
      status: 200,
      description: "how many positions were new; re-sent ones (same vehicle and instant) are duplicates",
      body: z.strictObject({ accepted: z.number().int(), duplicates: z.number().int() }),
    },
    errors: { 400: ["unknown_vehicle"], 403: ["forbidden"], 413: ["batch_too_large"] },
  },
  latestPosition: {
    ok: { status: 200, description: "the vehicle's latest position", body: positionOut.extend({ source: z.enum(["cache", "database"]) }) },
    errors: { 404: ["not_found"] },
  },
  fleet: {
    ok: {
      status: 200,
      description: "every vehicle of the organisation with its latest position and its active trip, by registration",
      body: z.strictObject({
        vehicles: z.array(
          z.strictObject({
            id: uuid,
            registration: z.string(),
            position: positionOut.omit({ vehicleId: true }).nullable(),
            activeTrip: z
              .strictObject({
                id: uuid,
                reference: z.string().nullable(),
                status: z.enum(["dispatched", "in_transit"]),
                driverId: z.string().nullable(),
                eta: instant.nullable(),
                delayed: z.boolean(),
              })
              .nullable(),
          }),
        ),
        generatedAt: instant,
        source: z.enum(["cache", "database"]),
      }),
    },
  },
  tripTrack: {
    ok: {
      status: 200,
      description: "the trip's positions in time order; with snap=true, also the track matched to roads (null without Amazon Location)",
      body: z.strictObject({
        tripId: uuid,
        positions: z.array(positionOut),
        snapped: z
          .strictObject({ geometry: lineString, source: z.literal("amazon-location") })
          .nullable()
          .optional(),
      }),
    },
    errors: { 404: ["not_found"], 422: ["maps_request_refused"], 502: ["maps_provider_error"], 503: ["maps_throttled"], 504: ["maps_timeout"] },
  },
} satisfies Record<keyof typeof trackingRequests, ResponseSpec>;

interface PositionRow {
  vehicle_id: string;
  recorded_at: Date;
  trip_id: string | null;
  lat: number;
  lng: number;
  speed_kmh: number | null;
  heading: number | null;
  accuracy_m: number | null;
}

const positionJson = (p: PositionRow) => ({
  vehicleId: p.vehicle_id,
  tripId: p.trip_id,
  recordedAt: p.recorded_at.toISOString(),
  lat: p.lat,
  lng: p.lng,
  speedKmh: p.speed_kmh,
  heading: p.heading,
  accuracyM: p.accuracy_m,
});

const latestKey = (orgId: string, vehicleId: string) => `tms:latest:${orgId}:${vehicleId}`;
const fleetKey = (orgId: string) => `tms:fleet:${orgId}`;
/**
 * How long the fleet is served from Redis. An ingest drops it at once; a trip
 * changed by the trips function (which has no Redis) shows within this.
 */
export const FLEET_TTL_SECONDS = 5;
/** The most vehicles the fleet lists (the vehicles list's own bound). */
export const FLEET_LIMIT = 1000;

/** Which trip each vehicle's positions belong to; drivers may post only for the vehicle of their active trip. */
async function tripsForVehicles(db: Db, auth: AuthContext, vehicleIds: string[]): Promise<Map<string, string | null>> {
  const driverOnly = hasRole(auth, "driver") && !hasRole(auth, "admin", "dispatcher");
  if (driverOnly) {
    const { rows } = await db.query(
      "SELECT id, vehicle_id FROM trips WHERE org_id = $1 AND driver_id = $2 AND status IN ('dispatched', 'in_transit') AND vehicle_id IS NOT NULL ORDER BY planned_start DESC LIMIT 1",
      [auth.orgId, auth.userId],
    );
    const active = rows[0];
    if (!active) throw forbidden("you have no active trip to report positions for");
    const others = vehicleIds.filter((v) => v !== active.vehicle_id);
    if (others.length > 0) throw forbidden("drivers may report positions only for the vehicle of their active trip");
    return new Map([[active.vehicle_id, active.id]]);
  }
  const known = await db.query("SELECT id FROM vehicles WHERE org_id = $1 AND id = ANY($2::uuid[])", [auth.orgId, vehicleIds]);
  const unknown = vehicleIds.filter((v) => !known.rows.some((r) => r.id === v));
  if (unknown.length > 0)
    throw badRequest(
      "unknown_vehicle",
      "no such vehicle in your organisation",
      unknown.map((v) => ({ path: "body.positions.vehicleId", message: `unknown vehicle ${v}` })),
    );
  const active = await db.query(
    `SELECT DISTINCT ON (vehicle_id) vehicle_id, id FROM trips
     WHERE org_id = $1 AND vehicle_id = ANY($2::uuid[]) AND status IN ('dispatched', 'in_transit')
     ORDER BY vehicle_id, planned_start DESC`,
    [auth.orgId, vehicleIds],
  );
  return new Map(vehicleIds.map((v) => [v, active.rows.find((r) => r.vehicle_id === v)?.id ?? null]));
}

export const trackingOperations: Operations<TrackingDeps> = {
  async ingestPositions(request, { db, cache, now = () => new Date() }) {
    const started = performance.now();
    const raw = request.body as { positions?: unknown } | undefined;
    if (Array.isArray(raw?.positions) && raw.positions.length > MAX_BATCH) {
      throw new HttpError(413, "batch_too_large", `send at most ${MAX_BATCH} positions per request`);
    }
    const { positions } = parse(trackingRequests.ingestPositions.body, request.body, "body");
    const latestAllowed = now().getTime() + MAX_CLOCK_SKEW_MS;
    const future = positions.findIndex((p) => Date.parse(p.recordedAt) > latestAllowed);
    if (future >= 0)
      throw badRequest("invalid_request", "a position is dated in the future", [{ path: `body.positions.${future}.recordedAt`, message: "in the future" }]);

    const vehicleIds = [...new Set(positions.map((p) => p.vehicleId))];
    const trips = await tripsForVehicles(db, request.auth, vehicleIds);
    const { rowCount } = await db.query(
      `INSERT INTO positions (vehicle_id, recorded_at, org_id, trip_id, lat, lng, speed_kmh, heading, accuracy_m)
       SELECT v, t, $1, trip, lat, lng, speed, heading, accuracy
       FROM unnest($2::uuid[], $3::timestamptz[], $4::uuid[], $5::float8[], $6::float8[], $7::real[], $8::real[], $9::real[])
         AS u(v, t, trip, lat, lng, speed, heading, accuracy)
       ON CONFLICT (vehicle_id, recorded_at) DO NOTHING`,
      [
        request.auth.orgId,
        positions.map((p) => p.vehicleId),
        positions.map((p) => p.recordedAt),
        positions.map((p) => trips.get(p.vehicleId) ?? null),
        positions.map((p) => p.lat),
        positions.map((p) => p.lng),
        positions.map((p) => p.speedKmh ?? null),
        positions.map((p) => p.heading ?? null),
        positions.map((p) => p.accuracyM ?? null),
      ],
    );
    const accepted = rowCount ?? 0;
    // The cached latest position may now be stale: the next read refills it.
    if (cache && accepted > 0) await cache.delete([...vehicleIds.map((v) => latestKey(request.auth.orgId, v)), fleetKey(request.auth.orgId)]);
    metrics.addMetric("PositionsIngested", MetricUnit.Count, accepted);
    metrics.addMetric("PositionDuplicates", MetricUnit.Count, positions.length - accepted);
    metrics.addMetric("IngestLatency", MetricUnit.Milliseconds, performance.now() - started);
    return json(200, { accepted, duplicates: positions.length - accepted });
  },

  async latestPosition(request, { db, cache }) {
    const { vehicleId } = parse(trackingRequests.latestPosition.path, request.params, "path");
    const key = latestKey(request.auth.orgId, vehicleId);
    const cached = await cache?.get(key);
    if (cached) return json(200, { ...JSON.parse(cached), source: "cache" });
    const { rows } = await db.query<PositionRow>("SELECT * FROM positions WHERE org_id = $1 AND vehicle_id = $2 ORDER BY recorded_at DESC LIMIT 1", [
      request.auth.orgId,
      vehicleId,
    ]);
    if (!rows[0]) throw notFound("position");
    const latest = positionJson(rows[0]);
    await cache?.set(key, JSON.stringify(latest), LATEST_TTL_SECONDS);
    return json(200, { ...latest, source: "database" });
  },

  async fleet(request, { db, cache, now = () => new Date() }) {
    parse(trackingRequests.fleet.query, request.query, "query");
    const key = fleetKey(request.auth.orgId);
    const cached = await cache?.get(key);
    if (cached) return json(200, { ...JSON.parse(cached), source: "cache" });
    // One query: each vehicle's newest position (the positions key, read backwards) and its active trip.
    const { rows } = await db.query(
      `SELECT v.id, v.registration,
              p.recorded_at, p.trip_id AS position_trip_id, p.lat, p.lng, p.speed_kmh, p.heading, p.accuracy_m,
              t.id AS trip_id, t.reference, t.status, t.driver_id, t.eta, t.delayed
       FROM vehicles v
       LEFT JOIN LATERAL (SELECT * FROM positions WHERE vehicle_id = v.id AND org_id = v.org_id ORDER BY recorded_at DESC LIMIT 1) p ON true
       LEFT JOIN LATERAL (
         SELECT * FROM trips WHERE org_id = v.org_id AND vehicle_id = v.id AND status IN ('dispatched', 'in_transit') ORDER BY planned_start DESC LIMIT 1
       ) t ON true
       WHERE v.org_id = $1
       ORDER BY v.registration
       LIMIT ${FLEET_LIMIT}`,
      [request.auth.orgId],
    );
    const fleet = {
      vehicles: rows.map((r) => ({
        id: r.id,
        registration: r.registration,
        position: r.recorded_at
          ? {
              tripId: r.position_trip_id,
              recordedAt: r.recorded_at.toISOString(),
              lat: r.lat,
              lng: r.lng,
              speedKmh: r.speed_kmh,
              heading: r.heading,
              accuracyM: r.accuracy_m,
            }
          : null,
        activeTrip: r.trip_id
          ? { id: r.trip_id, reference: r.reference, status: r.status, driverId: r.driver_id, eta: r.eta?.toISOString() ?? null, delayed: r.delayed }
          : null,
      })),
      generatedAt: now().toISOString(),
    };
    await cache?.set(key, JSON.stringify(fleet), FLEET_TTL_SECONDS);
    return json(200, { ...fleet, source: "database" });
  },

  async tripTrack(request, deps) {
    const { db } = deps;
    const { tripId } = parse(trackingRequests.tripTrack.path, request.params, "path");
    const q = parse(trackingRequests.tripTrack.query, request.query, "query");
    const trip = await visibleTrip(db, request.auth, tripId);
    const { rows } = await db.query<PositionRow>(
      "SELECT * FROM positions WHERE org_id = $1 AND trip_id = $2 AND recorded_at > $3 ORDER BY recorded_at LIMIT $4",
      [request.auth.orgId, trip.id, q.since ?? "-infinity", q.limit],
    );
    const positions = rows.map(positionJson);
    if (q.snap === "false") return json(200, { tripId: trip.id, positions });
    if (!deps.location) return json(200, { tripId: trip.id, positions, snapped: null });
    const truck = trip.vehicle_id ? await vehicleTruckProfile(db, request.auth.orgId, trip.vehicle_id) : undefined;
    const geometry = await snappedTrack(deps, deps.location, positions, truck);
    return json(200, { tripId: trip.id, positions, snapped: { geometry, source: "amazon-location" } });
  },
};

/** The track snapped to roads, in chunks SnapToRoads accepts, joined; cached by the exact trace. */
async function snappedTrack(
  deps: TrackingDeps,
  location: LocationService,
  positions: ReturnType<typeof positionJson>[],
  truck?: TruckProfile,
): Promise<[number, number][]> {
  if (positions.length < 2) return positions.map((p) => [p.lng, p.lat]);
  const trace: TracePoint[] = positions.map((p) => ({
    lat: p.lat,
    lng: p.lng,
    recordedAt: p.recordedAt,
    speedKmh: p.speedKmh ?? undefined,
    heading: p.heading ?? undefined,
  }));
  const key = cacheKey("snap", { trace, truck });
  const ttl = deps.cacheTtlSeconds ?? 0;
  const hit = ttl > 0 ? await deps.cache?.get(key) : undefined;
  if (hit) return JSON.parse(hit);
  const lines: [number, number][][] = [];
  for (const chunk of chunksWithin(trace, SNAP_CHUNK_METERS)) lines.push(await location.snapToRoads(chunk, truck));
  const geometry = lines.flat();
  if (ttl > 0) await deps.cache?.set(key, JSON.stringify(geometry), ttl);
  return geometry;
}

/** Consecutive runs of the trace whose summed length stays within `meters`; neighbouring chunks share their boundary point. */
export function chunksWithin<P extends LatLng>(trace: P[], meters: number): P[][] {
  const chunks: P[][] = [];
  let current: P[] = [trace[0]];
  let length = 0;
  for (let i = 1; i < trace.length; i++) {
    const step = haversineMeters(trace[i - 1], trace[i]);
    if (length + step > meters && current.length > 1) {
      chunks.push(current);
      current = [trace[i - 1]];
      length = 0;
    }
    current.push(trace[i]);
    length += step;
  }
  chunks.push(current);
  return chunks;
}
