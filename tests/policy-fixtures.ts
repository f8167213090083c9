/**
 * Small hand-built plans for the policy tests: resources linked the way the
 * engine links them (property dependencies), so stack policies see the same
 * shape they see in a real preview.
 */
import type { PlanResource } from "../plan/engine";
import { evaluatePack, resolvePackConfig, TMS_PACK } from "../policy/evaluate";
import type { PolicyReport } from "../plan/report";

export function res(
  type: string,
  name: string,
  inputs: Record<string, any> = {},
  links: { parent?: PlanResource; props?: Record<string, PlanResource[]>; deps?: PlanResource[] } = {},
): PlanResource {
  const propertyDependencies = Object.fromEntries(Object.entries(links.props ?? {}).map(([k, rs]) => [k, rs.map((r) => r.urn)]));
  const qualified = links.parent && links.parent.type !== "pulumi:pulumi:Stack" ? `${links.parent.urn.split("::")[2]}$${type}` : type;
  return {
    urn: `urn:pulumi:test::tms::${qualified}::${name}`,
    type,
    name,
    id: "",
    parent: links.parent?.urn ?? null,
    custom: type.startsWith("aws:"),
    provider: "",
    dependencies: [...new Set([...Object.values(propertyDependencies).flat(), ...(links.deps ?? []).map((d) => d.urn)])],
    propertyDependencies,
    inputs,
  };
}

export async function evaluate(resources: PlanResource[], config: unknown = {}): Promise<PolicyReport> {
  return evaluatePack(TMS_PACK, resources, resolvePackConfig(TMS_PACK, config));
}

export const policy = (s: string) => JSON.stringify({ Version: "2012-10-17", Statement: s ? JSON.parse(s) : [] });

/** A bucket with every companion a compliant bucket needs; `omit` leaves some out, `override` replaces inputs. */
export function bucketWith(options: { omit?: string[]; override?: Record<string, Record<string, any>>; name?: string; v2?: boolean } = {}): PlanResource[] {
  const name = options.name ?? "tms-prod-documents-abc";
  const bucket = res(options.v2 ? "aws:s3/bucketV2:BucketV2" : "aws:s3/bucket:Bucket", name, { bucket: name });
  const on = { bucket: [bucket] };
  const companions: Record<string, PlanResource> = {
    publicAccessBlock: res(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      `${name}-pab`,
      {
        bucket: name,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { props: on },
    ),
    encryption: res(
      `aws:s3/bucketServerSideEncryptionConfiguration${options.v2 ? "V2" : ""}:BucketServerSideEncryptionConfiguration${options.v2 ? "V2" : ""}`,
      `${name}-sse`,
      {
        bucket: name,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:ap-south-1:1:key/k" }, bucketKeyEnabled: true }],
      },
      { props: on },
    ),
    policy: res(
      "aws:s3/bucketPolicy:BucketPolicy",
      `${name}-policy`,
      {
        bucket: name,
        policy: policy(
          JSON.stringify([
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ]),
        ),
      },
      { props: on },
    ),
    ownership: res(
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      `${name}-ownership`,
      { bucket: name, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { props: on },
    ),
    versioning: res(
      `aws:s3/bucketVersioning${options.v2 ? "V2" : ""}:BucketVersioning${options.v2 ? "V2" : ""}`,
      `${name}-versioning`,
      {
        bucket: name,
        versioningConfiguration: { status: "Enabled" },
      },
      { props: on },
    ),
  };
  for (const [key, inputs] of Object.entries(options.override ?? {}))
    companions[key] = { ...companions[key], inputs: { ...companions[key].inputs, ...inputs } };
  return [
    bucket,
    ...Object.entries(companions)
      .filter(([key]) => !options.omit?.includes(key))
      .map(([, r]) => r),
  ];
}

export const compliantDb = (inputs: Record<string, any> = {}) => {
  const params = res("aws:rds/parameterGroup:ParameterGroup", "db-params", { family: "postgres15", parameters: [{ name: "rds.force_ssl", value: "1" }] });
  const db = res(
    "aws:rds/instance:Instance",
    "db",
    {
      engine: "postgres",
      storageEncrypted: true,
      kmsKeyId: "arn:aws:kms:ap-south-1:1:key/k",
      publiclyAccessible: false,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: "arn:aws:kms:ap-south-1:1:key/k",
      backupRetentionPeriod: 30,
      multiAz: true,
      deletionProtection: true,
      iamDatabaseAuthenticationEnabled: true,
      parameterGroupName: "tms-prod-db-params",
      ...inputs,
    },
    { props: { parameterGroupName: [params] } },
  );
  return [params, db];
};

export const compliantRedis = (inputs: Record<string, any> = {}) =>
  res("aws:elasticache/replicationGroup:ReplicationGroup", "redis", {
    atRestEncryptionEnabled: "true",
    transitEncryptionEnabled: true,
    transitEncryptionMode: "required",
    authToken: "[secret]",
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    ...inputs,
  });

export const compliantFunction = (inputs: Record<string, any> = {}) => {
  const logs = res("aws:cloudwatch/logGroup:LogGroup", "trips-logs", { name: "/aws/lambda/tms-prod-trips", retentionInDays: 30 });
  const fn = res(
    "aws:lambda/function:Function",
    "trips",
    {
      name: "tms-prod-trips",
      runtime: "nodejs22.x",
      vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "JSON", logGroup: "/aws/lambda/tms-prod-trips" },
      ...inputs,
    },
    { props: { loggingConfig: [logs] } },
  );
  return [logs, fn];
};

export const compliantDistribution = (inputs: Record<string, any> = {}) =>
  res("aws:cloudfront/distribution:Distribution", "cdn", {
    defaultRootObject: "index.html",
    webAclId: "arn:aws:wafv2:us-east-1:1:global/webacl/x",
    loggingConfig: { bucket: "logs.s3.amazonaws.com" },
    origins: [
      { originId: "spa", domainName: "spa.s3.ap-south-1.amazonaws.com", originAccessControlId: "oac-1" },
      {
        originId: "api",
        domainName: "abc.execute-api.ap-south-1.amazonaws.com",
        customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], httpPort: 80, httpsPort: 443 },
      },
    ],
    defaultCacheBehavior: { targetOriginId: "spa", viewerProtocolPolicy: "redirect-to-https" },
    orderedCacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "api", viewerProtocolPolicy: "https-only" }],
    viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/c", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
    ...inputs,
  });

/** A VPC (as the awsx component, the way the offline plan sees it) with its flow log and locked default group. */
export function vpcWith(options: { omit?: string[]; defaultSgInputs?: Record<string, any>; engineShape?: boolean } = {}): PlanResource[] {
  const component = res("awsx:ec2:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
  // Under the engine, awsx's children are visible: the aws:ec2/vpc:Vpc sits under the component.
  const inner = options.engineShape ? [res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }, { parent: component })] : [];
  const on = { vpcId: [component] };
  const parts: Record<string, PlanResource> = {
    defaultSg: res(
      "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      "default-sg",
      { vpcId: "vpc-1", ingress: [], egress: [], ...options.defaultSgInputs },
      { props: on },
    ),
    flowLog: res("aws:ec2/flowLog:FlowLog", "flow-log", { vpcId: "vpc-1", trafficType: "ALL" }, { props: on }),
  };
  return [
    component,
    ...inner,
    ...Object.entries(parts)
      .filter(([k]) => !options.omit?.includes(k))
      .map(([, r]) => r),
  ];
}
