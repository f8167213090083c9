import { strict as assert } from "assert";
import { DevServer, startDevServer } from "../../scripts/dev-server";
import { signDevToken, verifyDevToken } from "../../scripts/local/dev-auth";
import { assertContract, newOrg, testDatabase } from "./support";

const SECRET = "test-secret-for-dev-tokens";

describe("npm run dev: the local API over HTTP", function () {
  this.timeout(60_000);
  let server: DevServer;
  before(async () => {
    server = await startDevServer({ port: 0, databaseUrl: (await testDatabase()).url, redisUrl: process.env.REDIS_URL, secret: SECRET });
  });
  after(() => server?.close());

  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as any };
    // Over HTTP too, every answer is one the OpenAPI document declares.
    assertContract(method, path.split("?")[0], answer);
    return answer;
  };

  it("creates a trip, posts positions, reads the latest position and gets a presigned upload URL with a dev token", async () => {
    const token = signDevToken({ org: newOrg(), role: "dispatcher" }, SECRET);
    const vehicle = await api("POST", "/api/vehicles", token, { registration: "MH04XY1234" });
    assert.equal(vehicle.status, 201);
    const trip = await api("POST", "/api/trips", token, {
      vehicleId: vehicle.body.id,
      origin: { lat: 19.07, lng: 72.87, address: "Mumbai" },
      destination: { lat: 18.52, lng: 73.85, address: "Pune" },
      plannedStart: "2026-12-01T04:00:00Z",
      plannedEnd: "2026-12-01T09:00:00Z",
    });
    assert.equal(trip.status, 201);
    const positions = await api("POST", "/api/positions", token, {
      positions: [{ vehicleId: vehicle.body.id, recordedAt: "2026-11-26T05:00:00Z", lat: 19.1, lng: 72.9 }],
    });
    assert.deepEqual(positions.body, { accepted: 1, duplicates: 0 });
    const latest = await api("GET", `/api/vehicles/${vehicle.body.id}/position`, token);
    assert.equal(latest.body.lat, 19.1);
    const upload = await api("POST", `/api/trips/${trip.body.id}/documents`, token, { kind: "invoice", contentType: "application/pdf", sizeBytes: 1000 });
    assert.equal(upload.status, 201);
    assert.match(upload.body.upload.url, /^https:\/\/tms-local-documents\.s3\.ap-south-1\.amazonaws\.com\/orgs\//);
    const signed = new URL(upload.body.upload.url).searchParams;
    assert.equal(signed.get("x-amz-checksum-crc32"), null, "no CRC32 of an empty body: S3 would reject the real upload");
    assert.deepEqual(signed.get("X-Amz-SignedHeaders")!.split(";").sort(), ["content-length", "content-type", "host"]);
  });

  it("signs in as a user an administrator invited, with the user's own organisation and roles, until they are disabled", async () => {
    const org = newOrg();
    const admin = signDevToken({ org, role: "admin", sub: "8a3c9d2e-1111-4111-8111-000000000001" }, SECRET);
    const email = `driver.${Date.now()}@example.in`;
    const invited = await api("POST", "/api/users", admin, { email, roles: ["driver"] });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const signedIn = await fetch(`${server.url}/local/sign-in`, { method: "POST", body: JSON.stringify({ email: email.toUpperCase() }) });
    const { token } = (await signedIn.json()) as { token: string };
    const me = await api("GET", "/api/me", token);
    assert.deepEqual(me.body, { sub: invited.body.sub, orgId: org, roles: ["driver"], email });
    await api("PATCH", `/api/users/${invited.body.sub}`, admin, { enabled: false });
    const refused = await fetch(`${server.url}/local/sign-in`, { method: "POST", body: JSON.stringify({ email }) });
    assert.equal(refused.status, 401);
  });

  it("accepts no request without a valid, unexpired development token", async () => {
    assert.equal((await api("GET", "/api/health")).status, 200, "the health check is public");
    assert.equal((await api("GET", "/api/trips")).status, 401);
    assert.equal((await api("GET", "/api/trips", signDevToken({ org: "acme", role: "admin" }, "another-secret"))).status, 401);
    const expired = await api("GET", "/api/trips", signDevToken({ org: "acme", role: "admin", ttlSeconds: -10 }, SECRET));
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);
    assert.equal((await api("GET", "/api/nowhere", signDevToken({ org: "acme", role: "admin" }, SECRET))).status, 404);
  });

  it("signs tokens only it verifies, for the local issuer only", () => {
    const token = signDevToken({ org: "acme", role: "driver", sub: "driver-1" }, SECRET);
    assert.deepEqual((({ sub, iss, "custom:org_id": org, "cognito:groups": groups }) => ({ sub, iss, org, groups }))(verifyDevToken(token, SECRET) as any), {
      sub: "driver-1",
      iss: "tms-local-dev",
      org: "acme",
      groups: ["driver"],
    });
    assert.throws(() => verifyDevToken(token.replace(/\.[^.]+$/, ".forged"), SECRET), /bad signature/);
  });
});
