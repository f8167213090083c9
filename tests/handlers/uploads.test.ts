/**
 * The reference's upload flow over HTTP, as a browser runs it: presign, a real
 * PUT of a real body to the URL, confirm, then download. S3 is a local endpoint
 * that verifies SigV4 with the SDK's own signer, checks declared checksums and
 * decides access by the trips role's own IAM statements (./s3-endpoint.ts).
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { documentsStatements } from "../../components/api";
import { apiHandler } from "../../handlers/lib/http";
import { S3DocumentStorage, documentsS3Client } from "../../handlers/lib/s3";
import { tripsOperations } from "../../handlers/trips/api";
import { CREDENTIALS, REGION, S3Endpoint, Statement, iamAllows, startS3Endpoint } from "./s3-endpoint";
import { call, claims, fleet, logLines, newTrip, testDb } from "./support";

const BUCKET = "tms-test-documents-123456789012";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const ROLE_STATEMENTS = documentsStatements(BUCKET_ARN, "arn:aws:kms:ap-south-1:123456789012:key/k", REGION) as Statement[];

describe("handlers: document uploads against S3's rules", () => {
  let s3: S3Endpoint;
  before(async () => (s3 = await startS3Endpoint(ROLE_STATEMENTS)));
  after(() => s3?.close());

  const clientConfig = () => ({ region: REGION, credentials: CREDENTIALS, endpoint: s3.url, forcePathStyle: true });

  async function appWith(storage: S3DocumentStorage) {
    const db = await testDb();
    return apiHandler("trips", tripsOperations, async () => ({ db, documents: storage, uploads: { maxBytes: 5 * 1024 * 1024, urlTtlSeconds: 300 } }));
  }

  /** The trips function with real presigning against the local S3 endpoint. */
  const documentsApp = async () => appWith(new S3DocumentStorage(BUCKET, await documentsS3Client(clientConfig())));

  /** A driver's presigned upload for their trip. */
  const requestUpload = (app: Awaited<ReturnType<typeof appWith>>, trip: { id: string }, driver: Record<string, unknown>, body: Record<string, unknown>) =>
    call(app, "POST", `/api/trips/${trip.id}/documents`, { claims: driver, body });

  async function tripOf(app: Awaited<ReturnType<typeof appWith>>) {
    const f = await fleet(app);
    const trip = (await call(app, "POST", "/api/trips", { claims: f.dispatcher, body: newTrip({ vehicleId: f.vehicleId, driverId: "driver-u" }) })).body;
    return { ...f, trip, driver: claims(f.org, "driver", "driver-u") };
  }

  /** What a browser sends: the type it is told to set, and the body (fetch sets the length itself). */
  const browserPut = (url: string, contentType: string, body: Buffer) => fetch(url, { method: "PUT", headers: { "content-type": contentType }, body });

  it("presign, PUT a real file, confirm, download: the bytes come back", async () => {
    const app = await documentsApp();
    const { trip, driver, org } = await tripOf(app);
    const file = randomBytes(70_000);
    const presigned = await requestUpload(app, trip, driver, { kind: "proof_of_delivery", contentType: "image/png", sizeBytes: file.length });
    assert.equal(presigned.status, 201, JSON.stringify(presigned.body));
    const url = new URL(presigned.body.upload.url);
    assert.equal(url.searchParams.get("x-amz-checksum-crc32"), null, "no checksum of an empty body in the URL");
    assert.equal(url.searchParams.get("x-amz-sdk-checksum-algorithm"), null);

    const put = await browserPut(presigned.body.upload.url, presigned.body.upload.headers["content-type"], file);
    assert.equal(put.status, 200, await put.text());

    const confirmed = await call(app, "POST", `/api/trips/${trip.id}/documents/${presigned.body.documentId}/confirm`, { claims: driver });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.status, "uploaded");

    let list!: Awaited<ReturnType<typeof call>>;
    const logged = await logLines("INFO", async () => {
      list = await call(app, "GET", `/api/trips/${trip.id}/documents`, { claims: claims(org, "viewer", "viewer-42") });
    });
    const issued = logged.find((l) => l.message === "document download links issued");
    assert.deepEqual([issued?.userId, issued?.documentIds], ["viewer-42", [presigned.body.documentId]], "the log names who was given which link");
    const download = await fetch(list.body.documents[0].downloadUrl);
    assert.equal(download.status, 200);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(file));
  });

  it("the URL accepts only the announced length and type: another file is refused by S3 (SignatureDoesNotMatch)", async () => {
    const app = await documentsApp();
    const { trip, driver } = await tripOf(app);
    const presigned = await requestUpload(app, trip, driver, { kind: "invoice", contentType: "application/pdf", sizeBytes: 2048 });
    const { url } = presigned.body.upload;
    assert.equal((await browserPut(url, "application/pdf", randomBytes(4096))).status, 403);
    assert.equal((await browserPut(url, "image/png", randomBytes(2048))).status, 403);
    assert.deepEqual(
      s3.refusals.slice(-2).map((r) => r.code),
      ["SignatureDoesNotMatch", "SignatureDoesNotMatch"],
    );
    assert.equal((await browserPut(url, "application/pdf", randomBytes(2048))).status, 200);
  });

  it("the SDK's default client would sign the CRC32 of an empty body, and S3 would reject the real upload (BadDigest)", async () => {
    const defaults = new S3DocumentStorage(BUCKET, new S3Client(clientConfig()));
    const url = await defaults.presignPut("orgs/o/trips/t/documents/d", "image/jpeg", 1000, 60);
    assert.equal(new URL(url).searchParams.get("x-amz-checksum-crc32"), "AAAAAA==", "the SDK still behaves as aws/aws-sdk-js-v3#6994 says");
    const put = await browserPut(url, "image/jpeg", randomBytes(1000));
    assert.equal(put.status, 400);
    assert.match(await put.text(), /BadDigest/);
  });

  it("confirming an upload that never happened is a 409 upload_missing, not a 500", async () => {
    const app = await documentsApp();
    const { trip, driver } = await tripOf(app);
    const presigned = await requestUpload(app, trip, driver, { kind: "photo", contentType: "image/webp", sizeBytes: 10 });
    const before = s3.refusals.length;
    const confirm = await call(app, "POST", `/api/trips/${trip.id}/documents/${presigned.body.documentId}/confirm`, { claims: driver });
    assert.equal(confirm.status, 409, JSON.stringify(confirm.body));
    assert.equal(confirm.body.error.code, "upload_missing");
    assert.deepEqual(
      s3.refusals.slice(before).map((r) => `${r.method} ${r.status}`),
      ["HEAD 403"],
      "S3 answers the HEAD of a missing key with 403 even so; the listing of its own prefix settles it",
    );
  });

  it("without the role's prefix-scoped s3:ListBucket, the same confirmation would be a 500", async () => {
    const withoutList = await startS3Endpoint(ROLE_STATEMENTS.filter((s) => ![s.Action].flat().includes("s3:ListBucket")));
    try {
      const app = await appWith(new S3DocumentStorage(BUCKET, await documentsS3Client({ ...clientConfig(), endpoint: withoutList.url })));
      const { trip, driver } = await tripOf(app);
      const presigned = await requestUpload(app, trip, driver, { kind: "photo", contentType: "image/webp", sizeBytes: 10 });
      const confirm = await call(app, "POST", `/api/trips/${trip.id}/documents/${presigned.body.documentId}/confirm`, { claims: driver });
      assert.equal(confirm.status, 500);
    } finally {
      await withoutList.close();
    }
  });

  it("the role may list the organisations' prefix only, and touch objects under it only", () => {
    assert.equal(iamAllows(ROLE_STATEMENTS, "s3:ListBucket", BUCKET_ARN, { "s3:prefix": "orgs/acme/trips/t/documents/d" }), true);
    assert.equal(iamAllows(ROLE_STATEMENTS, "s3:ListBucket", BUCKET_ARN, { "s3:prefix": "" }), false);
    assert.equal(iamAllows(ROLE_STATEMENTS, "s3:ListBucket", BUCKET_ARN, { "s3:prefix": "exports/" }), false);
    assert.equal(iamAllows(ROLE_STATEMENTS, "s3:ListBucket", BUCKET_ARN), false, "no prefix in the request: the condition is not met");
    assert.equal(iamAllows(ROLE_STATEMENTS, "s3:GetObject", `${BUCKET_ARN}/orgs/acme/x`), true);
    assert.equal(iamAllows(ROLE_STATEMENTS, "s3:GetObject", `${BUCKET_ARN}/exports/x`), false);
    assert.equal(iamAllows(ROLE_STATEMENTS, "s3:DeleteObject", `${BUCKET_ARN}/orgs/acme/x`), false);
  });
});
