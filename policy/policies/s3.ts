/**
 * S3. Provider v7 splits a bucket's settings into companion resources, so
 * these are stack policies that find each bucket's companions through the
 * engine's dependency links. Plain and `…V2` types are both covered.
 */
import type { PolicyResource } from "@pulumi/policy";
import { TmsPolicy, asArray, companionsOf, ofType, rawProps, stackPolicy, statementsOf } from "./define";

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const withV2 = (name: string) => [`aws:s3/${name}:${name[0].toUpperCase()}${name.slice(1)}`, `aws:s3/${name}V2:${name[0].toUpperCase()}${name.slice(1)}V2`];
const PUBLIC_ACCESS_BLOCKS = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"];
const ENCRYPTION = withV2("bucketServerSideEncryptionConfiguration");
const VERSIONING = withV2("bucketVersioning");
const OWNERSHIP = ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"];
const BUCKET_POLICIES = ["aws:s3/bucketPolicy:BucketPolicy"];
const ACLS = withV2("bucketAcl");

const label = (bucket: PolicyResource) => {
  const raw = rawProps(bucket);
  return typeof raw.bucket === "string" ? `bucket ${raw.bucket} (${bucket.name})` : `bucket ${bucket.name}`;
};

/** For each bucket in the stack, its companions of `types` linked through their `bucket` input. */
function eachBucket(
  resources: PolicyResource[],
  types: string[],
  check: (bucket: PolicyResource, companions: PolicyResource[]) => string | undefined,
  report: (m: string, r?: PolicyResource) => void,
) {
  const candidates = ofType(resources, ...types);
  for (const bucket of ofType(resources, ...BUCKETS)) {
    const problem = check(bucket, companionsOf(bucket, candidates, "bucket"));
    if (problem) report(`${label(bucket)}: ${problem}`, bucket);
  }
}

/** A Deny of every request without TLS, on the bucket and its objects, for everyone. */
function deniesInsecureTransport(policy: unknown): boolean {
  return statementsOf(policy).some((s) => {
    const principalAll = s.Principal === "*" || asArray((s.Principal as Record<string, unknown> | undefined)?.AWS).includes("*");
    const actions = asArray(s.Action);
    const condition = s.Condition?.Bool?.["aws:SecureTransport"];
    return (
      s.Effect === "Deny" &&
      principalAll &&
      (actions.includes("s3:*") || actions.includes("*")) &&
      String(condition) === "false" &&
      asArray(s.Resource).some((r) => r.endsWith("/*"))
    );
  });
}

export const s3Policies: TmsPolicy[] = [
  stackPolicy({
    name: "s3-public-access-blocked",
    description: "Every S3 bucket blocks public access with all four settings.",
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "S3.8",
    remediation:
      "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    validate: (resources, report) =>
      eachBucket(
        resources,
        PUBLIC_ACCESS_BLOCKS,
        (_, blocks) => {
          if (blocks.length === 0) return "has no public access block";
          const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
          const off = flags.filter((flag) => !blocks.some((b) => b.props[flag] === true));
          return off.length > 0 ? `public access block leaves ${off.join(", ")} off` : undefined;
        },
        report,
      ),
  }),
  stackPolicy({
    name: "s3-kms-encryption",
    description: "Every S3 bucket encrypts objects by default with AWS KMS.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "S3.17",
    remediation: "Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (and a customer key, bucketKeyEnabled true).",
    validate: (resources, report) =>
      eachBucket(
        resources,
        ENCRYPTION,
        (_, configs) => {
          if (configs.length === 0) return "has no default encryption configuration";
          const algorithms = configs.flatMap((c) => asArray(c.props.rules).map((rule: any) => rule?.applyServerSideEncryptionByDefault?.sseAlgorithm));
          return algorithms.some((a) => a === "aws:kms" || a === "aws:kms:dsse")
            ? undefined
            : `encrypts with ${algorithms.join(", ") || "nothing"}, not aws:kms`;
        },
        report,
      ),
  }),
  stackPolicy({
    name: "s3-tls-only",
    description: "Every S3 bucket policy denies requests that do not use TLS.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "S3.5",
    remediation: 'Add an aws.s3.BucketPolicy with a Deny of "s3:*" for Principal "*" on the bucket and bucket/* when aws:SecureTransport is false.',
    validate: (resources, report) =>
      eachBucket(
        resources,
        BUCKET_POLICIES,
        (_, policies) =>
          policies.some((p) => deniesInsecureTransport(p.props.policy)) ? undefined : "no bucket policy denies non-TLS requests (aws:SecureTransport)",
        report,
      ),
  }),
  stackPolicy({
    name: "s3-ownership-enforced",
    description: "Every S3 bucket disables ACLs (object ownership BucketOwnerEnforced).",
    enforcementLevel: "mandatory",
    severity: "medium",
    fsbp: "S3.12",
    remediation: 'Add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced" and remove any aws.s3.BucketAcl.',
    validate: (resources, report) => {
      eachBucket(
        resources,
        OWNERSHIP,
        (_, controls) =>
          controls.some((c) => c.props.rule?.objectOwnership === "BucketOwnerEnforced")
            ? undefined
            : "ACLs are not disabled (objectOwnership BucketOwnerEnforced)",
        report,
      );
      eachBucket(resources, ACLS, (_, acls) => (acls.length > 0 ? "manages access with an ACL" : undefined), report);
    },
  }),
  stackPolicy<{ bucketPatterns: string[] }>({
    name: "s3-versioning-enabled",
    description: "Buckets that hold business data keep every version of their objects.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "S3.14",
    remediation: 'Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".',
    config: {
      bucketPatterns: {
        type: "array",
        items: { type: "string" },
        default: ["documents"],
        description: "Regular expressions; a bucket whose logical or physical name matches one must be versioned.",
      },
    },
    validate: (resources, report, { config }) => {
      const patterns = config.bucketPatterns.map((p) => new RegExp(p));
      const versioned = ofType(resources, ...VERSIONING);
      for (const bucket of ofType(resources, ...BUCKETS)) {
        const names = [bucket.name, rawProps(bucket).bucket, rawProps(bucket).bucketPrefix].filter((n) => typeof n === "string");
        if (!patterns.some((p) => names.some((n) => p.test(n)))) continue;
        const enabled = companionsOf(bucket, versioned, "bucket").some((v) => v.props.versioningConfiguration?.status === "Enabled");
        if (!enabled) report(`${label(bucket)}: versioning is not enabled`, bucket);
      }
    },
  }),
  stackPolicy<{ bucketPatterns: string[] }>({
    name: "s3-object-access-audited",
    description: "Buckets of business documents record who read and wrote each object.",
    enforcementLevel: "advisory",
    severity: "medium",
    // And S3.23 (reads), which the same selector covers.
    fsbp: "S3.22",
    remediation:
      "Add an aws.cloudtrail.Trail with an advanced event selector for data events (eventCategory Data, resources.type AWS::S3::Object, resources.ARN startsWith the bucket's ARN), or an aws.s3.BucketLogging for server access logs.",
    config: {
      bucketPatterns: {
        type: "array",
        items: { type: "string" },
        default: ["^documents-bucket$", "-documents-\\d{12}$"],
        description: "Regular expressions; a bucket whose logical or physical name matches one must have its object access recorded.",
      },
    },
    validate: (resources, report, { config }) => {
      const patterns = config.bucketPatterns.map((p) => new RegExp(p));
      const trails = ofType(resources, "aws:cloudtrail/trail:Trail").filter((t) => rawProps(t).enableLogging !== false);
      const accessLogs = ofType(resources, ...withV2("bucketLogging"));
      for (const bucket of ofType(resources, ...BUCKETS)) {
        const names = [bucket.name, rawProps(bucket).bucket].filter((n): n is string => typeof n === "string");
        if (!patterns.some((p) => names.some((n) => p.test(n)))) continue;
        const physical = rawProps(bucket).bucket;
        const audited =
          companionsOf(bucket, accessLogs, "bucket").length > 0 ||
          trails.some((trail) => recordsObjectsOf(trail, bucket.urn, typeof physical === "string" ? `arn:aws:s3:::${physical}/` : undefined));
        if (!audited)
          report(`${label(bucket)}: nothing records who reads or writes its objects (no CloudTrail data events for them, no server access logs)`, bucket);
      }
    },
  }),
];

/**
 * Whether a trail logs every read and write of the bucket's objects: an
 * advanced selector for S3 object data events, not narrowed to reads or
 * writes, whose ARN prefix is the bucket's (by dependency at preview, when the
 * ARN is unknown, or by value).
 */
function recordsObjectsOf(trail: PolicyResource, bucketUrn: string, arnPrefix: string | undefined): boolean {
  const linked = asArray(trail.propertyDependencies.advancedEventSelectors).some((d) => d.urn === bucketUrn);
  return asArray(rawProps(trail).advancedEventSelectors as { fieldSelectors?: { field?: string; equals?: string[]; startsWiths?: unknown[] }[] }[]).some(
    (selector) => {
      const fields = asArray(selector.fieldSelectors);
      const has = (field: string, value: string) => fields.some((f) => f.field === field && asArray(f.equals).includes(value));
      const narrowed = fields.some((f) => f.field === "readOnly");
      const arns = fields.filter((f) => f.field === "resources.ARN").flatMap((f) => asArray(f.startsWiths));
      // An ARN unknown at preview is judged by the dependency the engine records.
      const forBucket = arns.some((a) => (typeof a === "string" && a.startsWith("arn:") ? arnPrefix !== undefined && a.startsWith(arnPrefix) : linked));
      return has("eventCategory", "Data") && has("resources.type", "AWS::S3::Object") && !narrowed && forBucket;
    },
  );
}
