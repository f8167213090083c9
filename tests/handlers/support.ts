/**
 * Handler tests run against a real PostgreSQL: the server at DATABASE_URL when
 * it is set (CI sets it; each run gets its own schema), otherwise an embedded
 * PostgreSQL (PGlite) reached through `pg` over its socket server, so a fresh
 * clone needs nothing installed. Tenants keep tests apart: each test works in
 * organisations of its own.
 */
import Ajv2020, { ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { randomBytes } from "crypto";
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { Client } from "pg";
import type { Cache } from "../../handlers/lib/cache";
import { DatabaseConfig } from "../../handlers/lib/config";
import { Db, createDb } from "../../handlers/lib/db";
import { migrate } from "../../handlers/migrate/runner";
import { strict as assert } from "assert";
import { apiHandler } from "../../handlers/lib/http";
import type { DocumentStorage } from "../../handlers/lib/s3";
import { Role, Route, routeKey } from "../../handlers/routes";
import { matchRoute } from "../../handlers/lib/http";
import { openApiDocument } from "../../handlers/openapi";
import type { paths } from "../../types/api";
import type { Answer, Body, Method } from "../../types/operations";
import { tripsOperations } from "../../handlers/trips/api";
import { startEmbeddedPostgres } from "../../scripts/local/embedded-postgres";

interface TestDatabase {
  url: string;
  kind: "server" | "embedded";
  /** Drops every server connection of `applicationName` (a database restart, as clients see it). */
  restart(): Promise<void>;
  release(): Promise<void>;
}

let shared: Promise<TestDatabase> | undefined;

async function serverDatabase(url: string): Promise<TestDatabase> {
  const schema = `tms_test_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set("options", `-c search_path=${schema}`);
  scoped.searchParams.set("application_name", schema);
  return {
    url: scoped.toString(),
    kind: "server",
    restart: async () => {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", [schema]);
    },
    release: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

async function embeddedDatabase(): Promise<TestDatabase> {
  // Each file opens a pool per app it builds; they all stay open until the file ends.
  const postgres = await startEmbeddedPostgres({ maxConnections: 64 });
  return { url: postgres.url, kind: "embedded", restart: postgres.restart, release: postgres.stop };
}

/** The migrated test database of this process. */
export function testDatabase(): Promise<TestDatabase> {
  shared ??= (async () => {
    const database = process.env.DATABASE_URL ? await serverDatabase(process.env.DATABASE_URL) : await embeddedDatabase();
    const db = createDb({ kind: "url", connectionString: database.url, poolMax: 1 });
    await migrate(db);
    await db.end();
    return database;
  })();
  return shared;
}

const openPools: Db[] = [];

/** A pool on the test database, closed when the run ends. */
export async function testDb(poolMax = 2): Promise<Db> {
  const config: DatabaseConfig = { kind: "url", connectionString: (await testDatabase()).url, poolMax };
  const db = createDb(config);
  openPools.push(db);
  return db;
}

/**
 * Closes this file's pools and releases the database. In a mocha worker
 * (MOCHA_WORKER_ID), which runs file after file and is killed at the end, an
 * embedded database is kept for the next file: starting one costs about 2 s.
 * A server's schema is dropped after each file, so none is left behind.
 */
let helperPool: Promise<Db> | undefined;

/** Ends the pools and releases the database; false when an embedded database stays up for the worker's next file. */
export async function releaseTestDatabase(): Promise<boolean> {
  helperPool = undefined;
  await Promise.all(openPools.splice(0).map((db) => db.end().catch(() => undefined)));
  if (!shared) return true;
  const database = await shared;
  if (database.kind === "embedded" && process.env.MOCHA_WORKER_ID !== undefined) return false;
  shared = undefined;
  await database.release();
  return true;
}

export const newOrg = () => `org_${randomBytes(5).toString("hex")}`;

/** Claims as API Gateway's Cognito JWT authorizer passes them (groups in its bracketed form). */
export const claims = (orgId: string, role: Role | Role[], sub = `${[role].flat()[0]}-${orgId}`) => ({
  sub,
  "custom:org_id": orgId,
  "cognito:groups": `[${[role].flat().join(" ")}]`,
});

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  claims?: Record<string, unknown>;
}

export function apiEvent(method: string, path: string, options: CallOptions = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString,
    headers: { ...(options.body !== undefined ? { "content-type": "application/json" } : {}), ...options.headers },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.local",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
      requestId: `req-${randomBytes(4).toString("hex")}`,
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      authorizer: options.claims
        ? { principalId: "", integrationLatency: 0, jwt: { claims: options.claims as Record<string, string>, scopes: [] } }
        : undefined,
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  body: any;
}

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;

/**
 * The tests' typed client, from the OpenAPI document's generated types: the
 * path template and method pick the operation, which types the body sent and
 * the success body answered. `params` fill the template's `{name}`s.
 */
export async function request<P extends keyof paths, M extends Method>(
  handler: Handler,
  method: M,
  template: P,
  options: Omit<CallOptions, "body"> & { params?: Record<string, string>; body?: Body<P, M> } = {},
): Promise<Omit<CallResult, "body"> & { body: Answer<P, M> }> {
  const path = String(template).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ""));
  return call(handler, method.toUpperCase(), path, options);
}

/** Calls a handler as API Gateway would; every answer is held to the OpenAPI document (assertContract). */
export async function call(handler: Handler, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const result = await handler(apiEvent(method, path, options));
  const res = {
    status: result.statusCode ?? 0,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: result.body ? JSON.parse(result.body) : undefined,
  };
  assertContract(method, path, res);
  return res;
}

let contract: { document: ReturnType<typeof openApiDocument>; ajv: Ajv2020; validators: Map<string, ValidateFunction> } | undefined;

/**
 * The answer is one the OpenAPI document declares for its route: a declared
 * status, a body its schema accepts (no undeclared field, no error code the
 * status does not list), and the headers the success promises. Paths no
 * route matches are the router's own 404/405, checked as the error envelope.
 */
export function assertContract(method: string, path: string, res: CallResult): void {
  contract ??= (() => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    return { document: openApiDocument(), ajv, validators: new Map() };
  })();
  let route: Route | undefined;
  try {
    route = matchRoute(method, path).route;
  } catch {
    assert.equal(typeof res.body?.error?.code, "string", `${method} ${path}: ${JSON.stringify(res.body)}`);
    return;
  }
  const said = `${method} ${path} (${routeKey(route)}) answered ${res.status}: ${JSON.stringify(res.body)?.slice(0, 400)}`;
  const declared = (contract.document.paths[route.path][route.method.toLowerCase()] as any).responses[String(res.status)];
  assert.ok(declared, `the contract declares no ${res.status} for ${routeKey(route)}: ${said}`);
  const key = `${routeKey(route)} ${res.status}`;
  let validate = contract.validators.get(key);
  if (!validate) contract.validators.set(key, (validate = contract.ajv.compile(declared.content["application/json"].schema)));
  assert.ok(validate(res.body), `the body breaks the contract (${contract.ajv.errorsText(validate.errors)}): ${said}`);
  for (const header of Object.keys(declared.headers ?? {})) assert.ok(res.headers[header] !== undefined, `no ${header} header: ${said}`);
}

/** A Cache in memory, its entries visible to the test. */
export const memoryCache = (): Cache & { store: Map<string, string> } => {
  const store = new Map<string, string>();
  return {
    store,
    get: async (k) => store.get(k),
    set: async (k, v) => void store.set(k, v),
    delete: async (keys) => keys.forEach((k) => store.delete(k)),
    close: async () => undefined,
  };
};

/** Document storage that records nothing: the trips suite does not upload. */
export const noStorage: DocumentStorage = {
  presignPut: async () => "https://example.invalid/put",
  presignGet: async () => "https://example.invalid/get",
  head: async () => undefined,
};

export async function tripsApp() {
  const db = await testDb();
  return apiHandler("trips", tripsOperations, async () => ({ db, documents: noStorage, uploads: { maxBytes: 10 * 1024 * 1024, urlTtlSeconds: 300 } }));
}

export const newTrip = (overrides: Record<string, unknown> = {}) => ({
  reference: "MUM-PUN-1",
  origin: { lat: 19.076, lng: 72.8777, address: "Bhiwandi warehouse, Mumbai" },
  destination: { lat: 18.5204, lng: 73.8567, address: "Chakan depot, Pune" },
  plannedStart: "2026-12-01T04:30:00.000Z",
  plannedEnd: "2026-12-01T09:30:00.000Z",
  ...overrides,
});

/** Puts users in the organisation's directory as enabled drivers, as an administrator's invitations would; trips may then name them. */
export async function hireDrivers(org: string, ...subs: string[]): Promise<void> {
  // One pool for every call in a file: a pool per call would hold more connections than the embedded server allows.
  helperPool ??= testDb(1);
  const db = await helperPool;
  await db.query(
    "INSERT INTO users (org_id, sub, email, roles) SELECT $1, sub, sub || '.' || $1 || '@example.in', '{driver}' FROM unnest($2::text[]) AS sub ON CONFLICT DO NOTHING",
    [org, subs],
  );
}

/** The drivers every test organisation has (the trips of the handler suites name them). */
export const TEST_DRIVERS = ["d", "driver-1", "driver-7", "driver-x", "driver-y", "driver-d", "driver-t", "driver-u", "driver-f", "driver-snap"];

/** An organisation with a vehicle and TEST_DRIVERS, as a dispatcher sees it. */
export async function fleet(app: Handler) {
  const org = newOrg();
  await hireDrivers(org, ...TEST_DRIVERS);
  const dispatcher = claims(org, "dispatcher");
  const vehicle = await call(app, "POST", "/api/vehicles", { claims: dispatcher, body: { registration: `MH12${Math.floor(Math.random() * 1e6)}` } });
  assert.equal(vehicle.status, 201, JSON.stringify(vehicle.body));
  return { org, dispatcher, vehicleId: vehicle.body.id as string };
}

/** The JSON lines the functions' logger prints at `level` or above while `work` runs (tests run it SILENT otherwise). */
export async function logLines(level: "INFO" | "WARN", work: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const { logger } = await import("../../handlers/lib/log");
  const lines: string[] = [];
  // Powertools writes INFO to stdout and WARN and above to stderr.
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  const previous = logger.getLevelName();
  logger.setLogLevel(level);
  for (const s of streams) s.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof s.write;
  try {
    await work();
  } finally {
    streams.forEach((s, i) => (s.write = writes[i]));
    logger.setLogLevel(previous);
  }
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
}
