/**
 * One example exchange per route, for the OpenAPI document and docs/api.md.
 * The tests parse every example request with the route's own schemas and
 * hold every example response to the document, so an example cannot drift
 * from what the API does.
 */
const VEHICLE = "3f2b9c1e-7a4d-4c1e-9b8a-2d6e5f4a1c07";
const TRIP = "9c8e7d6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a";
const DOCUMENT = "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const DRIVER = "6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a";

export interface ApiExample {
  /** The path with its parameters filled in, when it has any. */
  path?: string;
  query?: Record<string, string>;
  body?: unknown;
  response: unknown;
}

const vehicle = { id: VEHICLE, registration: "MH12AB1234", grossWeightKg: 16200, heightCm: 380, axleCount: 2, createdAt: "2026-11-20T09:15:00.000Z" };
const trip = {
  id: TRIP,
  reference: "MUM-PUN-0142",
  status: "dispatched",
  vehicleId: VEHICLE,
  driverId: DRIVER,
  origin: { lat: 19.2813, lng: 73.0483, address: "Bhiwandi warehouse, Thane" },
  destination: { lat: 18.7606, lng: 73.8631, address: "Chakan depot, Pune" },
  plannedStart: "2026-12-01T04:30:00.000Z",
  plannedEnd: "2026-12-01T09:30:00.000Z",
  actualStart: null,
  actualEnd: null,
  eta: null,
  delayed: false,
  version: 2,
  createdAt: "2026-11-27T10:00:00.000Z",
  updatedAt: "2026-11-27T10:05:00.000Z",
};
const position = {
  tripId: TRIP,
  recordedAt: "2026-12-01T05:10:00.000Z",
  lat: 19.0502,
  lng: 73.1187,
  speedKmh: 48.5,
  heading: 112,
  accuracyM: 6,
};
const document = {
  id: DOCUMENT,
  tripId: TRIP,
  kind: "proof_of_delivery",
  contentType: "application/pdf",
  sizeBytes: 184320,
  status: "uploaded",
  createdAt: "2026-12-01T09:40:00.000Z",
  uploadedAt: "2026-12-01T09:40:12.000Z",
};
const user = {
  sub: DRIVER,
  email: "ravi.kumar@example.in",
  name: "Ravi Kumar",
  roles: ["driver"],
  enabled: true,
  createdAt: "2026-11-25T08:00:00.000Z",
  updatedAt: "2026-11-25T08:00:00.000Z",
};
const newTrip = {
  reference: "MUM-PUN-0142",
  vehicleId: VEHICLE,
  driverId: DRIVER,
  origin: trip.origin,
  destination: trip.destination,
  plannedStart: trip.plannedStart,
  plannedEnd: trip.plannedEnd,
};

/** By route key (`GET /api/trips/{tripId}`). */
export const API_EXAMPLES: Record<string, ApiExample> = {
  "GET /api/health": { response: { status: "ok" } },
  "GET /api/openapi.json": { response: { openapi: "3.1.0", info: { title: "TMS API", version: "1.0.0" }, paths: {} } },
  "GET /api/me": { response: { sub: DRIVER, orgId: "acme", roles: ["driver"], email: "ravi.kumar@example.in" } },
  "POST /api/vehicles": {
    body: { registration: "MH12AB1234", grossWeightKg: 16200, heightCm: 380, axleCount: 2 },
    response: vehicle,
  },
  "GET /api/vehicles": { response: { vehicles: [vehicle] } },
  "POST /api/trips": { body: newTrip, response: { ...trip, status: "planned", version: 1, updatedAt: trip.createdAt } },
  "GET /api/trips": {
    query: { status: "dispatched", limit: "25" },
    response: { trips: [trip], nextCursor: null },
  },
  "GET /api/trips/{tripId}": { path: `/api/trips/${TRIP}`, response: trip },
  "PATCH /api/trips/{tripId}": {
    path: `/api/trips/${TRIP}`,
    body: { status: "in_transit" },
    response: { ...trip, status: "in_transit", actualStart: "2026-12-01T04:41:00.000Z", version: 3, updatedAt: "2026-12-01T04:41:00.000Z" },
  },
  "POST /api/trips/{tripId}/documents": {
    path: `/api/trips/${TRIP}/documents`,
    body: { kind: "proof_of_delivery", contentType: "application/pdf", sizeBytes: 184320 },
    response: {
      documentId: DOCUMENT,
      upload: {
        method: "PUT",
        url: `https://tms-prod-documents.s3.ap-south-1.amazonaws.com/orgs/acme/trips/${TRIP}/documents/${DOCUMENT}?X-Amz-Signature=…`,
        headers: { "content-type": "application/pdf", "content-length": "184320" },
        expiresAt: "2026-12-01T09:45:00.000Z",
      },
    },
  },
  "POST /api/trips/{tripId}/documents/{documentId}/confirm": { path: `/api/trips/${TRIP}/documents/${DOCUMENT}/confirm`, response: document },
  "GET /api/trips/{tripId}/documents": {
    path: `/api/trips/${TRIP}/documents`,
    response: { documents: [{ ...document, downloadUrl: `https://tms-prod-documents.s3.ap-south-1.amazonaws.com/…?X-Amz-Signature=…` }] },
  },
  "POST /api/positions": {
    body: {
      positions: [{ vehicleId: VEHICLE, recordedAt: position.recordedAt, lat: position.lat, lng: position.lng, speedKmh: 48.5, heading: 112, accuracyM: 6 }],
    },
    response: { accepted: 1, duplicates: 0 },
  },
  "GET /api/vehicles/{vehicleId}/position": { path: `/api/vehicles/${VEHICLE}/position`, response: { vehicleId: VEHICLE, ...position, source: "cache" } },
  "GET /api/trips/{tripId}/track": {
    path: `/api/trips/${TRIP}/track`,
    query: { snap: "true" },
    response: {
      tripId: TRIP,
      positions: [{ vehicleId: VEHICLE, ...position }],
      snapped: {
        geometry: [
          [73.1187, 19.0501],
          [73.1203, 19.0493],
        ],
        source: "amazon-location",
      },
    },
  },
  "GET /api/fleet": {
    response: {
      vehicles: [
        {
          id: VEHICLE,
          registration: "MH12AB1234",
          position,
          activeTrip: { id: TRIP, reference: "MUM-PUN-0142", status: "dispatched", driverId: DRIVER, eta: "2026-12-01T09:05:00.000Z", delayed: false },
        },
      ],
      generatedAt: "2026-12-01T05:10:03.000Z",
      source: "database",
    },
  },
  "GET /api/users": { query: { role: "driver", enabled: "true" }, response: { users: [user] } },
  "POST /api/users": { body: { email: "ravi.kumar@example.in", name: "Ravi Kumar", roles: ["driver"] }, response: user },
  "PATCH /api/users/{sub}": {
    path: `/api/users/${DRIVER}`,
    body: { roles: ["driver", "viewer"] },
    response: { ...user, roles: ["driver", "viewer"], updatedAt: "2026-11-28T06:00:00.000Z" },
  },
  "GET /api/maps/geocode": {
    query: { q: "Chakan", near: "18.52,73.85" },
    response: {
      results: [{ lat: 18.7606, lng: 73.8631, label: "Chakan, Pune, Maharashtra, India", placeId: "AQAAAF…", placeType: "Locality" }],
      source: "amazon-location",
    },
  },
  "GET /api/maps/reverse-geocode": {
    query: { lat: "18.7606", lng: "73.8631" },
    response: {
      result: { lat: 18.7606, lng: 73.8631, label: "Chakan, Pune, Maharashtra, India", placeId: "AQAAAF…", placeType: "Locality" },
      source: "amazon-location",
    },
  },
  "POST /api/maps/route": {
    body: { origin: { lat: 19.2813, lng: 73.0483 }, destination: { lat: 18.7606, lng: 73.8631 }, departAt: "2026-12-01T04:30:00Z", vehicleId: VEHICLE },
    response: {
      distanceMeters: 148210,
      durationSeconds: 12480,
      eta: "2026-12-01T07:58:00.000Z",
      geometry: [
        [73.0483, 19.2813],
        [73.4211, 19.0402],
        [73.8631, 18.7606],
      ],
      travelMode: "Truck",
      truck: { grossWeightKg: 16200, heightCm: 380, axleCount: 2 },
      source: "amazon-location",
    },
  },
};
