import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { ARCHIVE_STORAGE_CLASS, DOCUMENT_LIFECYCLE_DEFAULTS, REPLICA_STORAGE_CLASS, lifecycleProblems } from "../rules/storage";
import { InvalidArgsError, PolicyStatement, awsContext, createKey, keyPolicy, policyDocument, serviceTrustPolicy } from "./common";
import { createSecureBucket } from "./secure-bucket";

export interface DocumentStoreArgs {
  /** Prefix of every physical name. @example "tms-prod" */
  namePrefix: string;
  /**
   * Lifecycle of documents; the defaults are the reference's rules ("Glacier"
   * is Glacier Instant Retrieval: documents stay readable through presigned links).
   * @default { intelligentTieringAfterDays: 0, glacierAfterDays: 90, noncurrentVersionExpirationDays: 30, abortIncompleteUploadAfterDays: 7, replicaNoncurrentVersionExpirationDays: 90 }
   */
  lifecycle?: Partial<typeof DOCUMENT_LIFECYCLE_DEFAULTS>;
  /**
   * A cross-region copy of every document for disaster recovery, through a
   * provider for that region. Keep it in India (ap-south-2) for data residency.
   */
  replica?: {
    /** @example "ap-south-2" */
    region: string;
    /** An aws provider for `region`. */
    provider: aws.Provider;
  };
  /**
   * Record who read or wrote which document: CloudTrail data events for the
   * bucket's objects (reads and writes, every presigned URL included), in a
   * trail of their own with log-file validation, delivered to a KMS-encrypted
   * log bucket that keeps them `retentionDays`. CloudTrail rather than S3
   * server access logs: delivery is reliable instead of best-effort, the files
   * are tamper-evident, and it writes to a KMS-encrypted bucket as the policy
   * pack requires of every bucket. Billed per event. Omit for none.
   * @example { retentionDays: 365 }
   */
  accessAudit?: { retentionDays: number };
  /**
   * Protect the buckets and keys from `pulumi destroy` and keep them if removed from the program.
   * @default false
   */
  protect?: boolean;
}

type Normalized = DocumentStoreArgs & { lifecycle: typeof DOCUMENT_LIFECYCLE_DEFAULTS; protect: boolean };

/**
 * The documents bucket of the reference's upload flow: private, versioned,
 * SSE-KMS with its own key, TLS only, lifecycle to Intelligent-Tiering and
 * Glacier, and an optional replica in another Indian region.
 */
export class DocumentStore extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly replicaBucketName?: pulumi.Output<string>;
  public readonly replicaBucketArn?: pulumi.Output<string>;
  private readonly bucket: aws.s3.Bucket;
  private readonly namePrefix: string;

  constructor(name: string, args: DocumentStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:storage:DocumentStore", name, {}, opts);
    // The replica's region is checked where the home region is known (the stack config): here it is an Output.
    const problems = lifecycleProblems(args.lifecycle).map((p) => ({ ...p, path: ["lifecycle", ...p.path] }));
    if (problems.length > 0) throw new InvalidArgsError("tms:storage:DocumentStore", problems);
    const a: Normalized = { ...args, lifecycle: { ...DOCUMENT_LIFECYCLE_DEFAULTS, ...args.lifecycle }, protect: args.protect ?? false };
    this.namePrefix = a.namePrefix;
    const stateful = { parent: this, protect: a.protect, retainOnDelete: a.protect };
    const { accountId, region } = awsContext(this);

    const key = createKey(`${name}-key`, { description: `${a.namePrefix} documents bucket`, alias: `${a.namePrefix}-documents` }, stateful);

    const documents = createSecureBucket(
      `${name}-bucket`,
      { bucket: pulumi.interpolate`${a.namePrefix}-documents-${accountId}`, kmsKeyArn: key.arn },
      stateful,
    );
    this.bucket = documents.bucket;
    this.createLifecycle(`${name}-bucket`, a.lifecycle, documents.bucket, documents.versioning!, a.lifecycle.noncurrentVersionExpirationDays);

    this.bucketName = documents.bucket.bucket;
    this.bucketArn = documents.bucket.arn;
    this.kmsKeyArn = key.arn;

    if (a.accessAudit) this.createAccessAudit(name, a, a.accessAudit, documents.bucket, accountId, region);

    if (a.replica) {
      const replica = this.createReplica(name, a, a.replica, documents.bucket, documents.versioning!, key, accountId, region);
      this.replicaBucketName = replica.bucket;
      this.replicaBucketArn = replica.arn;
    }

    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      replicaBucketName: this.replicaBucketName,
      replicaBucketArn: this.replicaBucketArn,
    });
  }

  /**
   * Lets browsers on these origins PUT and GET documents with presigned URLs.
   * A method, not an arg, because the site's origin (the Edge) is created after
   * the API that needs this bucket.
   */
  public allowBrowserUploads(origins: pulumi.Input<string>[]): aws.s3.BucketCorsConfiguration {
    return new aws.s3.BucketCorsConfiguration(
      `${this.namePrefix}-documents-cors`,
      {
        bucket: this.bucket.id,
        corsRules: [
          {
            allowedMethods: ["PUT", "GET", "HEAD"],
            allowedOrigins: origins,
            allowedHeaders: ["content-type", "content-length", "content-md5", "x-amz-*"],
            exposeHeaders: ["ETag"],
            maxAgeSeconds: 3600,
          },
        ],
      },
      { parent: this },
    );
  }

  /** The same rules on the documents bucket and its replica; the replica keeps old versions longer. */
  private createLifecycle(
    name: string,
    l: typeof DOCUMENT_LIFECYCLE_DEFAULTS,
    bucket: aws.s3.Bucket,
    versioning: aws.s3.BucketVersioning,
    noncurrentDays: number,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    return new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "tiering-and-archive",
            status: "Enabled",
            filter: {},
            transitions: [
              { days: l.intelligentTieringAfterDays, storageClass: "INTELLIGENT_TIERING" },
              { days: l.glacierAfterDays, storageClass: ARCHIVE_STORAGE_CLASS },
            ],
          },
          {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays },
            expiration: { expiredObjectDeleteMarker: true },
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: l.abortIncompleteUploadAfterDays },
          },
        ],
      },
      // Noncurrent-version rules need versioning in place first.
      { parent: this, ...opts, dependsOn: [versioning] },
    );
  }

  /** CloudTrail data events for every object of the documents bucket, in a trail and log bucket of their own. */
  private createAccessAudit(
    name: string,
    a: Normalized,
    audit: NonNullable<DocumentStoreArgs["accessAudit"]>,
    documents: aws.s3.Bucket,
    accountId: pulumi.Output<string>,
    region: pulumi.Output<string>,
  ) {
    const trailName = `${a.namePrefix}-documents-access`;
    const trailArn = pulumi.interpolate`arn:aws:cloudtrail:${region}:${accountId}:trail/${trailName}`;
    const key = createKey(
      `${name}-audit-key`,
      {
        description: `${a.namePrefix} document access audit (CloudTrail)`,
        alias: `${a.namePrefix}-documents-audit`,
        policy: keyPolicy(this, (account) =>
          trailArn.apply((arn): PolicyStatement[] => [
            {
              Sid: "CloudTrailEncryptsThisTrail",
              Effect: "Allow",
              Principal: { Service: "cloudtrail.amazonaws.com" },
              Action: "kms:GenerateDataKey*",
              Resource: "*",
              Condition: {
                StringEquals: { "aws:SourceArn": arn },
                StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
              },
            },
            { Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*" },
          ]),
        ),
      },
      { parent: this, protect: a.protect, retainOnDelete: a.protect },
    );
    const logs = createSecureBucket(
      `${name}-audit`,
      {
        bucket: pulumi.interpolate`${a.namePrefix}-documents-audit-${accountId}`,
        kmsKeyArn: key.arn,
        extraPolicyStatements: (bucketArn) =>
          pulumi.all([trailArn, accountId]).apply(([arn, account]): PolicyStatement[] => [
            {
              Sid: "CloudTrailChecksAcl",
              Effect: "Allow",
              Principal: { Service: "cloudtrail.amazonaws.com" },
              Action: "s3:GetBucketAcl",
              Resource: bucketArn,
              Condition: { StringEquals: { "aws:SourceArn": arn } },
            },
            {
              Sid: "CloudTrailWrites",
              Effect: "Allow",
              Principal: { Service: "cloudtrail.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: `${bucketArn}/AWSLogs/${account}/*`,
              Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": arn } },
            },
          ]),
      },
      { parent: this, protect: a.protect, retainOnDelete: a.protect },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-audit`,
      {
        bucket: logs.bucket.id,
        rules: [
          {
            id: "expire-audit-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: audit.retentionDays },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
          },
        ],
      },
      { parent: this, dependsOn: logs.versioning ? [logs.versioning] : [] },
    );
    return new aws.cloudtrail.Trail(
      `${name}-access`,
      {
        name: trailName,
        s3BucketName: logs.bucket.bucket,
        kmsKeyId: key.arn,
        enableLogFileValidation: true,
        includeGlobalServiceEvents: false,
        isMultiRegionTrail: false,
        // Data events only (no management events): every read and write of a document.
        advancedEventSelectors: [
          {
            name: "Every read and write of a document",
            fieldSelectors: [
              { field: "eventCategory", equals: ["Data"] },
              { field: "resources.type", equals: ["AWS::S3::Object"] },
              { field: "resources.ARN", startsWiths: [pulumi.interpolate`${documents.arn}/`] },
            ],
          },
        ],
      },
      // CloudTrail checks it may write before it creates the trail.
      { parent: this, dependsOn: [logs.policy, key] },
    );
  }

  private createReplica(
    name: string,
    a: Normalized,
    replica: NonNullable<DocumentStoreArgs["replica"]>,
    source: aws.s3.Bucket,
    sourceVersioning: aws.s3.BucketVersioning,
    sourceKey: aws.kms.Key,
    accountId: pulumi.Output<string>,
    homeRegion: pulumi.Output<string>,
  ) {
    const inReplicaRegion = { parent: this, provider: replica.provider };
    const replicaKey = createKey(
      `${name}-replica-key`,
      { description: `${a.namePrefix} documents replica (${replica.region})`, alias: `${a.namePrefix}-documents-replica` },
      { ...inReplicaRegion, protect: a.protect, retainOnDelete: a.protect },
    );
    const target = createSecureBucket(
      `${name}-replica`,
      { bucket: pulumi.interpolate`${a.namePrefix}-documents-replica-${accountId}`, kmsKeyArn: replicaKey.arn },
      { ...inReplicaRegion, protect: a.protect, retainOnDelete: a.protect },
    );
    this.createLifecycle(`${name}-replica`, a.lifecycle, target.bucket, target.versioning!, a.lifecycle.replicaNoncurrentVersionExpirationDays, {
      provider: replica.provider,
    });

    const role = new aws.iam.Role(
      `${name}-replication`,
      {
        name: `${a.namePrefix}-documents-replication`,
        description: "Lets S3 replicate the documents bucket to its replica, and nothing else",
        assumeRolePolicy: serviceTrustPolicy("s3.amazonaws.com", accountId),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-replication`,
      {
        name: "replicate-documents",
        role: role.name,
        policy: pulumi
          .all([source.arn, target.bucket.arn, sourceKey.arn, replicaKey.arn, homeRegion])
          .apply(([sourceArn, replicaArn, sourceKeyArn, replicaKeyArn, home]) =>
            policyDocument([
              { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: sourceArn },
              {
                Sid: "ReadSourceVersions",
                Effect: "Allow",
                Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                Resource: `${sourceArn}/*`,
              },
              { Sid: "WriteReplica", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: `${replicaArn}/*` },
              {
                Sid: "DecryptSource",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: sourceKeyArn,
                Condition: { StringLike: { "kms:ViaService": `s3.${home}.amazonaws.com` } },
              },
              {
                Sid: "EncryptReplica",
                Effect: "Allow",
                Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                Resource: replicaKeyArn,
                Condition: { StringLike: { "kms:ViaService": `s3.${replica.region}.amazonaws.com` } },
              },
            ]),
          ),
      },
      { parent: this },
    );
    new aws.s3.BucketReplicationConfig(
      `${name}-bucket`,
      {
        bucket: source.id,
        role: role.arn,
        rules: [
          {
            id: "replicate-everything",
            status: "Enabled",
            priority: 1,
            filter: {},
            deleteMarkerReplication: { status: "Enabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: { bucket: target.bucket.arn, storageClass: REPLICA_STORAGE_CLASS, encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn } },
          },
        ],
      },
      // Replication requires versioning on both buckets.
      { parent: this, dependsOn: [sourceVersioning, target.versioning!] },
    );
    return target.bucket;
  }
}
