/**
 * A private S3 bucket with every guardrail the policy pack demands: all four
 * public-access blocks, ACLs disabled, default SSE-KMS with a bucket key,
 * versioning, and a bucket policy that denies requests without TLS. Used by
 * the components that own buckets; not a component itself.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, policyDocument } from "./common";

export interface SecureBucketArgs {
  /** The bucket's globally unique name. */
  bucket: pulumi.Input<string>;
  /** Customer-managed key for default encryption. */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * Keep every version of every object.
   * @default true
   */
  versioning?: boolean;
  /**
   * Statements added to the bucket policy after the TLS-only denial, built from the bucket's ARN.
   */
  extraPolicyStatements?: (bucketArn: string) => pulumi.Input<PolicyStatement[]>;
}

export interface SecureBucket {
  bucket: aws.s3.Bucket;
  versioning?: aws.s3.BucketVersioning;
  policy: aws.s3.BucketPolicy;
}

/** `opts` applies to the bucket itself (e.g. protect); companions are children of `opts.parent`. */
export function createSecureBucket(name: string, args: SecureBucketArgs, opts: pulumi.CustomResourceOptions): SecureBucket {
  const child: pulumi.CustomResourceOptions = { parent: opts.parent, provider: opts.provider };
  const bucket = new aws.s3.Bucket(name, { bucket: args.bucket, forceDestroy: false }, opts);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    name,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    child,
  );
  new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }],
    },
    child,
  );
  const versioning =
    args.versioning === false ? undefined : new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
  const policy = new aws.s3.BucketPolicy(
    name,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) =>
        pulumi.output(args.extraPolicyStatements?.(arn) ?? []).apply((extra) =>
          policyDocument([
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [arn, `${arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            ...(extra as PolicyStatement[]),
          ]),
        ),
      ),
    },
    // A bucket policy put before the public-access block can be rejected as public.
    { ...child, dependsOn: [publicAccess] },
  );
  return { bucket, versioning, policy };
}
