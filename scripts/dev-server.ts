/**
 * npm run dev — the TMS API on http://127.0.0.1:3000, serving the same route
 * table with the same handlers as the Lambda functions.
 *
 * - Database: DATABASE_URL if set; otherwise an embedded PostgreSQL (PGlite)
 *   kept in .tms-dev/pgdata, reached through `pg` over its socket server.
 *   Migrated on start.
 * - Redis: REDIS_URL if set; otherwise no cache.
 * - Authentication: stands in for API Gateway's JWT authorizer, accepting only
 *   development tokens from `npm run dev:token`.
 * - Documents: presigned URLs for DOCUMENTS_BUCKET (default tms-local-documents),
 *   signed with your AWS credentials if any, else with placeholders.
 * - Users: invited into an in-memory stand-in of Cognito (a restart forgets
 *   it; the directory in PostgreSQL stays). `POST /local/sign-in {"email"}`
 *   answers a development token for an invited, enabled user, as signing in
 *   through Cognito would.
 * - Maps: MAPS_PROVIDER=amazon-location calls Amazon Location in AWS_REGION
 *   (default ap-south-1) with your own AWS credentials (the SDK's default
 *   chain: environment, profile, SSO); otherwise the estimate.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { AddressInfo } from "net";
import { createCache } from "../handlers/lib/cache";
import { mapsConfig } from "../handlers/lib/config";
import { createDb } from "../handlers/lib/db";
import { HttpError } from "../handlers/lib/errors";
import { localDirectory } from "../handlers/lib/directory";
import { apiHandler, matchRoute } from "../handlers/lib/http";
import { amazonLocation } from "../handlers/lib/location";
import { S3DocumentStorage, documentsS3Client } from "../handlers/lib/s3";
import { mapsOperations } from "../handlers/maps/api";
import { migrate } from "../handlers/migrate/runner";
import { trackingOperations } from "../handlers/tracking/api";
import type { Role } from "../handlers/routes";
import { tripsOperations } from "../handlers/trips/api";
import { usersOperations } from "../handlers/users/api";
import { isRole, signDevToken, verifyDevToken } from "./local/dev-auth";
import { startEmbeddedPostgres } from "./local/embedded-postgres";
import { contentSecurityPolicy, contentTypeOf } from "../rules/site";

export interface DevServerOptions {
  port?: number;
  databaseUrl?: string;
  redisUrl?: string;
  /** Where the embedded database keeps its data; undefined keeps it in memory. */
  dataDir?: string;
  secret?: string;
  /** The built web app to serve on the same origin (`npm run build:web`). @default web/dist, when it exists */
  webDir?: string;
  /** Where documents are stored: another S3 endpoint than AWS's (the end-to-end suite's stand-in), with its credentials. */
  s3?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /**
   * Amazon Location's base map, as a deployed stack's /config.json gives it
   * (the end-to-end suite points it at stand-ins of the tile and identity
   * endpoints). Omit, as `npm run dev` does, to draw maps on a plain background.
   * @example { styleUrl: "https://maps.geo.ap-south-1.amazonaws.com/v2/styles/Standard/descriptor", identityPoolId: "ap-south-1:…", loginProvider: "cognito-idp.ap-south-1.amazonaws.com/…" }
   */
  map?: { styleUrl: string; identityPoolId: string; loginProvider: string };
}

export interface DevServer {
  url: string;
  close(): Promise<void>;
}

const DEFAULT_WEB_DIR = path.resolve(__dirname, "..", "web", "dist");
const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const embedded = options.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: options.dataDir, maxConnections: 8 });
  const databaseUrl = options.databaseUrl ?? embedded!.url;
  const db = createDb({ kind: "url", connectionString: databaseUrl, poolMax: 2 });
  await migrate(db);
  const cache = await createCache(options.redisUrl ? { url: options.redisUrl } : undefined);
  const region = process.env.AWS_REGION ?? "ap-south-1";
  const documentsBucket = process.env.DOCUMENTS_BUCKET ?? "tms-local-documents";
  const s3 = await documentsS3Client({
    region,
    ...(options.s3
      ? { endpoint: options.s3.endpoint, credentials: options.s3.credentials, forcePathStyle: true }
      : process.env.AWS_ACCESS_KEY_ID
        ? {}
        : { credentials: { accessKeyId: "LOCALDEVELOPMENT", secretAccessKey: "local-development-only" } }),
  });
  const maps = mapsConfig();
  const location = maps.provider === "amazon-location" ? amazonLocation({ region: maps.region, timeoutMs: maps.timeoutMs }) : undefined;
  const functions = {
    trips: apiHandler("trips", tripsOperations, async () => ({
      db,
      documents: new S3DocumentStorage(documentsBucket, s3),
      uploads: { maxBytes: 10 * 1024 * 1024, urlTtlSeconds: 300 },
    })),
    tracking: apiHandler("tracking", trackingOperations, async () => ({ db, cache, location, cacheTtlSeconds: maps.cacheTtlSeconds })),
    maps: apiHandler("maps", mapsOperations, async () => ({ db, cache, location, cacheTtlSeconds: maps.cacheTtlSeconds })),
    users: apiHandler("users", usersOperations, async () => ({ db, directory: localDirectory() })),
  };

  /**
   * The stand-in of Cognito's hosted sign-in, answering a development token:
   * as an invited user of the directory (`{"email"}`), or as an ad-hoc user
   * with an organisation and a role (`{"org", "role"}`).
   */
  async function signIn(body: string): Promise<{ token: string }> {
    const { email, org, role } = (() => {
      try {
        return JSON.parse(body) as { email?: unknown; org?: unknown; role?: unknown };
      } catch {
        return {};
      }
    })();
    if (typeof org === "string" && typeof role === "string") {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(org) || !isRole(role)) throw new HttpError(400, "invalid_request", "expected an organisation id and a role");
      return { token: signDevToken({ org, role }, options.secret) };
    }
    if (typeof email !== "string") throw new HttpError(400, "invalid_request", 'send {"email": "<an invited user\'s email>"} or {"org", "role"}');
    const { rows } = await db.query("SELECT org_id, sub, email, roles FROM users WHERE lower(email) = lower($1) AND enabled", [email]);
    if (!rows[0]) throw new HttpError(401, "unauthorized", "no enabled user has that email; an administrator invites users with POST /api/users");
    const [first, ...rest] = rows[0].roles as Role[];
    return { token: signDevToken({ org: rows[0].org_id, role: first, roles: [first, ...rest], sub: rows[0].sub, email: rows[0].email }, options.secret) };
  }

  const webDir = options.webDir ?? (fs.existsSync(DEFAULT_WEB_DIR) ? DEFAULT_WEB_DIR : undefined);
  // The deployed site's CSP, with what the app calls here: the documents store, and the map's endpoints when configured.
  const csp = contentSecurityPolicy([
    options.s3 ? new URL(options.s3.endpoint).origin : `https://${documentsBucket}.s3.${region}.amazonaws.com`,
    ...(options.map ? [new URL(options.map.styleUrl).origin, `https://cognito-identity.${region}.amazonaws.com`] : []),
  ]);
  /** The app's files; any other path is the SPA's own route, answered with index.html. */
  const serveWeb = (pathname: string, res: http.ServerResponse) => {
    if (pathname === "/config.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify({ apiBase: "", region, devSignIn: true, ...(options.map && { map: options.map }) }));
    }
    if (!webDir) {
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("no web app: run `npm run build:web`, then restart `npm run dev`\n");
    }
    const file = path.join(webDir, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ""));
    const found = file.startsWith(webDir) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(webDir, "index.html");
    res.writeHead(200, { "content-type": contentTypeOf(found), "content-security-policy": csp });
    fs.createReadStream(found).pipe(res);
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body));
    };
    if (method === "GET" && !url.pathname.startsWith("/api/")) return serveWeb(url.pathname, res);
    try {
      if (method === "POST" && url.pathname === "/local/sign-in") return send(200, await signIn(await readBody(req)));
      const { route } = matchRoute(method, url.pathname);
      let claims: Record<string, unknown> | undefined;
      if (route.auth === "jwt") {
        // What API Gateway's JWT authorizer does before the Lambda is invoked.
        const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
        if (!token) throw new HttpError(401, "unauthorized", "send Authorization: Bearer <token from `npm run dev:token`>");
        try {
          claims = verifyDevToken(token, options.secret);
        } catch (err) {
          throw new HttpError(401, "unauthorized", `token refused: ${(err as Error).message}`);
        }
      }
      const body = await readBody(req);
      const result = await functions[route.function as keyof typeof functions]({
        version: "2.0",
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: body || undefined,
        isBase64Encoded: false,
        requestContext: {
          requestId: `local-${Date.now().toString(36)}`,
          http: { method, path: url.pathname },
          authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined,
        },
      } as never);
      send(result.statusCode ?? 200, result.body, result.headers as Record<string, string>);
    } catch (err) {
      if (err instanceof HttpError) send(err.statusCode, { error: { code: err.code, message: err.message } }, err.headers);
      else send(500, { error: { code: "internal_error", message: "internal server error" } });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 3000, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cache?.close();
      await db.end();
      await embedded?.stop();
    },
  };
}

if (require.main === module) {
  startDevServer({
    port: Number(process.env.PORT ?? 3000),
    databaseUrl: process.env.DATABASE_URL,
    redisUrl: process.env.REDIS_URL,
    dataDir: path.resolve(__dirname, "..", ".tms-dev", "pgdata"),
  }).then(
    (server) => {
      process.stdout.write(
        `TMS API on ${server.url} (database: ${process.env.DATABASE_URL ? "DATABASE_URL" : "embedded, .tms-dev/pgdata"}; redis: ${process.env.REDIS_URL ? "REDIS_URL" : "none"})\n` +
          `  app:    ${server.url}/ (${fs.existsSync(DEFAULT_WEB_DIR) ? "web/dist" : "not built: npm run build:web, then restart"})\n` +
          `  token:  npm run -s dev:token -- --org acme --role dispatcher\n` +
          `  try:    curl -H "Authorization: Bearer $TOKEN" ${server.url}/api/trips\n`,
      );
      const stop = () => server.close().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    },
    (err) => {
      process.stderr.write(`dev server failed to start: ${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
