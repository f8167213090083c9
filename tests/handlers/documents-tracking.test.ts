import { strict as assert } from "assert";
import { apiHandler } from "../../handlers/lib/http";
import { DocumentStorage, S3DocumentStorage, StoredObject, documentsS3Client } from "../../handlers/lib/s3";
import { trackingOperations } from "../../handlers/tracking/api";
import { tripsOperations } from "../../handlers/trips/api";
import { call, claims, fleet, newTrip, testDb } from "./support";

/** Real presigning (offline, with static test credentials); uploads recorded in memory. */
class RecordingStorage implements DocumentStorage {
  readonly objects = new Map<string, StoredObject>();
  private readonly s3 = documentsS3Client({ region: "ap-south-1", credentials: { accessKeyId: "AKIATESTTESTTEST", secretAccessKey: "test-secret" } }).then(
    (client) => new S3DocumentStorage("tms-test-documents", client),
  );
  presignPut: DocumentStorage["presignPut"] = async (...args) => (await this.s3).presignPut(...args);
  presignGet: DocumentStorage["presignGet"] = async (...args) => (await this.s3).presignGet(...args);
  head = async (key: string) => this.objects.get(key);
}

describe("handlers: documents (the reference's upload flow)", () => {
  const storage = new RecordingStorage();
  let app: ReturnType<typeof apiHandler>;
  before(async () => {
    const db = await testDb();
    app = apiHandler("trips", tripsOperations, async () => ({ db, documents: storage, uploads: { maxBytes: 5 * 1024 * 1024, urlTtlSeconds: 300 } }));
  });

  async function tripWithDriver() {
    const f = await fleet(app);
    const trip = (await call(app, "POST", "/api/trips", { claims: f.dispatcher, body: newTrip({ vehicleId: f.vehicleId, driverId: "driver-d" }) })).body;
    return { ...f, trip, driver: claims(f.org, "driver", "driver-d") };
  }

  it("presigns a short-lived PUT bound to the announced type and size, under a key derived from org, trip and document", async () => {
    const { org, trip, driver } = await tripWithDriver();
    const res = await call(app, "POST", `/api/trips/${trip.id}/documents`, {
      claims: driver,
      body: { kind: "proof_of_delivery", contentType: "image/jpeg", sizeBytes: 123456 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const url = new URL(res.body.upload.url);
    assert.equal(url.hostname, "tms-test-documents.s3.ap-south-1.amazonaws.com");
    assert.equal(decodeURIComponent(url.pathname), `/orgs/${org}/trips/${trip.id}/documents/${res.body.documentId}`);
    assert.equal(url.searchParams.get("X-Amz-Expires"), "300");
    assert.deepEqual(url.searchParams.get("X-Amz-SignedHeaders")!.split(";").sort(), ["content-length", "content-type", "host"]);
    assert.deepEqual(res.body.upload.headers, { "content-type": "image/jpeg", "content-length": "123456" });
    assert.ok(Date.parse(res.body.upload.expiresAt) - Date.now() <= 300_000);
  });

  it("refuses types outside the allowed set (400) and files over the limit (413)", async () => {
    const { trip, dispatcher } = await tripWithDriver();
    const type = await call(app, "POST", `/api/trips/${trip.id}/documents`, {
      claims: dispatcher,
      body: { kind: "invoice", contentType: "text/html", sizeBytes: 10 },
    });
    assert.equal(type.status, 400);
    const big = await call(app, "POST", `/api/trips/${trip.id}/documents`, {
      claims: dispatcher,
      body: { kind: "invoice", contentType: "application/pdf", sizeBytes: 5 * 1024 * 1024 + 1 },
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, "document_too_large");
  });

  it("confirms an upload only when the object exists with the announced size and type, then lists it with a download URL", async () => {
    const { trip, driver, dispatcher, org } = await tripWithDriver();
    const { documentId } = (
      await call(app, "POST", `/api/trips/${trip.id}/documents`, {
        claims: driver,
        body: { kind: "proof_of_delivery", contentType: "application/pdf", sizeBytes: 2048 },
      })
    ).body;
    const key = `orgs/${org}/trips/${trip.id}/documents/${documentId}`;
    const confirm = () => call(app, "POST", `/api/trips/${trip.id}/documents/${documentId}/confirm`, { claims: driver });

    assert.equal((await confirm()).body.error.code, "upload_missing");
    storage.objects.set(key, { size: 999, contentType: "application/pdf" });
    const mismatch = await confirm();
    assert.equal(mismatch.status, 409);
    assert.deepEqual(mismatch.body.error.details.found, { sizeBytes: 999, contentType: "application/pdf" });
    storage.objects.set(key, { size: 2048, contentType: "application/pdf" });
    const ok = await confirm();
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, "uploaded");
    assert.equal((await confirm()).status, 200, "confirming twice is harmless");

    const list = await call(app, "GET", `/api/trips/${trip.id}/documents`, { claims: claims(org, "viewer") });
    assert.equal(list.body.documents.length, 1);
    assert.equal(new URL(list.body.documents[0].downloadUrl).searchParams.get("X-Amz-Expires"), "300");
    // Another organisation cannot confirm or see it.
    const other = claims(`${org}x`, "admin");
    assert.equal((await call(app, "POST", `/api/trips/${trip.id}/documents/${documentId}/confirm`, { claims: other })).status, 404);
    void dispatcher;
  });
});

describe("handlers: tracking", () => {
  let trips: ReturnType<typeof apiHandler>;
  let tracking: ReturnType<typeof apiHandler>;
  before(async () => {
    const db = await testDb();
    trips = apiHandler("trips", tripsOperations, async () => ({ db, documents: new RecordingStorage(), uploads: { maxBytes: 1, urlTtlSeconds: 60 } }));
    tracking = apiHandler("tracking", trackingOperations, async () => ({ db }));
  });

  const at = (i: number) => new Date(Date.parse("2026-11-20T10:00:00Z") + i * 30_000).toISOString();
  const positions = (vehicleId: string, n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({
      vehicleId,
      recordedAt: at(from + i),
      lat: 19 + i * 0.001,
      lng: 72.8 + i * 0.001,
      speedKmh: 42,
      heading: 90,
      accuracyM: 5,
    }));

  async function activeTrip() {
    const f = await fleet(trips);
    const trip = (await call(trips, "POST", "/api/trips", { claims: f.dispatcher, body: newTrip({ vehicleId: f.vehicleId, driverId: "driver-t" }) })).body;
    await call(trips, "PATCH", `/api/trips/${trip.id}`, { claims: f.dispatcher, headers: { "if-match": '"1"' }, body: { status: "dispatched" } });
    return { ...f, trip, driver: claims(f.org, "driver", "driver-t") };
  }

  it("ingests a batch of 500 once: re-sending the same vehicle and timestamps stores nothing new", async () => {
    const { vehicleId, driver } = await activeTrip();
    const batch = positions(vehicleId, 500);
    const first = await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: batch } });
    assert.deepEqual(first.body, { accepted: 500, duplicates: 0 });
    const again = await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: batch } });
    assert.deepEqual(again.body, { accepted: 0, duplicates: 500 });
    const overlap = await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: positions(vehicleId, 10, 495) } });
    assert.deepEqual(overlap.body, { accepted: 5, duplicates: 5 });
  });

  it("refuses more than 500 positions with 413 and invalid coordinates, speed, heading or accuracy with 400", async () => {
    const { vehicleId, driver } = await activeTrip();
    assert.equal((await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: positions(vehicleId, 501) } })).status, 413);
    for (const bad of [
      { lat: 91 },
      { lng: -181 },
      { speedKmh: -1 },
      { speedKmh: 301 },
      { heading: 360 },
      { accuracyM: -2 },
      { recordedAt: "yesterday" },
      { recordedAt: "2999-01-01T00:00:00Z" },
    ]) {
      const res = await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: [{ ...positions(vehicleId, 1)[0], ...bad }] } });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.ok(res.body.error.details.length > 0);
    }
  });

  it("stores speed, heading and accuracy as single precision within their bounds: 359.99998° is 359.99997°, 5e-324 is 0", async () => {
    const { vehicleId, driver, trip } = await activeTrip();
    const [p] = positions(vehicleId, 1);
    const res = await call(tracking, "POST", "/api/positions", {
      claims: driver,
      body: { positions: [{ ...p, heading: 359.99998, speedKmh: 5e-324, accuracyM: 0.1 }] },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [stored] = (await call(tracking, "GET", `/api/trips/${trip.id}/track`, { claims: driver })).body.positions;
    // PostgreSQL prints a real in its shortest exact form; it is the same single-precision value.
    assert.equal(Math.fround(stored.heading), Math.fround(359.99998));
    assert.ok(stored.heading < 360);
    assert.equal(stored.speedKmh, 0);
    assert.equal(Math.fround(stored.accuracyM), Math.fround(0.1));
    const rounded = await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: [{ ...p, heading: 359.99999999 }] } });
    assert.equal(rounded.status, 400, "rounds to 360 at single precision: refused, not a database error");
  });

  it("lets a driver post only for the vehicle of their active trip", async () => {
    const a = await activeTrip();
    const b = await activeTrip();
    const foreign = await call(tracking, "POST", "/api/positions", { claims: a.driver, body: { positions: positions(b.vehicleId, 1) } });
    assert.equal(foreign.status, 403);
    const idle = claims(a.org, "driver", "driver-without-trip");
    assert.equal((await call(tracking, "POST", "/api/positions", { claims: idle, body: { positions: positions(a.vehicleId, 1) } })).status, 403);
    // A dispatcher cannot post for another organisation's vehicle either.
    const crossTenant = await call(tracking, "POST", "/api/positions", { claims: a.dispatcher, body: { positions: positions(b.vehicleId, 1) } });
    assert.equal(crossTenant.status, 400);
    assert.equal(crossTenant.body.error.code, "unknown_vehicle");
  });

  it("answers the latest position per vehicle, scoped to the organisation", async () => {
    const { vehicleId, driver, org } = await activeTrip();
    await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: positions(vehicleId, 20) } });
    const latest = await call(tracking, "GET", `/api/vehicles/${vehicleId}/position`, { claims: claims(org, "viewer") });
    assert.equal(latest.status, 200);
    assert.equal(latest.body.recordedAt, at(19));
    assert.equal(latest.body.source, "database");
    assert.equal((await call(tracking, "GET", `/api/vehicles/${vehicleId}/position`, { claims: claims(`${org}z`, "admin") })).status, 404);
  });

  it("returns a trip's track after `since`, up to `limit`", async () => {
    const { vehicleId, driver, trip } = await activeTrip();
    await call(tracking, "POST", "/api/positions", { claims: driver, body: { positions: positions(vehicleId, 50) } });
    const all = await call(tracking, "GET", `/api/trips/${trip.id}/track`, { claims: driver });
    assert.equal(all.body.positions.length, 50);
    assert.ok(all.body.positions.every((p: any) => p.tripId === trip.id));
    const later = await call(tracking, "GET", `/api/trips/${trip.id}/track`, { claims: driver, query: { since: at(39), limit: "5" } });
    assert.deepEqual(
      later.body.positions.map((p: any) => p.recordedAt),
      [40, 41, 42, 43, 44].map(at),
    );
    assert.equal((await call(tracking, "GET", `/api/trips/${trip.id}/track`, { claims: driver, query: { limit: "0" } })).status, 400);
  });
});
