/**
 * Schema-aware fuzzing: at every route, requests of the shape the route
 * accepts (derived from its own zod schemas, ./arbitrary.ts) with adversarial
 * values, against the real database. Whatever arrives:
 *
 * - the answer is never a 5xx, and every error is well-formed JSON;
 * - validation, not the database, refuses what cannot be stored (the
 *   database's refusals surface as `invalid_value`, which must never appear);
 * - anything accepted is echoed in a form the API accepts again.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { localDirectory } from "../../handlers/lib/directory";
import { apiHandler } from "../../handlers/lib/http";
import { usersOperations } from "../../handlers/users/api";
import { amazonLocation } from "../../handlers/lib/location";
import type { RequestSchemas } from "../../handlers/lib/validation";
import { mapsOperations } from "../../handlers/maps/api";
import { contractOf } from "../../handlers/openapi";
import { ROUTES, Role, Route } from "../../handlers/routes";
import { trackingOperations, trackingRequests } from "../../handlers/tracking/api";
import { tripsOperations, tripsRequests } from "../../handlers/trips/api";
import { KnownIds, asQuery, pathSegment, requestPart } from "./arbitrary";
import { ALLOW_ALL_LOCATION, LOCATION_CREDENTIALS, LOCATION_REGION, LocationEndpoint, startLocationEndpoint } from "./location-endpoint";
import { call, claims, hireDrivers, newOrg, newTrip, noStorage, testDb } from "./support";

const requestsOf = (route: Route): RequestSchemas => contractOf(route).request;

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

describe("handlers: schema-shaped adversarial requests at every route", function () {
  this.timeout(600_000);
  const org = newOrg();
  const driverSub = "driver-fuzz";
  let handlers: Record<string, ReturnType<typeof apiHandler>>;
  const ids: Record<string, string[]> = {};
  const known: KnownIds = (property) => ids[property] ?? [];

  let endpoint: LocationEndpoint;
  after(async () => endpoint?.close());

  before(async () => {
    const db = await testDb();
    // Maps and snapped tracks go through the Amazon Location adapter to the stand-in, so its answers are fuzzed too.
    endpoint = await startLocationEndpoint(ALLOW_ALL_LOCATION);
    const location = amazonLocation({ region: LOCATION_REGION, endpoint: endpoint.url, timeoutMs: 3_000, credentials: LOCATION_CREDENTIALS });
    handlers = {
      trips: apiHandler("trips", tripsOperations, async () => ({ db, documents: noStorage, uploads: { maxBytes: 5 * 1024 * 1024, urlTtlSeconds: 60 } })),
      tracking: apiHandler("tracking", trackingOperations, async () => ({ db, location })),
      maps: apiHandler("maps", mapsOperations, async () => ({ db, location, cacheTtlSeconds: 0 })),
      users: apiHandler("users", usersOperations, async () => ({ db, directory: localDirectory() })),
    };
    const dispatcher = claims(org, "dispatcher");
    await hireDrivers(org, driverSub);
    const vehicle = await call(handlers.trips, "POST", "/api/vehicles", { claims: dispatcher, body: { registration: "MH12FZ0001" } });
    const trip = await call(handlers.trips, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId: vehicle.body.id, driverId: driverSub }) });
    await call(handlers.trips, "PATCH", `/api/trips/${trip.body.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { status: "dispatched" } });
    const upload = await call(handlers.trips, "POST", `/api/trips/${trip.body.id}/documents`, {
      claims: dispatcher,
      body: { kind: "invoice", contentType: "application/pdf", sizeBytes: 100 },
    });
    Object.assign(ids, { vehicleId: [vehicle.body.id], tripId: [trip.body.id], documentId: [upload.body.documentId], driverId: [driverSub] });
  });

  const role = fc.constantFrom<Role>("dispatcher", "dispatcher", "admin", "driver", "viewer");
  const whoIs = (r: Role) => claims(org, r, r === "driver" ? driverSub : undefined);

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}`, async () => {
      const schemas = requestsOf(route);
      const none = fc.constant(undefined);
      await fc.assert(
        fc.asyncProperty(
          schemas.path ? requestPart(schemas.path, known) : none,
          schemas.query ? requestPart(schemas.query, known) : none,
          schemas.body ? requestPart(schemas.body, known) : none,
          role,
          fc.boolean(),
          async (path, query, body, r, currentVersion) => {
            const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => pathSegment((path as Record<string, unknown> | undefined)?.[name] ?? ""));
            const headers: Record<string, string> = {};
            if (schemas.ifMatch) {
              // Mostly the trip's current ETag, so the update reaches the database.
              const current = await call(handlers.trips, "GET", url, { claims: whoIs("admin") });
              headers["if-match"] = currentVersion && current.headers.etag ? current.headers.etag : '"1"';
            }
            const res = await call(handlers[route.function], route.method, url, { body, query: asQuery(query), headers, claims: whoIs(r) });
            const said = `${route.method} ${url} ${JSON.stringify({ query, body })} as ${r} answered ${res.status}: ${JSON.stringify(res.body)}`;
            assert.ok(res.status >= 200 && res.status < 500, said);
            if (res.status >= 400) {
              assert.equal(typeof res.body?.error?.code, "string", said);
              assert.notEqual(res.body.error.code, "invalid_value", `validation let through a value the database refused: ${said}`);
            }
          },
        ),
        { numRuns: RUNS },
      );
    });
  }

  it("echoes every trip it accepts in a form it accepts again", async () => {
    const dispatcher = whoIs("dispatcher");
    await fc.assert(
      fc.asyncProperty(requestPart(tripsRequests.createTrip.body, known), async (body) => {
        const created = await call(handlers.trips, "POST", "/api/trips", { claims: dispatcher, body });
        assert.ok(created.status < 500, JSON.stringify(created.body));
        if (created.status !== 201) return;
        const t = created.body;
        const echo = {
          reference: t.reference ?? undefined,
          vehicleId: t.vehicleId ?? undefined,
          driverId: t.driverId ?? undefined,
          origin: t.origin,
          destination: t.destination,
          plannedStart: t.plannedStart,
          plannedEnd: t.plannedEnd,
        };
        const again = await call(handlers.trips, "POST", "/api/trips", { claims: dispatcher, body: echo });
        assert.equal(again.status, 201, `${JSON.stringify(echo)} → ${JSON.stringify(again.body)}`);
        for (const field of ["reference", "driverId", "origin", "destination", "plannedStart", "plannedEnd"])
          assert.deepEqual(again.body[field], t[field], field);
      }),
      { numRuns: RUNS },
    );
  });

  it("echoes every position it accepts in a form it accepts again (a duplicate)", async () => {
    const dispatcher = whoIs("dispatcher");
    await fc.assert(
      fc.asyncProperty(requestPart(trackingRequests.ingestPositions.body, known), fc.integer({ min: 0, max: 2 ** 31 }), async (body, n) => {
        // A vehicle and trip of this run's own, so the trip's track holds exactly what this run stored.
        const vehicle = await call(handlers.trips, "POST", "/api/vehicles", { claims: dispatcher, body: { registration: `FZ${n}` } });
        if (vehicle.status !== 201) return;
        const trip = await call(handlers.trips, "POST", "/api/trips", {
          claims: dispatcher,
          body: newTrip({ vehicleId: vehicle.body.id, driverId: driverSub }),
        });
        await call(handlers.trips, "PATCH", `/api/trips/${trip.body.id}`, {
          claims: dispatcher,
          headers: { "if-match": '"1"' },
          body: { status: "dispatched" },
        });
        const positions = (body as { positions?: unknown })?.positions;
        const ours = Array.isArray(positions)
          ? { ...(body as object), positions: positions.map((p) => (p && typeof p === "object" ? { ...p, vehicleId: vehicle.body.id } : p)) }
          : body;
        const res = await call(handlers.tracking, "POST", "/api/positions", { claims: dispatcher, body: ours });
        assert.ok(res.status < 500, JSON.stringify(res.body));
        if (res.status !== 200 || res.body.accepted === 0) return;
        const track = await call(handlers.tracking, "GET", `/api/trips/${trip.body.id}/track`, { claims: dispatcher, query: { limit: "1000" } });
        assert.equal(track.body.positions.length, res.body.accepted);
        const resent = track.body.positions.map((p: any) => Object.fromEntries(Object.entries(p).filter(([k, v]) => v !== null && k !== "tripId")));
        const again = await call(handlers.tracking, "POST", "/api/positions", { claims: dispatcher, body: { positions: resent } });
        assert.equal(again.status, 200, `${JSON.stringify(resent.slice(0, 3))} → ${JSON.stringify(again.body)}`);
        assert.equal(again.body.accepted, 0, "every echoed position is the one stored");
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
