/**
 * npm run bench — speed and size of the handlers, as a table:
 *
 * 1. Ingest: positions per second through the tracking handler's whole path
 *    (event parsing, auth, validation, SQL) in batches of 500, against a raw
 *    multi-row INSERT into the same table, alternating within each round.
 *    Target: ≥ 50%.
 * 2. Latency: p50/p99 of GET latest position, from the database and through
 *    Redis (when REDIS_URL is set); and of GET /api/fleet for an organisation
 *    of 1,000 vehicles, each with a position and a third on an active trip.
 *    Target for the fleet through Redis: p99 ≤ 20 ms.
 *
 * One run is noisy on a shared machine (the ingest ratio moved from 51% to 95%
 * between single runs), so every figure is the median of ROUNDS rounds, with
 * the min–max beside it.
 * 3. Bundles: each function's esbuild bundle (minified, @aws-sdk/* external)
 *    and the time a fresh Node.js process takes to load it. Target: ≤ 300 KB.
 *
 * Uses DATABASE_URL / REDIS_URL when set, else an embedded PostgreSQL and no Redis.
 */
import "./local/quiet";
import { execFileSync } from "child_process";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleFunction } from "../handlers/bundle";
import { FUNCTION_NAMES } from "../rules/functions";
import { createCache } from "../handlers/lib/cache";
import { createDb, Db } from "../handlers/lib/db";
import { apiHandler } from "../handlers/lib/http";
import { migrate } from "../handlers/migrate/runner";
import { trackingOperations } from "../handlers/tracking/api";
import { startEmbeddedPostgres } from "./local/embedded-postgres";

const BATCH = 500;
const BATCHES = 20;
const LATENCY_SAMPLES = 400;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** "median (min–max)" of a measurement taken once per round. */
const spread = (values: number[], format: (v: number) => string) => `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function positions(vehicleId: string, batch: number) {
  const start = Date.UTC(2026, 0, 1) + batch * BATCH * 1000;
  return Array.from({ length: BATCH }, (_, i) => ({
    vehicleId,
    recordedAt: new Date(start + i * 1000).toISOString(),
    lat: 19 + i / 1e4,
    lng: 72.8 + i / 1e4,
    speedKmh: 40,
    heading: 90,
    accuracyM: 5,
  }));
}

function event(method: string, path: string, orgId: string, body?: unknown) {
  return {
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    requestContext: {
      requestId: "bench",
      http: { method, path },
      authorizer: { jwt: { claims: { sub: "bench", "custom:org_id": orgId, "cognito:groups": "[dispatcher]" } } },
    },
  } as never;
}

async function newVehicle(db: Db, orgId: string) {
  const id = randomUUID();
  await db.query("INSERT INTO vehicles (id, org_id, registration) VALUES ($1, $2, $3)", [id, orgId, `BENCH${id.slice(0, 8)}`]);
  return id;
}

async function ingest(db: Db, orgId: string) {
  const handler = apiHandler("tracking", trackingOperations, async () => ({ db }));
  const viaHandler = await newVehicle(db, orgId);
  const raw = await newVehicle(db, orgId);
  await handler(event("POST", "/api/positions", orgId, { positions: positions(viaHandler, -1) })); // warm-up

  let started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const res = await handler(event("POST", "/api/positions", orgId, { positions: positions(viaHandler, b) }));
    if (res.statusCode !== 200) throw new Error(`ingest failed: ${res.body}`);
  }
  const handlerRate = (BATCHES * BATCH) / ((performance.now() - started) / 1000);

  started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const rows = positions(raw, b);
    const values = rows.map(
      (_, i) => `($${i * 9 + 1}, $${i * 9 + 2}, $${i * 9 + 3}, $${i * 9 + 4}, $${i * 9 + 5}, $${i * 9 + 6}, $${i * 9 + 7}, $${i * 9 + 8}, $${i * 9 + 9})`,
    );
    await db.query(
      `INSERT INTO positions (vehicle_id, recorded_at, org_id, trip_id, lat, lng, speed_kmh, heading, accuracy_m) VALUES ${values.join(", ")}`,
      rows.flatMap((p) => [p.vehicleId, p.recordedAt, orgId, null, p.lat, p.lng, p.speedKmh, p.heading, p.accuracyM]),
    );
  }
  const rawRate = (BATCHES * BATCH) / ((performance.now() - started) / 1000);
  return { handlerRate, rawRate, vehicleId: viaHandler };
}

async function latency(db: Db, orgId: string, vehicleId: string, redisUrl?: string) {
  const cache = await createCache(redisUrl ? { url: redisUrl } : undefined);
  const handler = apiHandler("tracking", trackingOperations, async () => ({ db, cache }));
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES + 20; i++) {
    const started = performance.now();
    const res = await handler(event("GET", `/api/vehicles/${vehicleId}/position`, orgId));
    if (res.statusCode !== 200) throw new Error(`latest position failed: ${res.body}`);
    if (i >= 20) samples.push(performance.now() - started);
  }
  await cache?.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const FLEET_VEHICLES = 1000;

/** An organisation of FLEET_VEHICLES vehicles, each with a latest position, every third on a trip in transit. */
async function fleetOrg(db: Db): Promise<string> {
  const orgId = `fleet_${randomUUID().slice(0, 8)}`;
  const ids = Array.from({ length: FLEET_VEHICLES }, () => randomUUID());
  await db.query(
    "INSERT INTO vehicles (id, org_id, registration) SELECT id, $1, 'FL' || lpad(n::text, 5, '0') FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n)",
    [orgId, ids],
  );
  await db.query(
    `INSERT INTO positions (vehicle_id, recorded_at, org_id, lat, lng) SELECT id, now() - (n || ' seconds')::interval, $1, 19 + n / 1e4, 73
     FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n)`,
    [orgId, ids],
  );
  await db.query(
    `INSERT INTO trips (id, org_id, vehicle_id, driver_id, status, origin_lat, origin_lng, origin_address, destination_lat, destination_lng,
                        destination_address, planned_start, planned_end)
     SELECT gen_random_uuid(), $1, id, 'driver-' || n, 'in_transit', 19, 73, 'Bhiwandi', 18.5, 73.8, 'Chakan', now(), now() + interval '5 hours'
     FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n) WHERE n % 3 = 0`,
    [orgId, ids],
  );
  return orgId;
}

async function fleetLatency(db: Db, orgId: string, redisUrl?: string) {
  const cache = await createCache(redisUrl ? { url: redisUrl } : undefined);
  const handler = apiHandler("tracking", trackingOperations, async () => ({ db, cache }));
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES / 4 + 10; i++) {
    const started = performance.now();
    const res = await handler(event("GET", "/api/fleet", orgId));
    if (res.statusCode !== 200) throw new Error(`fleet failed: ${res.body}`);
    // Without Redis every call reads the database; with it, the first fills the cache and the rest are served from it.
    if (i >= 10) samples.push(performance.now() - started);
  }
  await cache?.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

function bundles() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-bench-"));
  return FUNCTION_NAMES.map((fn) => {
    const bundle = bundleFunction(fn);
    const file = path.join(dir, `${fn}.js`);
    fs.writeFileSync(file, bundle.code);
    const loads = Array.from({ length: 5 }, () =>
      Number(
        execFileSync(
          process.execPath,
          ["-e", `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`],
          { encoding: "utf8" },
        ),
      ),
    ).sort((a, b) => a - b);
    return { fn, kb: Buffer.byteLength(bundle.code) / 1024, loadMs: loads[2] };
  });
}

async function main() {
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const db = createDb({ kind: "url", connectionString: process.env.DATABASE_URL ?? embedded!.url, poolMax: 2 });
  try {
    await migrate(db);
    const where = process.env.DATABASE_URL ? "PostgreSQL at DATABASE_URL" : "embedded PostgreSQL (PGlite)";
    const orgId = `bench_${randomUUID().slice(0, 8)}`;
    const rounds: Awaited<ReturnType<typeof ingest>>[] = [];
    const fromDb: Awaited<ReturnType<typeof latency>>[] = [];
    const fromRedis: Awaited<ReturnType<typeof latency>>[] = [];
    const fleetFromDb: Awaited<ReturnType<typeof latency>>[] = [];
    const fleetFromRedis: Awaited<ReturnType<typeof latency>>[] = [];
    const fleet = await fleetOrg(db);
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`round ${round + 1}/${ROUNDS}\n`);
      const ing = await ingest(db, orgId);
      rounds.push(ing);
      fromDb.push(await latency(db, orgId, ing.vehicleId));
      if (process.env.REDIS_URL) fromRedis.push(await latency(db, orgId, ing.vehicleId, process.env.REDIS_URL));
      fleetFromDb.push(await fleetLatency(db, fleet));
      if (process.env.REDIS_URL) fleetFromRedis.push(await fleetLatency(db, fleet, process.env.REDIS_URL));
    }
    const sizes = bundles();

    const rate = (v: number) => Math.round(v).toLocaleString("en");
    const ms = (v: number) => v.toFixed(2);
    const ratios = rounds.map((r) => r.handlerRate / r.rawRate);
    const latencyCell = (samples: Awaited<ReturnType<typeof latency>>[]) =>
      `${spread(
        samples.map((s) => s.p50),
        ms,
      )} / ${spread(
        samples.map((s) => s.p99),
        ms,
      )} ms`;
    const rows: [string, string, string, string][] = [
      [
        "ingest: tracking handler, batches of 500",
        `${spread(
          rounds.map((r) => r.handlerRate),
          rate,
        )} positions/s`,
        "",
        "",
      ],
      [
        "ingest: raw multi-row INSERT",
        `${spread(
          rounds.map((r) => r.rawRate),
          rate,
        )} positions/s`,
        "",
        "",
      ],
      ["ingest: handler / raw", spread(ratios, (v) => `${(v * 100).toFixed(0)}%`), "≥ 50%", median(ratios) >= 0.5 ? "ok" : "MISSED"],
      ["latest position, database: p50 / p99", latencyCell(fromDb), "", ""],
      ["latest position, Redis: p50 / p99", fromRedis.length ? latencyCell(fromRedis) : "not measured: REDIS_URL unset", "", ""],
      [`fleet of ${FLEET_VEHICLES.toLocaleString("en")}, database: p50 / p99`, latencyCell(fleetFromDb), "", ""],
      [
        `fleet of ${FLEET_VEHICLES.toLocaleString("en")}, Redis: p50 / p99`,
        fleetFromRedis.length ? latencyCell(fleetFromRedis) : "not measured: REDIS_URL unset",
        "p99 ≤ 20 ms",
        fleetFromRedis.length ? (median(fleetFromRedis.map((s) => s.p99)) <= 20 ? "ok" : "MISSED") : "",
      ],
      ...sizes.map(({ fn, kb, loadMs }): [string, string, string, string] => [
        `bundle ${fn}: size, cold load`,
        `${kb.toFixed(1)} KB, ${loadMs.toFixed(1)} ms`,
        "≤ 300 KB",
        kb <= 300 ? "ok" : "MISSED",
      ]),
    ];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...[["measurement", "result", "target", ""], ...rows].map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    process.stdout.write(
      [
        `TMS handler benchmarks (${where}; Node ${process.version}; ${os.cpus().length} cores; median (min–max) of ${ROUNDS} rounds)`,
        "",
        line(["measurement", "result", "target", ""]),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.map(line),
        "",
      ].join("\n"),
    );
  } finally {
    await db.end();
    await embedded?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
