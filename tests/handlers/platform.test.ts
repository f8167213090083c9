import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FUNCTIONS, FUNCTION_NAMES, environmentOf } from "../../rules/functions";
import { authContextFrom } from "../../handlers/lib/auth";
import { createCache } from "../../handlers/lib/cache";
import { apiHandler } from "../../handlers/lib/http";
import { loadMigrations, migrate, migrationsHash } from "../../handlers/migrate/runner";
import { ROUTES, routeKey } from "../../handlers/routes";
import { trackingOperations } from "../../handlers/tracking/api";
import { call, claims, fleet, logLines, newTrip, testDatabase, testDb, tripsApp } from "./support";

describe("handlers: migrations", () => {
  it("apply in order, and a second run changes nothing", async () => {
    const db = await testDb(1);
    // The shared database is migrated already: running again applies nothing.
    assert.deepEqual(await migrate(db), { applied: [], current: loadMigrations().at(-1)!.version });
    const tables = await db.query("SELECT count(*)::int AS n FROM schema_migrations");
    assert.equal(tables.rows[0].n, loadMigrations().length);
  });

  it("run concurrently without applying anything twice (advisory lock)", async () => {
    const db = await testDb(2);
    const extra = [...loadMigrations(), { version: "999_probe", sql: "CREATE TABLE probe_concurrency (id int)", checksum: "c1" }];
    const results = await Promise.all([migrate(db, extra), migrate(db, extra)]);
    assert.deepEqual(results.map((r) => r.applied).flat(), ["999_probe"]);
    await db.query("DROP TABLE probe_concurrency");
    await db.query("DELETE FROM schema_migrations WHERE version = '999_probe'");
  });

  it("refuse a migration edited after it was applied, and roll back entirely on failure", async () => {
    const db = await testDb(1);
    const [first, ...rest] = loadMigrations();
    await assert.rejects(migrate(db, [{ ...first, checksum: "edited" }, ...rest]), /migration 001_init was changed after it was applied/);
    const broken = [
      ...loadMigrations(),
      { version: "998_half", sql: "CREATE TABLE half_done (id int)", checksum: "a" },
      { version: "999_bad", sql: "SELECT * FROM nowhere", checksum: "b" },
    ];
    await assert.rejects(migrate(db, broken));
    const half = await db.query("SELECT to_regclass('half_done') AS t");
    assert.equal(half.rows[0].t, null, "the first of two new migrations was rolled back with the failing one");
  });

  it("hash their content, so a deploy re-runs them exactly when a file changes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-migrations-"));
    fs.writeFileSync(path.join(dir, "001_a.sql"), "SELECT 1;");
    const before = migrationsHash(loadMigrations(dir));
    assert.equal(migrationsHash(loadMigrations(dir)), before);
    fs.writeFileSync(path.join(dir, "002_b.sql"), "SELECT 2;");
    assert.notEqual(migrationsHash(loadMigrations(dir)), before);
  });
});

describe("handlers: the route table and runtime contract", () => {
  it("names an API function for every route, with unique route keys and only the health check and the OpenAPI document public", () => {
    const keys = ROUTES.map(routeKey);
    assert.equal(new Set(keys).size, keys.length);
    for (const route of ROUTES) {
      assert.ok(FUNCTIONS[route.function].trigger === "http", `${routeKey(route)} is served by ${route.function}, which is not an API function`);
      assert.ok(route.path.startsWith("/api/"), routeKey(route));
      assert.equal(
        route.auth === "none",
        ["GET /api/health", "GET /api/openapi.json"].includes(routeKey(route)),
        `${routeKey(route)}: only the health check and the OpenAPI document are public`,
      );
      assert.equal(route.roles.length === 0, route.auth === "none");
    }
    for (const fn of FUNCTION_NAMES.filter((f) => FUNCTIONS[f].trigger === "http"))
      assert.ok(
        ROUTES.some((r) => r.function === fn),
        `${fn} serves no route`,
      );
  });

  it("refuses to build a function whose operations do not match the route table", () => {
    const { ingestPositions: _, ...missing } = trackingOperations;
    assert.throws(
      () => apiHandler("tracking", missing, async () => ({}) as never),
      /function tracking does not match the route table: no operation for ingestPositions/,
    );
    assert.throws(
      () => apiHandler("tracking", { ...trackingOperations, teleport: async () => ({ statusCode: 200 }) }, async () => ({}) as never),
      /no route for teleport/,
    );
  });

  it("derives each function's environment from what it uses", () => {
    const names = (fn: keyof typeof FUNCTIONS) => environmentOf(fn).map((e) => e.name);
    assert.ok(names("trips").includes("DOCUMENTS_BUCKET") && names("trips").includes("DB_SECRET_ARN"));
    assert.ok(names("maps").includes("DB_HOST"), "maps reads vehicles' truck profiles");
    assert.ok(names("maps").includes("MAPS_PROVIDER") && names("tracking").includes("MAPS_PROVIDER"), "both call Amazon Location");
    assert.ok(!names("trips").includes("MAPS_PROVIDER"));
    assert.ok(names("jobs").includes("POSITION_RETENTION_DAYS"));
    assert.ok(!names("tracking").includes("DOCUMENTS_BUCKET"));
  });
});

describe("handlers: authentication", () => {
  it("reads groups in every form the authorizer may send them", () => {
    for (const groups of [["admin", "driver"], '["admin","driver"]', "[admin driver]", "admin,driver"]) {
      assert.deepEqual(authContextFrom({ sub: "u", "custom:org_id": "acme", "cognito:groups": groups }).roles, ["admin", "driver"], JSON.stringify(groups));
    }
    assert.deepEqual(authContextFrom({ sub: "u", "custom:org_id": "acme", "cognito:groups": "[superuser]" }).roles, [], "unknown groups grant nothing");
  });

  it("never accepts a bearer token by itself: only claims the API Gateway authorizer verified count", async () => {
    const app = await tripsApp();
    const forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiY3VzdG9tOm9yZ19pZCI6ImFjbWUiLCJjb2duaXRvOmdyb3VwcyI6WyJhZG1pbiJdfQ.sig";
    const res = await call(app, "GET", "/api/trips", { headers: { authorization: `Bearer ${forged}` } });
    assert.equal(res.status, 401);
  });
});

describe("handlers: database connection recovery", () => {
  it("serves the next request after the database restarts", async () => {
    const app = await tripsApp();
    const { dispatcher, vehicleId } = await fleet(app);
    const before = await call(app, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId }) });
    assert.equal(before.status, 201);
    await (await testDatabase()).restart();
    const after = await call(app, "GET", `/api/trips/${before.body.id}`, { claims: dispatcher });
    assert.equal(after.status, 200, JSON.stringify(after.body));
  });
});

describe("handlers: Redis is optional", () => {
  it("keeps serving from the database when Redis is unreachable", async () => {
    const db = await testDb();
    const cache = await createCache({ url: "redis://127.0.0.1:1" });
    try {
      const trips = await tripsApp();
      const tracking = apiHandler("tracking", trackingOperations, async () => ({ db, cache }));
      const { dispatcher, vehicleId } = await fleet(trips);
      const ingest = await call(tracking, "POST", "/api/positions", {
        claims: dispatcher,
        body: { positions: [{ vehicleId, recordedAt: "2026-11-20T10:00:00Z", lat: 19, lng: 72 }] },
      });
      assert.equal(ingest.status, 200);
      assert.equal((await call(tracking, "GET", `/api/vehicles/${vehicleId}/position`, { claims: dispatcher })).body.source, "database");
    } finally {
      await cache?.close();
    }
  });
});

describe("handlers: Redis cache", function () {
  before(function () {
    if (!process.env.REDIS_URL) {
      console.log("    (Redis suite NOT RUN: REDIS_URL is not set; CI sets it. The handlers run without Redis, as covered above.)");
      this.skip();
    }
  });

  it("serves the latest position from Redis, and drops it when newer positions arrive", async () => {
    const db = await testDb();
    const cache = await createCache({ url: process.env.REDIS_URL! });
    try {
      const trips = await tripsApp();
      const tracking = apiHandler("tracking", trackingOperations, async () => ({ db, cache }));
      const { dispatcher, vehicleId, org } = await fleet(trips);
      const post = (i: number) =>
        call(tracking, "POST", "/api/positions", {
          claims: dispatcher,
          body: { positions: [{ vehicleId, recordedAt: new Date(Date.UTC(2026, 10, 20, 10, i)).toISOString(), lat: 19, lng: 72 }] },
        });
      const latest = () => call(tracking, "GET", `/api/vehicles/${vehicleId}/position`, { claims: claims(org, "viewer") });
      await post(1);
      assert.equal((await latest()).body.source, "database");
      const cached = await latest();
      assert.equal(cached.body.source, "cache");
      await post(2);
      const fresh = await latest();
      assert.equal(fresh.body.source, "database");
      assert.equal(fresh.body.recordedAt, new Date(Date.UTC(2026, 10, 20, 10, 2)).toISOString());
    } finally {
      await cache?.close();
    }
  });
});

describe("handlers: values kept for the container's life", () => {
  it("are created once, retried after a failure, and never dropped by an older attempt's failure", async () => {
    const { cachedUntilFailure } = await import("../../handlers/lib/once");
    let calls = 0;
    let failFirst!: (err: Error) => void;
    const value = cachedUntilFailure(() => {
      calls += 1;
      return calls === 1 ? new Promise<string>((_, reject) => (failFirst = reject)) : Promise.resolve(`value ${calls}`);
    });
    const first = value.get();
    assert.equal(value.get(), first, "one creation while it is pending");
    failFirst(new Error("secret fetch failed"));
    await assert.rejects(first, /secret fetch failed/);
    assert.equal(await value.get(), "value 2", "the failure is forgotten");
    assert.equal(await value.get(), "value 2", "and the success kept");
    assert.equal(calls, 2);
  });

  it("secrets are read once per id, re-read after a failed read, and re-read when forgotten", async () => {
    const { forgetSecret, getSecret, setSecretReader } = await import("../../handlers/lib/secrets");
    const reads: string[] = [];
    setSecretReader(async (id) => {
      reads.push(id);
      if (id === "flaky" && reads.filter((r) => r === id).length === 1) throw new Error("throttled");
      return `${id} #${reads.length}`;
    });
    assert.equal(await getSecret("db"), "db #1");
    assert.equal(await getSecret("db"), "db #1", "kept in memory");
    await assert.rejects(getSecret("flaky"), /throttled/);
    assert.equal(await getSecret("flaky"), "flaky #3", "a failed read is not kept");
    forgetSecret("db");
    assert.equal(await getSecret("db"), "db #4", "a forgotten secret is read again");
    assert.deepEqual(reads, ["db", "flaky", "flaky", "db"]);
  });
});

describe("handlers: warnings keep their reason", () => {
  it("logs why Redis failed, not just that it did", async () => {
    const cache = await createCache({ url: "redis://127.0.0.1:1" });
    try {
      const logged = await logLines("WARN", () => cache!.get("k"));
      const line = logged.find((l) => String(l.message).startsWith("redis get failed"));
      assert.ok(line, JSON.stringify(logged));
      assert.match(String(line.reason), /ECONNREFUSED|connect/i, JSON.stringify(line));
      assert.ok(!logged.some((l) => /reserved key/.test(String(l.message))), "no attribute was dropped");
    } finally {
      await cache?.close();
    }
  });

  it("logs why a database query is retried", async () => {
    const db = await testDb(1);
    // A connection-class error (57P01, "terminating connection") without losing the connection: retried once, then reported.
    const failing = "DO $$ BEGIN RAISE EXCEPTION 'the server is going away' USING ERRCODE = '57P01'; END $$";
    const logged = await logLines("WARN", () => db.query(failing).catch(() => undefined));
    const line = logged.find((l) => l.message === "retrying after a database connection error");
    assert.ok(line, JSON.stringify(logged));
    assert.equal(line.reason, "the server is going away");
    assert.equal(line.code, "57P01");
  });

  it("no logger call in the handlers passes a key Powertools reserves (it would be dropped)", () => {
    const reserved = ["level", "message", "sampling_rate", "service", "timestamp"];
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
    const offenders = files(path.resolve(__dirname, "../../handlers")).flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(/logger\.\w+\(([^;]*?)\);/gs)]
        .filter((m) => reserved.some((key) => new RegExp(`[{,]\\s*${key}\\s*:`).test(m[1])))
        .map((m) => `${path.relative(process.cwd(), file)}: ${m[0].slice(0, 120)}`),
    );
    assert.deepEqual(offenders, []);
  });
});

describe("handlers: only CloudFront may call the API (origin secret)", () => {
  const SECRET_ARN = "arn:aws:secretsmanager:ap-south-1:123456789012:secret:tms-prod/api/origin-verify-AbCdEf";
  let values = { a: "first-secret-value-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", b: "second-secret-value-bbbbbbbbbbbbbbbbbbbbbbbbbbbbb" };
  let reads = 0;
  before(async () => {
    const { setSecretReader } = await import("../../handlers/lib/secrets");
    setSecretReader(async (id) => {
      assert.equal(id, SECRET_ARN);
      reads += 1;
      return JSON.stringify(values);
    });
  });
  after(async () => (await import("../../handlers/lib/secrets")).setSecretReader(async () => Promise.reject(new Error("no secrets in tests"))));

  it("refuses a request without the header, or with a wrong one, with a 403 JSON error, on every route", async () => {
    const db = await testDb();
    const app = apiHandler("tracking", trackingOperations, async () => ({ db }), { secretArn: SECRET_ARN });
    const org = claims(`org_${Date.now()}`, "dispatcher");
    for (const headers of [{}, { "x-origin-verify": "guess" }, { "x-origin-verify": `${values.a}x` }, { "x-origin-verify": "" }] as Record<string, string>[]) {
      const res = await call(app, "GET", "/api/vehicles/00000000-0000-4000-8000-000000000000/position", { claims: org, headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body.error.code, "direct_access_forbidden");
    }
    const trips = apiHandler("trips", (await import("../../handlers/trips/api")).tripsOperations, async () => ({ db }) as never, { secretArn: SECRET_ARN });
    assert.equal((await call(trips, "GET", "/api/health")).status, 403, "the public health check too");
    assert.equal((await call(trips, "GET", "/api/nowhere")).status, 403, "before routing: nothing about the API leaks");
  });

  it("accepts either of the two values, so one can be replaced while CloudFront sends the other", async () => {
    const db = await testDb();
    const app = apiHandler("trips", (await import("../../handlers/trips/api")).tripsOperations, async () => ({ db }) as never, { secretArn: SECRET_ARN });
    for (const value of [values.a, values.b]) assert.equal((await call(app, "GET", "/api/health", { headers: { "X-Origin-Verify": value } })).status, 200);
  });

  it("picks up a rotated value without a restart, re-reading the secret at most every 30 s", async () => {
    const { originGuard, REREAD_AFTER_MS } = await import("../../handlers/lib/origin");
    let clock = 1_000_000;
    const guard = originGuard(SECRET_ARN, () => clock);
    await guard({ "x-origin-verify": values.a });
    const before = reads;
    values = { ...values, b: "replaced-secret-value-cccccccccccccccccccccccccccc" };
    await assert.rejects(guard({ "x-origin-verify": values.b }), /through the site's address/, "too soon to read again");
    assert.equal(reads, before, "a wrong header does not make every request read the secret");
    clock += REREAD_AFTER_MS;
    await guard({ "x-origin-verify": values.b });
    assert.equal(reads, before + 1);
    await guard({ "x-origin-verify": values.a });
  });
});
