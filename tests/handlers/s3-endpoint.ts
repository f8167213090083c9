/**
 * A local S3 endpoint that checks requests the way S3 does, for the upload
 * flow's tests:
 *
 * - Every request must carry a SigV4 signature (presigned query or
 *   Authorization header) that the SDK's own signer, given the same signed
 *   headers and query as they arrived, reproduces: a browser that sends
 *   another length or type than was signed gets 403 SignatureDoesNotMatch.
 * - A checksum in the request (`x-amz-checksum-crc32`, query or header) must be
 *   the body's: a URL signed with the CRC32 of an empty body rejects every real
 *   upload with 400 BadDigest.
 * - Access is decided by an IAM policy (the role's own statements): a missing
 *   key is a 404 only for a caller allowed s3:ListBucket on the bucket with no
 *   prefix in the request context (the strictest reading of AWS's rule), and a
 *   403 otherwise; ListObjectsV2 is allowed by the `s3:prefix` it asks for.
 *
 * Path-style addressing (`/bucket/key`) on loopback only.
 */
import { createHash, createHmac } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { crc32 } from "zlib";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";

export const CREDENTIALS = { accessKeyId: "AKIATESTLOCALS3", secretAccessKey: "local-s3-secret-for-tests" };
export const REGION = "ap-south-1";

export interface Statement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface S3Endpoint {
  url: string;
  objects: Map<string, { body: Buffer; contentType: string }>;
  /** Every request S3 refused, with its code: what a test asserts on. */
  refusals: { method: string; path: string; status: number; code: string }[];
  close(): Promise<void>;
}

/** `*` and `?` as IAM's wildcards. */
const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(value);

/** IAM's decision for one action on one resource: an explicit deny wins; no allow is a deny. */
export function iamAllows(statements: Statement[], action: string, resource: string, context: Record<string, string> = {}): boolean {
  const applies = (s: Statement) =>
    [s.Action].flat().some((a) => glob(a, action)) &&
    [s.Resource].flat().some((r) => glob(r, resource)) &&
    Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        const value = context[key];
        // A condition on a key the request does not carry is not met.
        if (value === undefined) return false;
        if (operator === "StringLike") return [expected].flat().some((p) => glob(p, value));
        if (operator === "StringEquals") return [expected].flat().includes(value);
        throw new Error(`the S3 endpoint does not model condition operator ${operator}`);
      }),
    );
  const matching = statements.filter(applies);
  return matching.some((s) => s.Effect === "Allow") && !matching.some((s) => s.Effect === "Deny");
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** Node's crypto in the shape the signer takes (a hash, or an HMAC when given a secret). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: SourceData) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: "s3", sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });

const parseAmzDate = (value: string) => new Date(value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

/** Recomputes the request's signature with the SDK's signer; throws S3's error when it differs or has expired. */
async function verifySignature(req: http.IncomingMessage, url: URL): Promise<void> {
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const presigned = query["X-Amz-Algorithm"] !== undefined;
  let signedHeaders: string[];
  let given: string;
  let amzDate: string;
  if (presigned) {
    signedHeaders = (query["X-Amz-SignedHeaders"] ?? "").split(";");
    given = query["X-Amz-Signature"];
    amzDate = query["X-Amz-Date"];
    if (Date.now() > parseAmzDate(amzDate).getTime() + Number(query["X-Amz-Expires"]) * 1000) throw new S3Error(403, "AccessDenied");
  } else {
    const auth = /^AWS4-HMAC-SHA256 Credential=[^,]+, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(String(req.headers.authorization ?? ""));
    if (!auth) throw new S3Error(403, "AccessDenied");
    signedHeaders = auth[1].split(";");
    given = auth[2];
    amzDate = String(req.headers["x-amz-date"]);
  }
  const headers: Record<string, string> = Object.fromEntries(signedHeaders.map((name) => [name, String(req.headers[name] ?? "")]));
  // The payload hash travels in the query of a presigned URL; the signer reads it from this header.
  const { "X-Amz-Signature": _, "X-Amz-Content-Sha256": payloadHash, ...unsignedQuery } = query;
  if (presigned && payloadHash) headers["X-Amz-Content-Sha256"] = payloadHash;
  const request = new HttpRequest({
    method: req.method,
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: presigned ? unsignedQuery : query,
    headers,
  });
  const signingDate = parseAmzDate(amzDate);
  const expected = presigned
    ? (
        await signer.presign(request, {
          signingDate,
          expiresIn: Number(query["X-Amz-Expires"]),
          signableHeaders: new Set(signedHeaders),
          unhoistableHeaders: new Set(signedHeaders),
        })
      ).query?.["X-Amz-Signature"]
    : /Signature=([0-9a-f]+)/.exec(String((await signer.sign(request, { signingDate, signableHeaders: new Set(signedHeaders) })).headers.authorization))?.[1];
  if (expected !== given) throw new S3Error(403, "SignatureDoesNotMatch");
}

/** S3 checks a checksum the request declares against the body it received. */
function verifyChecksum(req: http.IncomingMessage, url: URL, body: Buffer): void {
  const declared = url.searchParams.get("x-amz-checksum-crc32") ?? (req.headers["x-amz-checksum-crc32"] as string | undefined);
  const algorithm = url.searchParams.get("x-amz-sdk-checksum-algorithm") ?? req.headers["x-amz-sdk-checksum-algorithm"];
  if (declared === null || declared === undefined) {
    if (algorithm) throw new S3Error(400, "InvalidRequest");
    return;
  }
  const actual = Buffer.alloc(4);
  actual.writeUInt32BE(crc32(body) >>> 0);
  if (actual.toString("base64") !== declared) throw new S3Error(400, "BadDigest");
}

const xml = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;

/** A bucket's CORS rule, as S3 applies it to a browser's requests (the DocumentStore's allowBrowserUploads sets one). */
export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  /** Lower case; `*` as a wildcard suffix, as S3 takes it. */
  allowedHeaders: string[];
}

export async function startS3Endpoint(policy: Statement[], cors?: CorsRule): Promise<S3Endpoint> {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const refusals: S3Endpoint["refusals"] = [];

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    // A browser on another origin: S3 answers the preflight by the bucket's CORS rule, and marks allowed responses.
    const origin = req.headers.origin;
    const corsAllows = (method: string) => !!origin && !!cors && cors.allowedOrigins.includes(origin) && cors.allowedMethods.includes(method);
    if (req.method === "OPTIONS") {
      const method = String(req.headers["access-control-request-method"] ?? "");
      const headers = String(req.headers["access-control-request-headers"] ?? "")
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      const headerAllowed = (h: string) => cors?.allowedHeaders.some((a) => (a.endsWith("*") ? h.startsWith(a.slice(0, -1)) : a === h)) ?? false;
      if (!corsAllows(method) || !headers.every(headerAllowed)) return void res.writeHead(403).end();
      res.writeHead(200, {
        "access-control-allow-origin": origin!,
        "access-control-allow-methods": method,
        "access-control-allow-headers": headers.join(", "),
      });
      return void res.end();
    }
    if (corsAllows(req.method ?? "")) res.setHeader("access-control-allow-origin", origin!);
    const [, bucket, ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const objectArn = `arn:aws:s3:::${bucket}/${key}`;
    try {
      await verifySignature(req, url);
      const allowed = (action: string, resource: string, context?: Record<string, string>) => {
        if (!iamAllows(policy, action, resource, context)) throw new S3Error(403, "AccessDenied");
      };
      if (req.method === "PUT" && key) {
        allowed("s3:PutObject", objectArn);
        if (req.headers["content-length"] !== undefined && Number(req.headers["content-length"]) !== body.length) throw new S3Error(400, "IncompleteBody");
        verifyChecksum(req, url, body);
        objects.set(key, { body, contentType: String(req.headers["content-type"] ?? "binary/octet-stream") });
        res.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"` }).end();
      } else if ((req.method === "GET" || req.method === "HEAD") && key) {
        allowed("s3:GetObject", objectArn);
        const object = objects.get(key);
        if (!object)
          throw new S3Error(
            iamAllows(policy, "s3:ListBucket", `arn:aws:s3:::${bucket}`) ? 404 : 403,
            iamAllows(policy, "s3:ListBucket", `arn:aws:s3:::${bucket}`) ? "NoSuchKey" : "AccessDenied",
          );
        res.writeHead(200, { "content-type": object.contentType, "content-length": object.body.length, "last-modified": new Date().toUTCString() });
        res.end(req.method === "GET" ? object.body : undefined);
      } else if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? "";
        allowed("s3:ListBucket", `arn:aws:s3:::${bucket}`, { "s3:prefix": prefix });
        const max = Number(url.searchParams.get("max-keys") ?? 1000);
        const keys = [...objects.keys()]
          .filter((k) => k.startsWith(prefix))
          .sort()
          .slice(0, max);
        const contents = keys.map((k) => `<Contents><Key>${k}</Key><Size>${objects.get(k)!.body.length}</Size></Contents>`).join("");
        res.writeHead(200, { "content-type": "application/xml" });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
      } else {
        throw new S3Error(405, "MethodNotAllowed");
      }
    } catch (err) {
      const e = err instanceof S3Error ? err : new S3Error(500, "InternalError");
      refusals.push({ method: req.method ?? "", path: url.pathname, status: e.status, code: e.code });
      res.writeHead(e.status, { "content-type": "application/xml" });
      res.end(req.method === "HEAD" ? undefined : xml(e.code));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, objects, refusals, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
