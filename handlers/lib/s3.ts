/** The documents bucket, as the upload flow uses it: presigned PUT/GET and a size/type check. */
import type { S3Client } from "@aws-sdk/client-s3";

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

export class S3DocumentStorage implements DocumentStorage {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client,
  ) {}

  static async create(bucket: string): Promise<S3DocumentStorage> {
    const { S3Client } = await import("@aws-sdk/client-s3");
    return new S3DocumentStorage(bucket, new S3Client({}));
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

  async head(key: string) {
    const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: result.ContentLength ?? 0, contentType: result.ContentType ?? "" };
    } catch (err: any) {
      if (err?.$metadata?.httpStatusCode === 404 || err?.name === "NotFound") return undefined;
      throw err;
    }
  }
}
