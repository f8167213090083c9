import { strict as assert } from "assert";
import { apiHandler } from "../../handlers/lib/http";
import { STATUSES, TRANSITIONS, TripStatus, tripsOperations } from "../../handlers/trips/api";
import { call, claims, fleet, newOrg, newTrip, noStorage, testDb, tripsApp } from "./support";

describe("handlers: trips", () => {
  let app: Awaited<ReturnType<typeof tripsApp>>;
  before(async () => {
    app = await tripsApp();
  });

  it("answers the health check without authentication, reporting only liveness", async () => {
    const res = await call(app, "GET", "/api/health");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: "ok" });
  });

  it("creates, reads and lists a trip in the caller's organisation", async () => {
    const { dispatcher, vehicleId } = await fleet(app);
    const created = await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId: "driver-7" }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, "planned");
    assert.equal(created.body.version, 1);
    assert.equal(created.headers.etag, '"1"');
    assert.deepEqual(created.body.origin, newTrip().origin);
    const got = await call(app, "GET", `/api/trips/${created.body.id}`, { claims: dispatcher });
    assert.deepEqual(got.body, created.body);
    const listed = await call(app, "GET", "/api/trips", { claims: dispatcher });
    assert.deepEqual(
      listed.body.trips.map((t: any) => t.id),
      [created.body.id],
    );
  });

  it("never shows, changes or lists another organisation's trip", async () => {
    const a = await fleet(app);
    const b = await fleet(app);
    const trip = (await call(app, "POST", "/api/trips", { claims: a.dispatcher, body: newTrip({ vehicleId: a.vehicleId }) })).body;
    for (const role of ["admin", "dispatcher", "viewer"] as const) {
      const intruder = claims(b.org, role);
      assert.equal((await call(app, "GET", `/api/trips/${trip.id}`, { claims: intruder })).status, 404);
      assert.deepEqual((await call(app, "GET", "/api/trips", { claims: intruder })).body.trips, []);
      assert.equal((await call(app, "GET", `/api/trips/${trip.id}/documents`, { claims: intruder })).status, 404);
    }
    const patch = await call(app, "PATCH", `/api/trips/${trip.id}`, {
      claims: claims(b.org, "admin"),
      headers: { "if-match": '"1"' },
      body: { status: "cancelled" },
    });
    assert.equal(patch.status, 404);
    // Referencing another organisation's vehicle is rejected, not linked.
    const foreignVehicle = await call(app, "POST", "/api/trips", { claims: b.dispatcher, body: newTrip({ vehicleId: a.vehicleId }) });
    assert.equal(foreignVehicle.status, 400);
    assert.equal(foreignVehicle.body.error.code, "unknown_vehicle");
  });

  it("refuses callers without an organisation or the right role", async () => {
    const { org } = await fleet(app);
    assert.equal((await call(app, "GET", "/api/trips")).status, 401);
    assert.equal((await call(app, "GET", "/api/trips", { claims: { sub: "u1", "cognito:groups": "[admin]" } })).status, 403);
    const viewer = await call(app, "POST", "/api/trips", { claims: claims(org, "viewer"), body: newTrip() });
    assert.equal(viewer.status, 403);
    assert.match(viewer.body.error.message, /requires one of the roles: admin, dispatcher/);
  });

  it("rejects every illegal status transition with 409 and allows every legal one", async () => {
    const { dispatcher, vehicleId } = await fleet(app);
    // Reach each status along the lifecycle, then try every target from it.
    const pathTo: Record<TripStatus, TripStatus[]> = {
      planned: [],
      dispatched: ["dispatched"],
      in_transit: ["dispatched", "in_transit"],
      delivered: ["dispatched", "in_transit", "delivered"],
      cancelled: ["cancelled"],
    };
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        if (to === from) continue;
        const trip = (await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId: "driver-1" }) })).body;
        let version = trip.version;
        for (const step of pathTo[from]) {
          const moved = await call(app, "PATCH", `/api/trips/${trip.id}`, {
            claims: dispatcher,
            headers: { "if-match": `"${version}"` },
            body: { status: step },
          });
          assert.equal(moved.status, 200, `${step}: ${JSON.stringify(moved.body)}`);
          version = moved.body.version;
        }
        const res = await call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": `"${version}"` }, body: { status: to } });
        if (TRANSITIONS[from].includes(to)) {
          assert.equal(res.status, 200, `${from} → ${to} should be allowed`);
          assert.equal(res.body.status, to);
        } else {
          assert.equal(res.status, 409, `${from} → ${to} should be refused`);
          assert.ok(["illegal_transition", "trip_closed"].includes(res.body.error.code), res.body.error.code);
        }
      }
    }
  });

  it("stamps actual start and end as the trip moves", async () => {
    const { dispatcher, vehicleId } = await fleet(app);
    let trip = (await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId: "d" }) })).body;
    for (const status of ["dispatched", "in_transit", "delivered"]) {
      trip = (await call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": `"${trip.version}"` }, body: { status } })).body;
    }
    assert.ok(trip.actualStart && trip.actualEnd && Date.parse(trip.actualEnd) >= Date.parse(trip.actualStart));
  });

  it("will not dispatch a trip without a vehicle and a driver", async () => {
    const { dispatcher } = await fleet(app);
    const trip = (await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip() })).body;
    const res = await call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { status: "dispatched" } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, "missing_assignment");
  });

  it("requires If-Match and refuses a stale version with 412", async () => {
    const { dispatcher } = await fleet(app);
    const trip = (await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip() })).body;
    const missing = await call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, body: { reference: "X" } });
    assert.equal(missing.status, 428);
    const first = await call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { reference: "X" } });
    assert.equal(first.status, 200);
    assert.equal(first.headers.etag, '"2"');
    const stale = await call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { reference: "Y" } });
    assert.equal(stale.status, 412);
    assert.deepEqual(stale.body.error.details, { currentVersion: 2 });
  });

  it("lets exactly one of two concurrent updates win", async () => {
    const { dispatcher } = await fleet(app);
    for (let round = 0; round < 5; round++) {
      const trip = (await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip() })).body;
      const results = await Promise.all(
        ["A", "B"].map((ref) => call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { reference: ref } })),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 412], JSON.stringify(results.map((r) => r.body)));
      const final = (await call(app, "GET", `/api/trips/${trip.id}`, { claims: dispatcher })).body;
      assert.equal(final.version, 2);
      assert.equal(final.reference, results.find((r) => r.status === 200)!.body.reference);
    }
  });

  it("lets drivers see and advance only their own trips", async () => {
    const { org, dispatcher, vehicleId } = await fleet(app);
    const driver = claims(org, "driver", "driver-x");
    const mine = (await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId: "driver-x" }) })).body;
    const theirs = (await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId: "driver-y" }) })).body;
    assert.deepEqual(
      (await call(app, "GET", "/api/trips", { claims: driver })).body.trips.map((t: any) => t.id),
      [mine.id],
    );
    assert.equal((await call(app, "GET", `/api/trips/${theirs.id}`, { claims: driver })).status, 404);
    const dispatched = (
      await call(app, "PATCH", `/api/trips/${mine.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { status: "dispatched" } })
    ).body;
    const edit = await call(app, "PATCH", `/api/trips/${mine.id}`, {
      claims: driver,
      headers: { "if-match": `"${dispatched.version}"` },
      body: { reference: "mine now" },
    });
    assert.equal(edit.status, 403);
    const go = await call(app, "PATCH", `/api/trips/${mine.id}`, {
      claims: driver,
      headers: { "if-match": `"${dispatched.version}"` },
      body: { status: "in_transit" },
    });
    assert.equal(go.status, 200);
  });

  it("filters and pages with a keyset cursor", async () => {
    const { dispatcher, vehicleId } = await fleet(app);
    let clock = Date.parse("2026-11-01T00:00:00Z");
    const timed = apiHandler("trips", tripsOperations, async () => ({
      db: await testDb(),
      documents: noStorage,
      uploads: { maxBytes: 1, urlTtlSeconds: 60 },
      now: () => new Date((clock += 1000)),
    }));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const body = newTrip({
        vehicleId: i % 2 ? vehicleId : undefined,
        plannedStart: `2026-12-0${i + 1}T04:00:00.000Z`,
        plannedEnd: `2026-12-0${i + 1}T08:00:00.000Z`,
      });
      ids.push((await call(timed, "POST", "/api/trips", { claims: dispatcher, body })).body.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(timed, "GET", "/api/trips", { claims: dispatcher, query: { limit: "3", ...(cursor ? { cursor } : {}) } });
      assert.equal(page.status, 200);
      seen.push(...page.body.trips.map((t: any) => t.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse(), "newest first, each trip once");
    const byVehicle = await call(timed, "GET", "/api/trips", { claims: dispatcher, query: { vehicleId } });
    assert.equal(byVehicle.body.trips.length, 3);
    const range = await call(timed, "GET", "/api/trips", { claims: dispatcher, query: { from: "2026-12-02T00:00:00Z", to: "2026-12-04T00:00:00Z" } });
    assert.equal(range.body.trips.length, 2);
    const planned = await call(timed, "GET", "/api/trips", { claims: dispatcher, query: { status: "delivered" } });
    assert.deepEqual(planned.body.trips, []);
    const bad = await call(timed, "GET", "/api/trips", { claims: dispatcher, query: { cursor: "bm9wZQ" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "invalid_cursor");
  });

  it("rejects bad input with a well-formed 400 naming the field", async () => {
    const { dispatcher } = await fleet(app);
    const res = await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ origin: { lat: 123, lng: 72, address: "x" } }) });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, "invalid_request");
    assert.ok(res.body.error.details.some((d: any) => d.path === "body.origin.lat"));
    const order = await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ plannedEnd: "2026-11-30T00:00:00.000Z" }) });
    assert.equal(order.status, 400);
    const json = await call(app, "POST", "/api/trips", { claims: dispatcher, rawBody: "{not json" });
    assert.equal(json.body.error.code, "invalid_json");
    const id = await call(app, "GET", "/api/trips/not-a-uuid", { claims: dispatcher });
    assert.equal(id.status, 400);
    const unknown = await call(app, "GET", "/api/nowhere", { claims: dispatcher });
    assert.equal(unknown.status, 404);
    const huge = await call(app, "POST", "/api/trips", { claims: dispatcher, rawBody: JSON.stringify({ reference: "x".repeat(1_100_000) }) });
    assert.equal(huge.status, 413);
  });

  it("refuses text PostgreSQL cannot store and instants it cannot hold with a 400, and normalises the rest", async () => {
    const { dispatcher } = await fleet(app);
    const refused = async (body: Record<string, unknown>, field: string) => {
      const res = await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip(body) });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.ok(
        res.body.error.details.some((d: any) => d.path === field),
        JSON.stringify(res.body.error.details),
      );
    };
    await refused({ reference: "MUM\u0000PUN" }, "body.reference");
    await refused({ driverId: "driver\u0000" }, "body.driverId");
    await refused({ reference: "lone \ud800 surrogate" }, "body.reference");
    await refused({ origin: { lat: 19, lng: 72, address: "Gate 4\u0000" } }, "body.origin.address");
    await refused({ plannedStart: "0000-01-01T00:00:00Z" }, "body.plannedStart");
    await refused({ plannedEnd: "9999-12-31T23:59:59-23:59" }, "body.plannedEnd");
    for (const from of ["0000-06-01T00:00:00Z", "2026-01-01T10:00:00+23:59x"]) {
      const list = await call(app, "GET", "/api/trips", { claims: dispatcher, query: { from } });
      assert.equal(list.status, 400, from);
    }
    const cursor = Buffer.from(JSON.stringify(["0000-01-01T00:00:00Z", "00000000-0000-4000-8000-000000000000"])).toString("base64url");
    assert.equal((await call(app, "GET", "/api/trips", { claims: dispatcher, query: { cursor } })).body.error.code, "invalid_cursor");

    // Offsets PostgreSQL would refuse (beyond ±15:59) are normalised to UTC first; multi-line addresses are fine.
    const ok = await call(app, "POST", "/api/trips", {
      claims: dispatcher,
      body: newTrip({
        plannedStart: "2026-12-01T23:30:00+23:59",
        plannedEnd: "2026-12-02T10:00:00.123456789Z",
        origin: { lat: 19, lng: 72, address: " Gate 4\nBhiwandi " },
      }),
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.plannedStart, "2026-11-30T23:31:00.000Z");
    assert.equal(ok.body.plannedEnd, "2026-12-02T10:00:00.123Z");
    assert.equal(ok.body.origin.address, "Gate 4\nBhiwandi");
  });

  it("answers a value the database refuses anyway with a 400, never a 500", async () => {
    const failing = (code: string) =>
      apiHandler(
        "trips",
        { ...tripsOperations, listVehicles: async () => Promise.reject(Object.assign(new Error("refused"), { code })) },
        async () => ({}) as never,
      );
    const viewer = { claims: claims(newOrg(), "viewer") };
    const refused = await call(failing("22021"), "GET", "/api/vehicles", viewer);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, "invalid_value");
    assert.equal((await call(failing("23514"), "GET", "/api/vehicles", viewer)).status, 400, "a check constraint");
    assert.equal((await call(failing("53300"), "GET", "/api/vehicles", viewer)).status, 500, "too many connections is the server's fault");
  });

  it("keeps vehicle registrations unique per organisation", async () => {
    const { org, dispatcher } = await fleet(app);
    assert.equal((await call(app, "POST", "/api/vehicles", { claims: dispatcher, body: { registration: "KA01AB1234" } })).status, 201);
    const again = await call(app, "POST", "/api/vehicles", { claims: dispatcher, body: { registration: "ka01ab1234" } });
    assert.equal(again.status, 409);
    const other = await call(app, "POST", "/api/vehicles", { claims: claims(newOrg(), "admin"), body: { registration: "KA01AB1234" } });
    assert.equal(other.status, 201, "another organisation may use the same registration");
    const listed = await call(app, "GET", "/api/vehicles", { claims: claims(org, "viewer") });
    assert.ok(listed.body.vehicles.some((v: any) => v.registration === "KA01AB1234"));
  });
});
