import { strict as assert } from "assert";
import { apiHandler } from "../../handlers/lib/http";
import { trackingOperations } from "../../handlers/tracking/api";
import { call, claims, fleet, memoryCache, newOrg, newTrip, request, testDb, tripsApp } from "./support";

describe("handlers: GET /api/me", () => {
  it("says who the caller is, from the verified claims only", async () => {
    const app = await tripsApp();
    const org = newOrg();
    const me = await call(app, "GET", "/api/me", { claims: { ...claims(org, ["dispatcher", "viewer"], "sub-123"), email: "asha@example.in" } });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { sub: "sub-123", orgId: org, roles: ["dispatcher", "viewer"], email: "asha@example.in" });
    const noEmail = await call(app, "GET", "/api/me", { claims: claims(org, "driver", "sub-9") });
    assert.equal(noEmail.body.email, null);
    assert.equal((await call(app, "GET", "/api/me")).status, 401);
  });
});

describe("handlers: GET /api/fleet", () => {
  it("lists every vehicle of the organisation with its latest position and active trip, and nothing of another's", async () => {
    const trips = await tripsApp();
    const db = await testDb();
    const tracking = apiHandler("tracking", trackingOperations, async () => ({ db }));
    const { org, dispatcher, vehicleId } = await fleet(trips);
    const idle = await call(trips, "POST", "/api/vehicles", { claims: dispatcher, body: { registration: "ZZ99IDLE" } });
    const trip = await call(trips, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId: "driver-f" }) });
    await call(trips, "PATCH", `/api/trips/${trip.body.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { status: "dispatched" } });
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await call(tracking, "POST", "/api/positions", {
      claims: dispatcher,
      body: { positions: [2, 1].map((m) => ({ vehicleId, recordedAt: at(m), lat: 19 + m / 100, lng: 73 })) },
    });
    const other = await fleet(trips);

    const res = await request(tracking, "get", "/api/fleet", { claims: claims(org, "viewer") });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.vehicles.map((v) => v.id),
      [vehicleId, idle.body.id],
      "by registration, this organisation's only",
    );
    const [moving, parked] = res.body.vehicles;
    assert.equal(moving.position?.lat, 19.01, "the newest position");
    assert.equal(moving.position?.tripId, trip.body.id);
    assert.deepEqual(moving.activeTrip, { id: trip.body.id, reference: "MUM-PUN-1", status: "dispatched", driverId: "driver-f", eta: null, delayed: false });
    assert.equal(parked.position, null);
    assert.equal(parked.activeTrip, null);
    assert.ok(!JSON.stringify(res.body).includes(other.vehicleId));
    assert.equal(res.body.source, "database");

    assert.equal((await call(tracking, "GET", "/api/fleet", { claims: claims(org, "driver") })).status, 403, "drivers see their own trip, not the fleet");
  });

  it("is served from Redis while fresh, and a new position drops it at once", async () => {
    const trips = await tripsApp();
    const db = await testDb();
    const tracking = apiHandler("tracking", trackingOperations, async () => ({ db, cache: memoryCache() }));
    const { dispatcher, vehicleId } = await fleet(trips);
    const first = await call(tracking, "GET", "/api/fleet", { claims: dispatcher });
    assert.equal(first.body.source, "database");
    const second = await call(tracking, "GET", "/api/fleet", { claims: dispatcher });
    assert.equal(second.body.source, "cache");
    assert.deepEqual({ ...second.body, source: "database" }, first.body);
    await call(tracking, "POST", "/api/positions", {
      claims: dispatcher,
      body: { positions: [{ vehicleId, recordedAt: new Date().toISOString(), lat: 18.5, lng: 73.8 }] },
    });
    const after = await call(tracking, "GET", "/api/fleet", { claims: dispatcher });
    assert.equal(after.body.source, "database");
    assert.equal(after.body.vehicles[0].position.lat, 18.5);
  });
});
