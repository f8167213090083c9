/**
 * API Gateway (HTTP API, payload 2.0) in and out: parses the event, routes it
 * by the route table, checks authorization, and turns every outcome into a
 * JSON response. Bad input is a 4xx with a well-formed error; a 5xx means a
 * real fault and never carries internals.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { FunctionName } from "../../rules/functions";
import { ROUTES, Route } from "../routes";
import { AuthContext, authContextFrom, requireRole } from "./auth";
import { HttpError } from "./errors";
import { originConfig } from "./config";
import { logger, metrics } from "./log";
import { cachedUntilFailure } from "./once";
import { originGuard } from "./origin";

export const MAX_BODY_BYTES = 1024 * 1024;

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: unknown;
  auth?: AuthContext;
  requestId: string;
}

export interface Response {
  statusCode: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type AuthedRequest = Request & { auth: AuthContext };
/** An operation gets the request and the function's dependencies (database, storage, ...). */
export type Operation<D> = (request: AuthedRequest, deps: D) => Promise<Response>;
export type Operations<D> = Record<string, Operation<D>>;

export const json = (statusCode: number, body: unknown, headers?: Record<string, string>): Response => ({ statusCode, body, headers });

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const compiled = new WeakMap<readonly Route[], CompiledRoute[]>();

/** The route of the route table that `method path` addresses, with its path parameters. */
export function matchRoute(method: string, path: string, routes: readonly Route[] = ROUTES): { route: Route; params: Record<string, string> } {
  let compiledRoutes = compiled.get(routes);
  if (!compiledRoutes) compiled.set(routes, (compiledRoutes = routes.map(compile)));
  const candidates = compiledRoutes.filter((r) => r.pattern.test(path));
  if (candidates.length === 0) throw new HttpError(404, "not_found", `no route for ${method} ${path}`);
  const match = candidates.find((r) => r.route.method === method);
  if (!match)
    throw new HttpError(405, "method_not_allowed", `${method} is not allowed on ${path}`, undefined, {
      allow: candidates.map((c) => c.route.method).join(", "),
    });
  const values = match.pattern.exec(path)!.slice(1);
  return { route: match.route, params: Object.fromEntries(match.names.map((name, i) => [name, decodeSegment(values[i])])) };
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { route, pattern: new RegExp(`^${pattern}$`), names };
}

function respond(response: Response, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": requestId, ...response.headers };
  return { statusCode: response.statusCode, headers, body: response.body === undefined ? "" : JSON.stringify(response.body) };
}

function errorResponse(err: unknown, requestId: string): Response {
  if (err instanceof HttpError) {
    const error: Record<string, unknown> = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { statusCode: err.statusCode, body: { error }, headers: err.headers };
  }
  if (refusedAsData(err)) {
    // Validation should have caught it: the warning names the gap, the client gets a clear 4xx.
    logger.warn("the database refused a value validation let through", { code: (err as { code: string }).code, reason: (err as Error).message, requestId });
    return { statusCode: 400, body: { error: { code: "invalid_value", message: "a value in the request cannot be stored", details: { requestId } } } };
  }
  logger.error("unhandled error", { error: err as Error, requestId });
  return { statusCode: 500, body: { error: { code: "internal_error", message: "internal server error", details: { requestId } } } };
}

/** PostgreSQL's data exceptions (SQLSTATE class 22) and check violations: the value, not the server, is at fault. */
const refusedAsData = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(22[0-9A-Z]{3}|23514)$/.test(code);
};

function parseBody(event: APIGatewayProxyEventV2WithJWTAuthorizer): unknown {
  if (event.body === undefined || event.body === null || event.body === "") return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw new HttpError(413, "payload_too_large", `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "the request body is not valid JSON");
  }
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpError(400, "invalid_path", "the path is not correctly encoded");
  }
}

/**
 * The Lambda handler of an API function: every route of the route table that
 * names `fn` must have an operation, and no operation may lack a route.
 */
export function apiHandler<D>(fn: FunctionName, operations: Operations<D>, dependencies: () => Promise<D>, origin: { secretArn?: string } = originConfig()) {
  const routes = ROUTES.filter((r) => r.function === fn);
  const routed = new Set(routes.map((r) => r.operation));
  const missing = [...routed].filter((op) => !(op in operations));
  const orphans = Object.keys(operations).filter((op) => !routed.has(op));
  if (missing.length > 0 || orphans.length > 0) {
    throw new Error(
      `function ${fn} does not match the route table: ${missing.length ? `no operation for ${missing.join(", ")}` : ""}${missing.length && orphans.length ? "; " : ""}${orphans.length ? `no route for ${orphans.join(", ")}` : ""}`,
    );
  }

  // Built on the first request and kept for the container's life (pool, clients, secrets).
  const deps = cachedUntilFailure(dependencies);
  const fromCloudFront = origin.secretArn ? originGuard(origin.secretArn) : undefined;

  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer, context?: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? "local";
    const method = event.requestContext?.http?.method ?? "GET";
    const path = event.rawPath ?? event.requestContext?.http?.path ?? "/";
    try {
      const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
      await fromCloudFront?.(headers);
      const match = matchRoute(method, path, routes);
      const params = match.params;
      const query = Object.fromEntries(new URLSearchParams(event.rawQueryString ?? "").entries());
      const request: Request = { method, path, params, query, headers, body: parseBody(event), requestId };

      if (match.route.auth === "jwt") {
        request.auth = authContextFrom(event.requestContext?.authorizer?.jwt?.claims);
        requireRole(request.auth, match.route.roles);
        logger.appendKeys({ orgId: request.auth.orgId });
      }
      logger.appendKeys({ requestId, route: `${match.route.method} ${match.route.path}` });
      return respond(await operations[match.route.operation](request as AuthedRequest, await deps.get()), requestId);
    } catch (err) {
      return respond(errorResponse(err, requestId), requestId);
    } finally {
      logger.removeKeys(["orgId", "route"]);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
