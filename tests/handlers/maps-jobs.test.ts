import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { AddressInfo } from "net";
import { handler as jobsHandler } from "../../handlers/jobs";
import { markDelayedTrips, purgeOldPositions } from "../../handlers/jobs/tasks";
import { Cache } from "../../handlers/lib/cache";
import { estimateRoute } from "../../handlers/lib/geo";
import { apiHandler } from "../../handlers/lib/http";
import { MapsDeps, mapsOperations } from "../../handlers/maps/api";
import { call, claims, fleet, newOrg, newTrip, testDb, tripsApp } from "./support";

/** A maps provider on loopback whose behaviour each test chooses. */
async function fakeProvider(behave: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url} key=${req.headers["x-api-key"]}`);
    behave(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return { url, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const memoryCache = (): Cache & { store: Map<string, string> } => {
  const store = new Map<string, string>();
  return {
    store,
    get: async (k) => store.get(k),
    set: async (k, v) => void store.set(k, v),
    delete: async (keys) => keys.forEach((k) => store.delete(k)),
    close: async () => undefined,
  };
};

const maps = (deps: Partial<MapsDeps>) =>
  apiHandler("maps", mapsOperations, async () => ({ provider: async () => undefined, timeoutMs: 500, cacheTtlSeconds: 60, ...deps }));
const user = claims(newOrg(), "dispatcher");
const MUMBAI = { lat: 19.076, lng: 72.8777 };
const PUNE = { lat: 18.5204, lng: 73.8567 };

describe("handlers: maps", () => {
  it("estimates routes along the great circle when no provider is configured, and says so", async () => {
    const res = await call(maps({}), "POST", "/api/maps/route", {
      claims: user,
      body: { origin: MUMBAI, destination: PUNE, departAt: "2026-12-01T04:00:00.000Z" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.source, "estimate");
    assert.deepEqual(res.body, { ...estimateRoute(MUMBAI, PUNE, new Date("2026-12-01T04:00:00.000Z")), source: "estimate" });
    assert.ok(res.body.distanceMeters > 150_000 && res.body.distanceMeters < 200_000, String(res.body.distanceMeters));
  });

  it("geocodes only coordinates without a provider, and refuses the rest with a 4xx", async () => {
    const ok = await call(maps({}), "GET", "/api/maps/geocode", { claims: user, query: { q: "19.07, 72.87" } });
    assert.deepEqual(ok.body, { results: [{ lat: 19.07, lng: 72.87, label: "19.07, 72.87" }], source: "estimate" });
    const no = await call(maps({}), "GET", "/api/maps/geocode", { claims: user, query: { q: "Chakan, Pune" } });
    assert.equal(no.status, 422);
    assert.equal(no.body.error.code, "geocoding_unavailable");
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8").replace(/\s+/g, " ");
    assert.match(
      readme,
      /geocoding can answer only a `lat,lng` query[^.]*; any other text is a 422 `geocoding_unavailable`/,
      "the README says what geocoding does without a provider",
    );
  });

  it("asks the provider with its API key, answers with its figures, and caches them", async () => {
    const provider = await fakeProvider((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(
          req.url?.startsWith("/v1/route") ? { distanceMeters: 148_000, durationSeconds: 10_800 } : { results: [{ lat: 18.75, lng: 73.86, label: "Chakan" }] },
        ),
      );
    });
    try {
      const cache = memoryCache();
      const app = maps({ provider: async () => ({ url: provider.url, apiKey: "k-123" }), cache });
      const route = await call(app, "POST", "/api/maps/route", {
        claims: user,
        body: { origin: MUMBAI, destination: PUNE, departAt: "2026-12-01T04:00:00.000Z" },
      });
      assert.deepEqual(route.body, { distanceMeters: 148_000, durationSeconds: 10_800, eta: "2026-12-01T07:00:00.000Z", source: "provider" });
      await call(app, "POST", "/api/maps/route", { claims: user, body: { origin: MUMBAI, destination: PUNE } });
      const geo = await call(app, "GET", "/api/maps/geocode", { claims: user, query: { q: "Chakan" } });
      assert.equal(geo.body.results[0].label, "Chakan");
      assert.deepEqual(provider.calls, ["POST /v1/route key=k-123", "GET /v1/geocode?q=Chakan key=k-123"], "the second route came from the cache");
      assert.equal(cache.store.size, 2);
    } finally {
      await provider.close();
    }
  });

  it("turns a provider that never answers into a 504 within the timeout, not a hang", async () => {
    const provider = await fakeProvider(() => undefined);
    try {
      const started = Date.now();
      const res = await call(maps({ provider: async () => ({ url: provider.url, apiKey: "k" }), timeoutMs: 300 }), "POST", "/api/maps/route", {
        claims: user,
        body: { origin: MUMBAI, destination: PUNE },
      });
      assert.equal(res.status, 504);
      assert.equal(res.body.error.code, "maps_timeout");
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await provider.close();
    }
  });

  it("turns provider failures and malformed answers into a 502 JSON error", async () => {
    for (const behave of [
      (_: http.IncomingMessage, res: http.ServerResponse) => ((res.statusCode = 500), res.end("boom")),
      (_: http.IncomingMessage, res: http.ServerResponse) => res.end("<html>not json</html>"),
      (_: http.IncomingMessage, res: http.ServerResponse) => res.end(JSON.stringify({ distance: "far" })),
    ]) {
      const provider = await fakeProvider(behave);
      try {
        const res = await call(maps({ provider: async () => ({ url: provider.url, apiKey: "k" }) }), "POST", "/api/maps/route", {
          claims: user,
          body: { origin: MUMBAI, destination: PUNE },
        });
        assert.equal(res.status, 502);
        assert.equal(res.body.error.code, "maps_provider_error");
      } finally {
        await provider.close();
      }
    }
    const unreachable = await call(maps({ provider: async () => ({ url: "http://127.0.0.1:1/", apiKey: "k" }) }), "GET", "/api/maps/geocode", {
      claims: user,
      query: { q: "Pune" },
    });
    assert.equal(unreachable.status, 502);
  });
});

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
