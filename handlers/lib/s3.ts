/** The documents bucket, as the upload flow uses it: presigned PUT/GET and a size/type check. */
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";

/** Every organisation's documents live under this prefix; the functions' role may touch nothing else. */
export const DOCUMENTS_PREFIX = "orgs/";

/** The key of a trip's document: organisation first, so IAM and listing can scope by prefix. */
export const documentKey = (orgId: string, tripId: string, documentId: string) => `${DOCUMENTS_PREFIX}${orgId}/trips/${tripId}/documents/${documentId}`;

export interface StoredObject {
  size: number;
  contentType: string;
}

export interface DocumentStorage {
  /** A URL that accepts exactly one PUT of this type and size (both are signed). */
  presignPut(key: string, contentType: string, size: number, ttlSeconds: number): Promise<string>;
  presignGet(key: string, ttlSeconds: number): Promise<string>;
  /** The object's size and type, or undefined when it is not there. */
  head(key: string): Promise<StoredObject | undefined>;
}

/**
 * The S3 client every presigning caller must use (the functions and the dev
 * server). Since SDK v3.729 checksums default to "when supported": a presigned
 * PutObject, which has no body when it is signed, then carries the CRC32 of an
 * empty body (`x-amz-checksum-crc32=AAAAAA==`), and S3 rejects every real
 * upload to it (aws/aws-sdk-js-v3#6994). "When required" signs only what the
 * browser sends: the content type and length.
 */
export async function documentsS3Client(config: S3ClientConfig = {}): Promise<S3Client> {
  const { S3Client } = await import("@aws-sdk/client-s3");
  return new S3Client({ requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED", ...config });
}

const statusOf = (err: any): number | undefined => err?.$metadata?.httpStatusCode;

export class S3DocumentStorage implements DocumentStorage {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client,
  ) {}

  static async create(bucket: string): Promise<S3DocumentStorage> {
    return new S3DocumentStorage(bucket, await documentsS3Client());
  }

  async presignPut(key: string, contentType: string, size: number, ttlSeconds: number) {
    const [{ PutObjectCommand }, { getSignedUrl }] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/s3-request-presigner")]);
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: size });
    return getSignedUrl(this.client, command, { expiresIn: ttlSeconds, signableHeaders: new Set(["content-type", "content-length"]) });
  }

  async presignGet(key: string, ttlSeconds: number) {
    const [{ GetObjectCommand }, { getSignedUrl }] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/s3-request-presigner")]);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: ttlSeconds });
  }

  /**
   * HeadObject of a missing key is a 404 only when S3 counts the caller as
   * allowed to list the bucket; otherwise it is a 403. The role may list only
   * under `orgs/` (an `s3:prefix` condition), and AWS does not say that such a
   * conditional grant counts for HeadObject, so a 403 is settled by listing the
   * key's own prefix, which that condition does allow.
   */
  async head(key: string) {
    const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: result.ContentLength ?? 0, contentType: result.ContentType ?? "" };
    } catch (err: any) {
      if (statusOf(err) === 404 || err?.name === "NotFound") return undefined;
      if (statusOf(err) === 403 && !(await this.listed(key))) return undefined;
      throw err;
    }
  }

  private async listed(key: string): Promise<boolean> {
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }));
    return (page.Contents ?? []).some((object) => object.Key === key);
  }
}
