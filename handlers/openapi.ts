/**
 * The API's OpenAPI 3.1 document, written from its one source: the route table
 * (routes.ts), each operation's request schemas and each operation's
 * responses (the functions' `*Requests` and `*Responses`). The trips function
 * serves it at GET /api/openapi.json, `npm run docs` writes it to
 * docs/openapi.json, and the tests hold every handler response to it.
 */
import * as z from "zod";
import type { FunctionName } from "../rules/functions";
import { API_EXAMPLES } from "./examples";
import { ResponseSpec, errorEnvelope } from "./lib/contract";
import type { RequestSchemas } from "./lib/validation";
import { mapsRequests, mapsResponses } from "./maps/api";
import { ROUTES, Route, routeKey } from "./routes";
import { trackingRequests, trackingResponses } from "./tracking/api";
import { tripsRequests, tripsResponses } from "./trips/api";
import { usersRequests, usersResponses } from "./users/api";

export interface OperationContract {
  request: RequestSchemas;
  responses: ResponseSpec;
}

/** Every API function's operations: what each accepts and answers. */
export const OPERATIONS: Partial<Record<FunctionName, Record<string, OperationContract>>> = Object.fromEntries(
  (
    [
      ["trips", tripsRequests, tripsResponses],
      ["tracking", trackingRequests, trackingResponses],
      ["maps", mapsRequests, mapsResponses],
      ["users", usersRequests, usersResponses],
    ] as const
  ).map(([fn, requests, responses]) => [
    fn,
    Object.fromEntries(Object.entries(requests).map(([op, request]) => [op, { request, responses: (responses as Record<string, ResponseSpec>)[op] }])),
  ]),
);

export const contractOf = (route: Pick<Route, "function" | "operation">): OperationContract => {
  const contract = OPERATIONS[route.function]?.[route.operation];
  if (!contract?.responses) throw new Error(`no contract for ${route.function}.${route.operation}`);
  return contract;
};

/**
 * Every status the route can answer, with the error codes of each: the
 * operation's own, plus what the platform adds around every operation
 * (body parsing, validation, the authorizer's claims, roles, the origin
 * check, an unexpected fault).
 */
export function statusesOf(route: Route): { ok: ResponseSpec["ok"]; errors: Map<number, Set<string>> } {
  const { request, responses } = contractOf(route);
  const errors = new Map<number, Set<string>>();
  const add = (status: number, ...codes: string[]) => {
    const set = errors.get(status) ?? new Set<string>();
    codes.forEach((c) => set.add(c));
    errors.set(status, set);
  };
  const validated = request.path || request.query || request.body;
  add(400, "invalid_json");
  if (request.path) add(400, "invalid_path");
  if (validated) add(400, "invalid_request", "invalid_value");
  if (route.auth === "jwt") {
    add(401, "unauthorized");
    add(403, "forbidden");
  }
  add(403, "direct_access_forbidden");
  add(413, "payload_too_large");
  for (const [status, codes] of Object.entries(responses.errors ?? {})) add(Number(status), ...codes);
  add(500, "internal_error");
  return { ok: responses.ok, errors };
}

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<string, unknown> & { $schema?: string };

/** A JSON Schema without its `$schema` (OpenAPI 3.1 schemas are 2020-12 already). */
function schemaOf(schema: z.ZodType, io: "input" | "output") {
  const { $schema: _, ...rest } = jsonSchema(schema, io);
  return rest;
}

function parameters(request: RequestSchemas) {
  const params: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ["path", request.path],
    ["query", request.query],
  ] as const) {
    if (!schema) continue;
    const object = schemaOf(schema, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...rest } = property;
      params.push({
        name,
        in: where,
        required: where === "path" || (object.required ?? []).includes(name),
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  }
  if (request.ifMatch) {
    params.push({ name: "If-Match", in: "header", required: true, description: 'the trip\'s ETag as last read, e.g. "3"', schema: { type: "string" } });
  }
  return params;
}

const ROLE_TEXT = (route: Route) => (route.auth === "none" ? "Public." : `Roles: ${route.roles.join(", ")}.`);

let built: ReturnType<typeof buildDocument> | undefined;

/** The OpenAPI 3.1 document of the route table, built once per process: it is the same for every request. */
export function openApiDocument(): ReturnType<typeof buildDocument> {
  return (built ??= buildDocument());
}

function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const { request } = contractOf(route);
    const { ok, errors } = statusesOf(route);
    const example = API_EXAMPLES[routeKey(route)];
    const responses: Record<string, unknown> = {
      [ok.status]: {
        description: ok.description,
        ...(ok.headers ? { headers: Object.fromEntries(Object.entries(ok.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }])) } : {}),
        content: { "application/json": { schema: schemaOf(ok.body, "output"), ...(example ? { example: example.response } : {}) } },
      },
    };
    for (const [status, codes] of [...errors].sort(([a], [b]) => a - b)) {
      responses[status] = {
        description: `error: ${[...codes].join(", ")}`,
        content: { "application/json": { schema: schemaOf(errorEnvelope([...codes]), "output") } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: route.operation,
      summary: ok.description,
      description: `${ROLE_TEXT(route)} Served by the ${route.function} function.`,
      tags: [route.function],
      "x-tms-roles": route.roles,
      security: route.auth === "jwt" ? [{ cognitoIdToken: [] }] : [],
      parameters: parameters(request),
      responses,
    };
    if (request.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(request.body, "input"), ...(example?.body !== undefined ? { example: example.body } : {}) } },
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "TMS API",
      version: "1.0.0",
      description:
        "The transport management API: vehicles, trips, positions, documents and maps. Every error is `{ error: { code, message, details? } }`. " +
        "A trip's `driverId` is the driver's user subject (the `sub` of their Cognito ID token).",
    },
    servers: [{ url: "/", description: "the site's own address (CloudFront sends /api/* to the API)" }],
    paths,
    components: {
      securitySchemes: {
        cognitoIdToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "The Cognito **ID token** of the signed-in user (not the access token: only the ID token carries `custom:org_id`). " +
            "API Gateway's JWT authorizer checks it; the route's roles are Cognito groups (`cognito:groups`).",
        },
      },
    },
    "x-route-keys": ROUTES.map(routeKey),
  };
}
