/**
 * Vehicles, trips and their documents. Every query is scoped to the caller's
 * organisation; a row of another organisation is indistinguishable from a row
 * that does not exist (404).
 */
import { randomUUID } from "crypto";
import * as z from "zod";
import { AuthContext, hasRole } from "../lib/auth";
import { Db, Queryable } from "../lib/db";
import { HttpError, badRequest, conflict, forbidden, notFound } from "../lib/errors";
import { AuthedRequest, Operations, json } from "../lib/http";
import { logger } from "../lib/log";
import { DocumentStorage, documentKey } from "../lib/s3";
import { ResponseSpec, instant } from "../lib/contract";
import { ROLES } from "../routes";
import { RequestSchemas, isoTimestamp, latitude, longitude, parse, text, uuid } from "../lib/validation";
import { TRUCK_COLUMNS, truckFields, truckProfileOf, truckValues } from "../lib/vehicles";

export interface TripsDeps {
  db: Db;
  documents: DocumentStorage;
  uploads: { maxBytes: number; urlTtlSeconds: number };
  now?: () => Date;
}

export const STATUSES = ["planned", "dispatched", "in_transit", "delivered", "cancelled"] as const;
export type TripStatus = (typeof STATUSES)[number];

/** The trip lifecycle: forward one step at a time, or cancelled before delivery. */
export const TRANSITIONS: Record<TripStatus, readonly TripStatus[]> = {
  planned: ["dispatched", "cancelled"],
  dispatched: ["in_transit", "cancelled"],
  in_transit: ["delivered", "cancelled"],
  delivered: [],
  cancelled: [],
};

export const UPLOAD_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/webp"] as const;

const place = z.strictObject({ lat: latitude, lng: longitude, address: text({ max: 300, multiline: true }) });
const registration = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9 -]{1,19}$/i, { message: "expected 2-20 letters, digits, spaces or dashes" });
const driverId = text({ max: 128 });
const reference = text({ max: 64 });

const createTripBody = z
  .strictObject({
    reference: reference.optional(),
    vehicleId: uuid.optional(),
    driverId: driverId.optional(),
    origin: place,
    destination: place,
    plannedStart: isoTimestamp,
    plannedEnd: isoTimestamp,
  })
  .refine((t) => Date.parse(t.plannedEnd) > Date.parse(t.plannedStart), { message: "plannedEnd must be after plannedStart", path: ["plannedEnd"] });

const updateTripBody = z
  .strictObject({
    reference: reference.nullable().optional(),
    vehicleId: uuid.nullable().optional(),
    driverId: driverId.nullable().optional(),
    origin: place.optional(),
    destination: place.optional(),
    plannedStart: isoTimestamp.optional(),
    plannedEnd: isoTimestamp.optional(),
    status: z.enum(STATUSES).optional(),
  })
  .refine((t) => Object.keys(t).length > 0, { message: "nothing to update" });

const listTripsQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  vehicleId: uuid.optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

const tripPath = z.strictObject({ tripId: uuid });
const documentPath = z.strictObject({ tripId: uuid, documentId: uuid });

const uploadBody = z.strictObject({
  kind: z.enum(["proof_of_delivery", "invoice", "photo", "other"]),
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  sizeBytes: z.number().int().positive(),
});

/** What each operation accepts (the tests generate requests from these). */
export const tripsRequests = {
  health: {},
  openapi: {},
  me: {},
  createVehicle: { body: z.strictObject({ registration, ...truckFields }) },
  listVehicles: { query: z.strictObject({}) },
  createTrip: { body: createTripBody },
  listTrips: { query: listTripsQuery },
  getTrip: { path: tripPath },
  updateTrip: { path: tripPath, body: updateTripBody, ifMatch: true },
  requestUpload: { path: tripPath, body: uploadBody },
  confirmUpload: { path: documentPath },
  listDocuments: { path: tripPath },
} as const satisfies Record<string, RequestSchemas>;

const vehicleOut = z.strictObject({
  id: uuid,
  registration: z.string(),
  ...Object.fromEntries(Object.keys(truckFields).map((f) => [f, z.number().int().optional()])),
  createdAt: instant,
});
const placeOut = z.strictObject({ lat: z.number(), lng: z.number(), address: z.string() });
const tripOut = z.strictObject({
  id: uuid,
  reference: z.string().nullable(),
  status: z.enum(STATUSES),
  vehicleId: uuid.nullable(),
  driverId: z.string().nullable().describe("the driver's user subject (Cognito `sub`): an enabled user with the driver role, from GET /api/users?role=driver"),
  origin: placeOut,
  destination: placeOut,
  plannedStart: instant,
  plannedEnd: instant,
  actualStart: instant.nullable(),
  actualEnd: instant.nullable(),
  eta: instant.nullable(),
  delayed: z.boolean(),
  version: z.number().int().describe("the trip's ETag without quotes; send it back in If-Match to update"),
  createdAt: instant,
  updatedAt: instant,
});
const documentOut = z.strictObject({
  id: uuid,
  tripId: uuid,
  kind: uploadBody.shape.kind,
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  sizeBytes: z.number().int(),
  status: z.enum(["pending", "uploaded"]),
  createdAt: instant,
  uploadedAt: instant.nullable(),
});
const ETAG = { etag: "the trip's version, quoted" };

/** What each operation answers (handlers/openapi.ts documents it; the tests hold every response to it). */
export const tripsResponses = {
  health: { ok: { status: 200, description: "the API is up", body: z.strictObject({ status: z.literal("ok") }) } },
  openapi: { ok: { status: 200, description: "this document", body: z.looseObject({ openapi: z.string() }) } },
  me: {
    ok: {
      status: 200,
      description: "who the caller is, from their verified ID token",
      body: z.strictObject({
        sub: z.string().describe("the user's subject: a trip's driverId names a driver by it"),
        orgId: z.string(),
        roles: z.array(z.enum(ROLES)),
        email: z.string().nullable(),
      }),
    },
  },
  createVehicle: { ok: { status: 201, description: "the vehicle", body: vehicleOut }, errors: { 409: ["duplicate_vehicle"] } },
  listVehicles: { ok: { status: 200, description: "the organisation's vehicles, by registration", body: z.strictObject({ vehicles: z.array(vehicleOut) }) } },
  createTrip: {
    ok: { status: 201, description: "the trip", body: tripOut, headers: { ...ETAG, location: "the trip's URL" } },
    errors: { 400: ["unknown_vehicle", "unknown_driver"] },
  },
  listTrips: {
    ok: {
      status: 200,
      description: "a page of trips, newest first",
      body: z.strictObject({ trips: z.array(tripOut), nextCursor: z.string().nullable().describe("pass as `cursor` for the next page; null on the last") }),
    },
    errors: { 400: ["invalid_cursor"] },
  },
  getTrip: { ok: { status: 200, description: "the trip", body: tripOut, headers: ETAG }, errors: { 404: ["not_found"] } },
  updateTrip: {
    ok: { status: 200, description: "the trip as updated", body: tripOut, headers: ETAG },
    errors: {
      400: ["unknown_vehicle", "unknown_driver", "invalid_if_match"],
      403: ["forbidden"],
      404: ["not_found"],
      409: ["trip_closed", "illegal_transition", "missing_assignment"],
      412: ["version_mismatch"],
      428: ["precondition_required"],
    },
  },
  requestUpload: {
    ok: {
      status: 201,
      description: "a presigned PUT to upload the file with, then confirm",
      body: z.strictObject({
        documentId: uuid,
        upload: z.strictObject({
          method: z.literal("PUT"),
          url: z.string(),
          headers: z.strictObject({ "content-type": z.string(), "content-length": z.string() }),
          expiresAt: instant,
        }),
      }),
    },
    errors: { 404: ["not_found"], 409: ["trip_closed"], 413: ["document_too_large"] },
  },
  confirmUpload: {
    ok: { status: 200, description: "the document, uploaded", body: documentOut },
    errors: { 404: ["not_found"], 409: ["upload_missing", "upload_mismatch"] },
  },
  listDocuments: {
    ok: {
      status: 200,
      description: "the trip's uploaded documents, each with a short-lived download link",
      body: z.strictObject({ documents: z.array(documentOut.extend({ downloadUrl: z.string() })) }),
    },
    errors: { 404: ["not_found"] },
  },
} satisfies Record<string, ResponseSpec>;

interface TripRow {
  id: string;
  org_id: string;
  reference: string | null;
  status: TripStatus;
  vehicle_id: string | null;
  driver_id: string | null;
  origin_lat: number;
  origin_lng: number;
  origin_address: string;
  destination_lat: number;
  destination_lng: number;
  destination_address: string;
  planned_start: Date;
  planned_end: Date;
  actual_start: Date | null;
  actual_end: Date | null;
  eta: Date | null;
  delayed: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function tripJson(t: TripRow) {
  return {
    id: t.id,
    reference: t.reference,
    status: t.status,
    vehicleId: t.vehicle_id,
    driverId: t.driver_id,
    origin: { lat: t.origin_lat, lng: t.origin_lng, address: t.origin_address },
    destination: { lat: t.destination_lat, lng: t.destination_lng, address: t.destination_address },
    plannedStart: iso(t.planned_start),
    plannedEnd: iso(t.planned_end),
    actualStart: iso(t.actual_start),
    actualEnd: iso(t.actual_end),
    eta: iso(t.eta),
    delayed: t.delayed,
    version: t.version,
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
  };
}

const etag = (version: number) => `"${version}"`;

/** The trip, if it is the caller's organisation's and (for drivers) their own; 404 otherwise. */
export async function visibleTrip(db: Queryable, auth: AuthContext, tripId: string): Promise<TripRow> {
  const { rows } = await db.query<TripRow>("SELECT * FROM trips WHERE org_id = $1 AND id = $2", [auth.orgId, tripId]);
  const trip = rows[0];
  if (!trip || (isDriverOnly(auth) && trip.driver_id !== auth.userId)) throw notFound("trip");
  return trip;
}

const isDriverOnly = (auth: AuthContext) => hasRole(auth, "driver") && !hasRole(auth, "admin", "dispatcher", "viewer");

/** A trip's driver is a user of the organisation's directory with the driver role, enabled: `driverId` is their subject. */
async function assertDriverInOrg(db: Queryable, orgId: string, driverId: string | null | undefined) {
  if (!driverId) return;
  const { rowCount } = await db.query("SELECT 1 FROM users WHERE org_id = $1 AND sub = $2 AND enabled AND 'driver' = ANY(roles)", [orgId, driverId]);
  if (!rowCount)
    throw badRequest("unknown_driver", "no enabled driver with that subject in your organisation (GET /api/users?role=driver lists them)", [
      { path: "body.driverId", message: "unknown driver" },
    ]);
}

async function assertVehicleInOrg(db: Queryable, orgId: string, vehicleId: string | null | undefined) {
  if (!vehicleId) return;
  const { rowCount } = await db.query("SELECT 1 FROM vehicles WHERE org_id = $1 AND id = $2", [orgId, vehicleId]);
  if (!rowCount) throw badRequest("unknown_vehicle", "no such vehicle in your organisation", [{ path: "body.vehicleId", message: "unknown vehicle" }]);
}

function encodeCursor(t: TripRow) {
  return Buffer.from(JSON.stringify([t.created_at.toISOString(), t.id])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const instant = isoTimestamp.safeParse(createdAt);
    // The normalised instant, never the text inside the cursor: PostgreSQL refuses some offsets zod accepts.
    if (instant.success && uuid.safeParse(id).success) return [instant.data, id];
  } catch {
    /* reported below */
  }
  throw badRequest("invalid_cursor", "the cursor is not one this API issued");
}

/** `If-Match: "3"` (or W/"3", or 3) → 3; a missing header is a 428. */
function expectedVersion(request: AuthedRequest): number {
  const header = request.headers["if-match"];
  if (header === undefined) throw new HttpError(428, "precondition_required", 'send If-Match with the trip\'s ETag (its "version") to update it');
  const version = Number(/^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim())?.[1]);
  if (!Number.isInteger(version)) throw badRequest("invalid_if_match", 'If-Match must be the trip\'s ETag, e.g. "3"');
  return version;
}

const COLUMN: Record<string, string> = {
  reference: "reference",
  vehicleId: "vehicle_id",
  driverId: "driver_id",
  plannedStart: "planned_start",
  plannedEnd: "planned_end",
  status: "status",
};

/** A vehicle as the API shows it: its truck profile holds only the fields the record has. */
const vehicleJson = (v: Record<string, any>) => ({ id: v.id, registration: v.registration, ...truckProfileOf(v), createdAt: iso(v.created_at) });

export const tripsOperations: Operations<TripsDeps> = {
  async health() {
    return json(200, { status: "ok" });
  },

  async me(request) {
    const { userId, orgId, roles, email } = request.auth;
    return json(200, { sub: userId, orgId, roles, email: email ?? null });
  },

  async openapi() {
    // Loaded on demand: the document is built from every function's contract, this module's included.
    const { openApiDocument } = await import("../openapi");
    return json(200, openApiDocument(), { "cache-control": "public, max-age=300" });
  },

  async createVehicle(request, { db }) {
    const body = parse(tripsRequests.createVehicle.body, request.body, "body");
    const id = randomUUID();
    try {
      const { rows } = await db.query(
        `INSERT INTO vehicles (id, org_id, registration, ${TRUCK_COLUMNS.join(", ")}) VALUES ($1, $2, $3, ${TRUCK_COLUMNS.map((_, i) => `$${i + 4}`).join(", ")})
         RETURNING *`,
        [id, request.auth.orgId, body.registration.toUpperCase(), ...truckValues(body)],
      );
      return json(201, vehicleJson(rows[0]));
    } catch (err: any) {
      if (err?.code === "23505") throw conflict("duplicate_vehicle", `a vehicle ${body.registration.toUpperCase()} already exists`);
      throw err;
    }
  },

  async listVehicles(request, { db }) {
    parse(tripsRequests.listVehicles.query, request.query, "query");
    const { rows } = await db.query("SELECT * FROM vehicles WHERE org_id = $1 ORDER BY registration LIMIT 1000", [request.auth.orgId]);
    return json(200, { vehicles: rows.map(vehicleJson) });
  },

  async createTrip(request, { db, now = () => new Date() }) {
    const body = parse(tripsRequests.createTrip.body, request.body, "body");
    await assertVehicleInOrg(db, request.auth.orgId, body.vehicleId);
    await assertDriverInOrg(db, request.auth.orgId, body.driverId);
    // Millisecond precision keeps keyset cursors exact.
    const createdAt = now();
    const { rows } = await db.query<TripRow>(
      `INSERT INTO trips (id, org_id, reference, vehicle_id, driver_id, origin_lat, origin_lng, origin_address,
         destination_lat, destination_lng, destination_address, planned_start, planned_end, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14) RETURNING *`,
      [
        randomUUID(),
        request.auth.orgId,
        body.reference ?? null,
        body.vehicleId ?? null,
        body.driverId ?? null,
        body.origin.lat,
        body.origin.lng,
        body.origin.address,
        body.destination.lat,
        body.destination.lng,
        body.destination.address,
        body.plannedStart,
        body.plannedEnd,
        createdAt,
      ],
    );
    return json(201, tripJson(rows[0]), { etag: etag(rows[0].version), location: `/api/trips/${rows[0].id}` });
  },

  async listTrips(request, { db }) {
    const q = parse(tripsRequests.listTrips.query, request.query, "query");
    const where = ["org_id = $1"];
    const params: unknown[] = [request.auth.orgId];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace("?", `$${params.length}`));
    };
    if (q.status) add("status = ?", q.status);
    if (q.vehicleId) add("vehicle_id = ?", q.vehicleId);
    if (q.from) add("planned_start >= ?", q.from);
    if (q.to) add("planned_start < ?", q.to);
    if (isDriverOnly(request.auth)) add("driver_id = ?", request.auth.userId);
    if (q.cursor) {
      const [createdAt, id] = decodeCursor(q.cursor);
      params.push(createdAt, id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(q.limit + 1);
    const { rows } = await db.query<TripRow>(
      `SELECT * FROM trips WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    return json(200, { trips: page.map(tripJson), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]) : null });
  },

  async getTrip(request, { db }) {
    const { tripId } = parse(tripsRequests.getTrip.path, request.params, "path");
    const trip = await visibleTrip(db, request.auth, tripId);
    return json(200, tripJson(trip), { etag: etag(trip.version) });
  },

  async updateTrip(request, { db }) {
    const { tripId } = parse(tripsRequests.getTrip.path, request.params, "path");
    const body = parse(tripsRequests.updateTrip.body, request.body, "body");
    const version = expectedVersion(request);
    const trip = await visibleTrip(db, request.auth, tripId);

    if (isDriverOnly(request.auth)) {
      const fields = Object.keys(body);
      if (fields.some((f) => f !== "status") || !["in_transit", "delivered"].includes(body.status!)) {
        throw forbidden("drivers may only move their own trip to in_transit or delivered");
      }
    }
    if (trip.version !== version) {
      throw new HttpError(
        412,
        "version_mismatch",
        "the trip changed since you read it; fetch it again",
        { currentVersion: trip.version },
        { etag: etag(trip.version) },
      );
    }
    const closed = TRANSITIONS[trip.status].length === 0;
    if (closed) throw conflict("trip_closed", `a ${trip.status} trip cannot change`);
    if (body.status && body.status !== trip.status && !TRANSITIONS[trip.status].includes(body.status)) {
      throw conflict("illegal_transition", `a trip cannot go from ${trip.status} to ${body.status}`, {
        from: trip.status,
        to: body.status,
        allowed: TRANSITIONS[trip.status],
      });
    }
    await assertVehicleInOrg(db, request.auth.orgId, body.vehicleId);
    await assertDriverInOrg(db, request.auth.orgId, body.driverId);
    const next = {
      vehicle: body.vehicleId !== undefined ? body.vehicleId : trip.vehicle_id,
      driver: body.driverId !== undefined ? body.driverId : trip.driver_id,
    };
    if (body.status === "dispatched" && (!next.vehicle || !next.driver)) {
      throw conflict("missing_assignment", "assign a vehicle and a driver before dispatching the trip");
    }
    const start = body.plannedStart ?? trip.planned_start.toISOString();
    const end = body.plannedEnd ?? trip.planned_end.toISOString();
    if (Date.parse(end) <= Date.parse(start))
      throw badRequest("invalid_request", "plannedEnd must be after plannedStart", [{ path: "body.plannedEnd", message: "must be after plannedStart" }]);

    const sets: string[] = [];
    const params: unknown[] = [request.auth.orgId, tripId, version];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    for (const [field, column] of Object.entries(COLUMN)) {
      const value = body[field as keyof typeof body];
      if (value !== undefined) set(column, value);
    }
    for (const [prefix, value] of [
      ["origin", body.origin],
      ["destination", body.destination],
    ] as const) {
      if (value) {
        set(`${prefix}_lat`, value.lat);
        set(`${prefix}_lng`, value.lng);
        set(`${prefix}_address`, value.address);
      }
    }
    if (body.status === "in_transit") sets.push("actual_start = COALESCE(actual_start, now())");
    if (body.status === "delivered") sets.push("actual_end = now()");
    // The version guard makes concurrent updates safe: exactly one of two racing writers wins.
    const { rows } = await db.query<TripRow>(
      `UPDATE trips SET ${sets.join(", ")}, version = version + 1, updated_at = now() WHERE org_id = $1 AND id = $2 AND version = $3 RETURNING *`,
      params,
    );
    if (rows.length === 0) throw new HttpError(412, "version_mismatch", "the trip changed since you read it; fetch it again");
    return json(200, tripJson(rows[0]), { etag: etag(rows[0].version) });
  },

  async requestUpload(request, { db, documents, uploads }) {
    const { tripId } = parse(tripsRequests.getTrip.path, request.params, "path");
    const body = parse(tripsRequests.requestUpload.body, request.body, "body");
    if (body.sizeBytes > uploads.maxBytes) throw new HttpError(413, "document_too_large", `documents are limited to ${uploads.maxBytes} bytes`);
    const trip = await visibleTrip(db, request.auth, tripId);
    if (trip.status === "cancelled") throw conflict("trip_closed", "a cancelled trip takes no documents");
    const id = randomUUID();
    const key = documentKey(request.auth.orgId, trip.id, id);
    await db.query("INSERT INTO documents (id, org_id, trip_id, kind, content_type, size_bytes, object_key, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", [
      id,
      request.auth.orgId,
      trip.id,
      body.kind,
      body.contentType,
      body.sizeBytes,
      key,
      request.auth.userId,
    ]);
    const url = await documents.presignPut(key, body.contentType, body.sizeBytes, uploads.urlTtlSeconds);
    return json(201, {
      documentId: id,
      upload: {
        method: "PUT",
        url,
        headers: { "content-type": body.contentType, "content-length": String(body.sizeBytes) },
        expiresAt: new Date(Date.now() + uploads.urlTtlSeconds * 1000).toISOString(),
      },
    });
  },

  async confirmUpload(request, { db, documents }) {
    const { tripId, documentId } = parse(tripsRequests.confirmUpload.path, request.params, "path");
    await visibleTrip(db, request.auth, tripId);
    const { rows } = await db.query("SELECT * FROM documents WHERE org_id = $1 AND trip_id = $2 AND id = $3", [request.auth.orgId, tripId, documentId]);
    const doc = rows[0];
    if (!doc) throw notFound("document");
    if (doc.status === "uploaded") return json(200, documentJson(doc));
    const stored = await documents.head(doc.object_key);
    if (!stored) throw conflict("upload_missing", "nothing has been uploaded for this document yet");
    if (stored.size !== Number(doc.size_bytes) || stored.contentType !== doc.content_type) {
      throw conflict("upload_mismatch", "the uploaded file does not match the announced size and type", {
        expected: { sizeBytes: Number(doc.size_bytes), contentType: doc.content_type },
        found: { sizeBytes: stored.size, contentType: stored.contentType },
      });
    }
    const updated = await db.query("UPDATE documents SET status = 'uploaded', uploaded_at = now() WHERE id = $1 AND org_id = $2 RETURNING *", [
      documentId,
      request.auth.orgId,
    ]);
    return json(200, documentJson(updated.rows[0]));
  },

  async listDocuments(request, { db, documents, uploads }) {
    const { tripId } = parse(tripsRequests.getTrip.path, request.params, "path");
    await visibleTrip(db, request.auth, tripId);
    const { rows } = await db.query("SELECT * FROM documents WHERE org_id = $1 AND trip_id = $2 AND status = 'uploaded' ORDER BY created_at", [
      request.auth.orgId,
      tripId,
    ]);
    const items = await Promise.all(
      rows.map(async (doc) => ({ ...documentJson(doc), downloadUrl: await documents.presignGet(doc.object_key, uploads.urlTtlSeconds) })),
    );
    // The audit's other half: CloudTrail names the signing role when a link is used; this names the user it was issued to.
    if (items.length > 0) logger.info("document download links issued", { userId: request.auth.userId, tripId, documentIds: items.map((d) => d.id) });
    return json(200, { documents: items });
  },
};

function documentJson(doc: any) {
  return {
    id: doc.id,
    tripId: doc.trip_id,
    kind: doc.kind,
    contentType: doc.content_type,
    sizeBytes: Number(doc.size_bytes),
    status: doc.status,
    createdAt: iso(doc.created_at),
    uploadedAt: iso(doc.uploaded_at),
  };
}
