import { strict as assert } from "assert";
import { Validator } from "@seriousme/openapi-schema-validator";
import * as fs from "fs";
import { API_EXAMPLES } from "../handlers/examples";
import { matchRoute } from "../handlers/lib/http";
import { parse } from "../handlers/lib/validation";
import { contractOf, openApiDocument, statusesOf } from "../handlers/openapi";
import { ROUTES, routeKey } from "../handlers/routes";
import { tripsOperations } from "../handlers/trips/api";
import { apiHandler } from "../handlers/lib/http";
import { API_TYPES_FILE, OPENAPI_FILE, renderApiTypes, renderOpenApi } from "../scripts/docs";
import { assertContract, call, noStorage } from "./handlers/support";

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document (checked by an OpenAPI schema validator)", async () => {
    const result = await new Validator().validate(openApiDocument());
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  });

  it("documents every route of the route table, with its roles, and nothing else", () => {
    const document = openApiDocument();
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    assert.deepEqual(documented.sort(), ROUTES.map(routeKey).sort());
    for (const route of ROUTES) {
      const operation = document.paths[route.path][route.method.toLowerCase()] as any;
      assert.deepEqual(operation["x-tms-roles"], route.roles, routeKey(route));
      assert.deepEqual(operation.security, route.auth === "jwt" ? [{ cognitoIdToken: [] }] : [], routeKey(route));
      assert.ok(operation.responses["500"], `${routeKey(route)} documents its fault`);
      assert.ok(contractOf(route), routeKey(route));
    }
  });

  it("is written to docs/openapi.json and types/api.d.ts as the code has it (run `npm run docs` after changing the API)", async () => {
    assert.equal(fs.readFileSync(OPENAPI_FILE, "utf8"), renderOpenApi());
    assert.equal(fs.readFileSync(API_TYPES_FILE, "utf8"), await renderApiTypes());
  });

  it("is served publicly at GET /api/openapi.json, cacheable", async () => {
    const app = apiHandler("trips", tripsOperations, async () => ({
      db: undefined as never,
      documents: noStorage,
      uploads: { maxBytes: 1, urlTtlSeconds: 60 },
    }));
    const res = await call(app, "GET", "/api/openapi.json");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, JSON.parse(renderOpenApi()));
    assert.equal(res.headers["cache-control"], "public, max-age=300");
  });

  it("has an example exchange for every route, which the route's own schemas accept and the document holds", () => {
    for (const route of ROUTES) {
      const example = API_EXAMPLES[routeKey(route)];
      assert.ok(example, `an example for ${routeKey(route)}`);
      const path = example.path ?? route.path;
      const { route: matched, params } = matchRoute(route.method, path);
      assert.equal(matched, route, `${path} is a path of ${routeKey(route)}`);
      const { request } = contractOf(route);
      if (request.path) parse(request.path, params, "path");
      if (request.query) parse(request.query, example.query ?? {}, "query");
      assert.equal(example.body !== undefined, request.body !== undefined, `${routeKey(route)} takes a body exactly when its example has one`);
      if (request.body) parse(request.body, example.body, "body");
      const { ok } = statusesOf(route);
      const headers = Object.fromEntries(Object.keys(ok.headers ?? {}).map((h) => [h, "x"]));
      assertContract(route.method, path, { status: ok.status, headers, body: example.response });
    }
  });

  it("fails a response with a field, a status or an error code the contract does not declare", () => {
    assert.doesNotThrow(() => assertContract("GET", "/api/health", { status: 200, headers: {}, body: { status: "ok" } }));
    assert.throws(() => assertContract("GET", "/api/health", { status: 200, headers: {}, body: { status: "ok", uptime: 3 } }), /breaks the contract/);
    assert.throws(() => assertContract("GET", "/api/health", { status: 418, headers: {}, body: {} }), /declares no 418/);
    const teapot = { error: { code: "teapot", message: "short and stout" } };
    assert.throws(() => assertContract("GET", "/api/vehicles", { status: 400, headers: {}, body: teapot }), /breaks the contract/);
    const trips = { status: 200, headers: {}, body: { id: "x" } };
    assert.throws(() => assertContract("GET", "/api/trips/6f1c2a3e-1b2c-4d5e-8f90-0a1b2c3d4e5f", trips), /breaks the contract/);
  });
});
