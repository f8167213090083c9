/**
 * Property-based: random malformed bodies, path parameters and queries at
 * every route of the route table. Whatever arrives, the answer is never a 5xx,
 * and every error is well-formed JSON.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { localDirectory } from "../../handlers/lib/directory";
import { apiHandler } from "../../handlers/lib/http";
import { usersOperations } from "../../handlers/users/api";
import { mapsOperations } from "../../handlers/maps/api";
import { ROUTES, Role } from "../../handlers/routes";
import { trackingOperations } from "../../handlers/tracking/api";
import { tripsOperations } from "../../handlers/trips/api";
import { call, claims, newOrg, noStorage, testDb } from "./support";

const junk = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, "", 0, -1, 1e308, "💥", [], {}, { positions: [] }, { positions: "x" }),
  fc.dictionary(
    fc.constantFrom(
      "positions",
      "origin",
      "destination",
      "status",
      "vehicleId",
      "sizeBytes",
      "contentType",
      "kind",
      "registration",
      "plannedStart",
      "plannedEnd",
      "lat",
      "lng",
    ),
    fc.jsonValue(),
  ),
);
const segment = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }).filter((s) => !s.includes("/")),
  fc.constantFrom("..", "%", "%ZZ", "00000000-0000-0000-0000-000000000000"),
);
const query = fc.dictionary(fc.constantFrom("status", "vehicleId", "from", "to", "limit", "cursor", "since", "q", "x"), fc.string({ maxLength: 30 }), {
  maxKeys: 4,
});
const headers = fc.record({ "if-match": fc.option(fc.string({ maxLength: 12 }), { nil: undefined }) }, { requiredKeys: [] });

describe("handlers: random input at every route", function () {
  this.timeout(300_000);
  let handlers: Record<string, ReturnType<typeof apiHandler>>;
  const org = newOrg();

  before(async () => {
    const db = await testDb();
    handlers = {
      trips: apiHandler("trips", tripsOperations, async () => ({ db, documents: noStorage, uploads: { maxBytes: 1024, urlTtlSeconds: 60 } })),
      tracking: apiHandler("tracking", trackingOperations, async () => ({ db })),
      maps: apiHandler("maps", mapsOperations, async () => ({ db, cacheTtlSeconds: 0 })),
      users: apiHandler("users", usersOperations, async () => ({ db, directory: localDirectory() })),
    };
  });

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          junk,
          fc.array(segment, { minLength: 2, maxLength: 2 }),
          query,
          headers,
          fc.constantFrom<Role>("admin", "dispatcher", "driver", "viewer"),
          fc.boolean(),
          async (body, [a, b], q, h, role, raw) => {
            let params = 0;
            const path = route.path.replace(/\{\w+\}/g, () => encodeURIComponent([a, b][params++]));
            const res = await call(handlers[route.function], route.method, path, {
              ...(raw ? { rawBody: typeof body === "string" ? body : JSON.stringify(body).slice(0, -1) } : { body }),
              query: q,
              headers: Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
              claims: claims(org, role),
            });
            assert.ok(res.status >= 200 && res.status < 500, `${route.method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
            if (res.status >= 400) {
              assert.equal(typeof res.body?.error?.code, "string", JSON.stringify(res.body));
              assert.equal(typeof res.body.error.message, "string");
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
