import { strict as assert } from "assert";
import { handler as jobsHandler } from "../../handlers/jobs";
import { markDelayedTrips, purgeOldPositions } from "../../handlers/jobs/tasks";
import { call, fleet, newTrip, testDb, tripsApp } from "./support";

describe("handlers: jobs", () => {
  const budget = { now: () => new Date(), remainingMs: () => 60_000 };

  it("marks trips delayed when their ETA passes the planned end, and is idempotent", async () => {
    const db = await testDb();
    const app = await tripsApp();
    const { dispatcher, vehicleId } = await fleet(app);
    const late = (
      await call(app, "POST", "/api/trips", {
        claims: dispatcher,
        body: newTrip({ vehicleId, driverId: "d", plannedStart: "2020-01-01T00:00:00Z", plannedEnd: "2020-01-01T01:00:00Z" }),
      })
    ).body;
    const onTime = (
      await call(app, "POST", "/api/trips", {
        claims: dispatcher,
        body: newTrip({ vehicleId, driverId: "d", plannedStart: "2099-01-01T00:00:00Z", plannedEnd: "2099-01-02T00:00:00Z" }),
      })
    ).body;
    for (const trip of [late, onTime])
      await call(app, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { status: "dispatched" } });

    const first = await markDelayedTrips({ db, ...budget });
    assert.ok(first.examined >= 2 && first.markedDelayed >= 1);
    const [lateNow, onTimeNow] = await Promise.all(
      [late, onTime].map(async (t) => (await call(app, "GET", `/api/trips/${t.id}`, { claims: dispatcher })).body),
    );
    assert.equal(lateNow.delayed, true);
    assert.equal(onTimeNow.delayed, false);
    assert.ok(onTimeNow.eta, "an ETA is estimated for every active trip");
    assert.equal(lateNow.version, 2, "derived fields do not bump the trip's version");

    const second = await markDelayedTrips({ db, ...budget });
    assert.equal(second.markedDelayed, 0, "a second run changes nothing");
  });

  it("purges positions older than the retention and keeps the rest", async () => {
    const db = await testDb();
    const app = await tripsApp();
    const { org, vehicleId } = await fleet(app);
    const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    await db.query("INSERT INTO positions (vehicle_id, recorded_at, org_id, lat, lng) SELECT $1, t, $2, 19, 72 FROM unnest($3::timestamptz[]) AS t", [
      vehicleId,
      org,
      [days(200), days(120), days(91), days(30), days(1)],
    ]);
    const result = await purgeOldPositions({ db, ...budget }, 90);
    assert.ok(result.deleted >= 3);
    const left = await db.query("SELECT count(*)::int AS n FROM positions WHERE vehicle_id = $1", [vehicleId]);
    assert.equal(left.rows[0].n, 2);
    assert.equal((await purgeOldPositions({ db, ...budget }, 90)).deleted, 0, "idempotent");
  });

  it("stops at its time budget", async () => {
    const db = await testDb();
    assert.deepEqual(await markDelayedTrips({ db, now: () => new Date(), remainingMs: () => 1_000 }), { examined: 0, markedDelayed: 0 });
  });

  it("rejects an unknown task so the scheduler's retries and dead-letter queue surface it", async () => {
    await assert.rejects(
      jobsHandler({ task: "defragment" }),
      /unknown job input \{"task":"defragment"\}; expected \{ "task": "mark-delayed-trips" \| "purge-positions" \}/,
    );
  });
});
