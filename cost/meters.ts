/**
 * How each resource type of a plan is billed: the meters it runs, each as a
 * quantity a month of a price in cost/prices.json. Every type the program can
 * plan is listed here, as metered, usage-only (billed by use, with no
 * assumption to estimate it from: the reason says why it is left out) or free.
 * A type that is not listed fails the estimate, so nothing new goes unpriced
 * silently.
 */
import type { PlanResource } from "../plan/engine";
import type { Usage, Volumes } from "./usage";

export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export interface Line {
  /** What is billed, in words: "db.r6g.large, Multi-AZ (2 instances)". */
  what: string;
  /** The price's key and region in cost/prices.json. */
  key: string;
  region: string;
  /** Units a month. */
  quantity: number;
  /** Fixed: billed whether used or not; usage: from the usage assumptions. */
  kind: "fixed" | "usage";
}

export interface MeterContext {
  /** The region of the resource's provider. */
  region: string;
  plan: { resources: PlanResource[] };
  /** The usage assumptions and what they amount to; undefined prices fixed costs only. */
  usage?: { assumptions: Usage; volumes: Volumes };
}

type Meter = (resource: PlanResource, ctx: MeterContext) => Line[];
export type Billing = { meter: Meter } | { usageOnly: string } | { free: string };

const inputs = (r: PlanResource) => r.inputs as Record<string, any>;
const usageLines = (ctx: MeterContext, lines: (u: NonNullable<MeterContext["usage"]>) => Line[]) => (ctx.usage ? lines(ctx.usage) : []);

/** The function a resource names (`tms-prod-trips` → its plan resource). */
function lambdaNamed(ctx: MeterContext, name: string): PlanResource | undefined {
  return ctx.plan.resources.find((r) => r.type === "aws:lambda/function:Function" && inputs(r).name === name);
}
// Lambda's defaults: 128 MB, x86_64.
const memoryGb = (fn: PlanResource | undefined) => Number(fn?.inputs.memorySize ?? 128) / 1024;
const architecture = (fn: PlanResource | undefined) => String((fn?.inputs.architectures as string[] | undefined)?.[0] ?? "x86_64");

/** Invocations a month of every schedule in the plan: the jobs function's requests. */
const scheduledInvocations = (ctx: MeterContext) =>
  ctx.plan.resources
    .filter((r) => r.type === "aws:scheduler/schedule:Schedule")
    .reduce((sum, r) => sum + invocationsPerMonth(String(inputs(r).scheduleExpression)), 0);

/** Invocations a month of an EventBridge Scheduler expression: rate(N minutes|hours|days), or a cron (read as daily). */
export function invocationsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!rate) return 30;
  const every = Number(rate[1]) * (rate[2].startsWith("minute") ? 1 : rate[2].startsWith("hour") ? 60 : 1440);
  return Math.round((30 * 1440) / every);
}

const NAT_COUNT: Record<string, (azs: number) => number> = { None: () => 0, Single: () => 1, OnePerAz: (azs) => azs };

export const BILLING: Record<string, Billing> = {
  "aws:rds/instance:Instance": {
    meter: (r) => {
      const { instanceClass, multiAz, allocatedStorage, storageType } = inputs(r);
      const copies = multiAz ? 2 : 1;
      const az = multiAz ? "Multi-AZ (2 instances)" : "Single-AZ";
      return [
        { what: `${instanceClass}, ${az}`, key: `rds.instance:${instanceClass}`, region: "", quantity: HOURS_PER_MONTH * copies, kind: "fixed" },
        // Storage autoscaling's ceiling (maxAllocatedStorage) is not billed until the storage grows into it.
        {
          what: `${allocatedStorage} GB ${storageType}, ${az}`,
          key: `rds.storage.${storageType}`,
          region: "",
          quantity: Number(allocatedStorage) * copies,
          kind: "fixed",
        },
      ];
    },
  },
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": {
    meter: (_, ctx) => {
      const db = ctx.plan.resources.find((d) => d.type === "aws:rds/instance:Instance");
      const gb = Number(db ? inputs(db).allocatedStorage : 0);
      // A full copy of the database's storage in the other region, as an estimate of the replicated snapshots.
      return [{ what: `${gb} GB of replicated backups`, key: "rds.backup", region: "", quantity: gb, kind: "fixed" }];
    },
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    meter: (r) => {
      const { nodeType, numCacheClusters } = inputs(r);
      const nodes = Number(numCacheClusters ?? 1);
      return [{ what: `${nodes} × ${nodeType}`, key: `elasticache.node:${nodeType}`, region: "", quantity: HOURS_PER_MONTH * nodes, kind: "fixed" }];
    },
  },
  "awsx:ec2:Vpc": {
    meter: (r, ctx) => {
      const strategy = inputs(r).natGateways?.strategy ?? "OnePerAz";
      const azs = (inputs(r).availabilityZoneNames as string[] | undefined)?.length ?? Number(inputs(r).numberOfAvailabilityZones ?? 3);
      const nats = NAT_COUNT[strategy]?.(azs);
      if (nats === undefined) throw new Error(`no NAT gateway count for strategy ${strategy}`);
      if (nats === 0) return [];
      return [
        { what: `${nats} NAT gateway(s) (${strategy})`, key: "nat.hour", region: "", quantity: HOURS_PER_MONTH * nats, kind: "fixed" },
        ...usageLines(ctx, ({ assumptions }) => [
          { what: `${assumptions.natGbPerMonth} GB processed`, key: "nat.gb", region: "", quantity: assumptions.natGbPerMonth, kind: "usage" },
        ]),
      ];
    },
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    meter: (r) => {
      const type = inputs(r).vpcEndpointType ?? "Gateway";
      if (type === "Gateway") return [];
      const azs = (inputs(r).subnetIds as unknown[] | undefined)?.length ?? 1;
      return [{ what: `${type} endpoint in ${azs} AZ(s)`, key: `vpce.${type.toLowerCase()}.hour`, region: "", quantity: HOURS_PER_MONTH * azs, kind: "fixed" }];
    },
  },
  "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": {
    meter: (r, ctx) => {
      const fn = lambdaNamed(ctx, inputs(r).functionName);
      const concurrency = Number(inputs(r).provisionedConcurrentExecutions);
      return [
        {
          what: `${concurrency} warm × ${memoryGb(fn) * 1024} MB`,
          key: `lambda.provisioned.${architecture(fn)}`,
          region: "",
          quantity: concurrency * memoryGb(fn) * SECONDS_PER_MONTH,
          kind: "fixed",
        },
      ];
    },
  },
  "aws:lambda/function:Function": {
    meter: (r, ctx) =>
      usageLines(ctx, (u) => {
        const name = String(inputs(r).name ?? r.name);
        const role = name.split("-").pop()!;
        const requests = role === "jobs" ? scheduledInvocations(ctx) : (u.volumes.requests[role as keyof Volumes["requests"]] ?? 0);
        if (requests === 0) return [];
        const gbSeconds = requests * (u.assumptions.averageDurationMs / 1000) * memoryGb(r);
        const lines: Line[] = [
          { what: `${requests.toLocaleString("en-US")} requests`, key: "lambda.request", region: "", quantity: requests, kind: "usage" },
          {
            what: `${Math.round(gbSeconds).toLocaleString("en-US")} GB-s`,
            key: `lambda.gbSecond.${architecture(r)}`,
            region: "",
            quantity: gbSeconds,
            kind: "usage",
          },
        ];
        const maps = inputs(r).environment?.variables?.MAPS_PROVIDER === "amazon-location";
        if (maps && role === "maps") {
          lines.push({ what: "geocodes", key: "location.geocode", region: "", quantity: u.volumes.geocodes, kind: "usage" });
          lines.push({ what: "truck routes", key: "location.route", region: "", quantity: u.volumes.routes, kind: "usage" });
        }
        if (maps && role === "tracking") lines.push({ what: "snapped tracks", key: "location.snap", region: "", quantity: u.volumes.snaps, kind: "usage" });
        return lines;
      }),
  },
  "aws:apigatewayv2/api:Api": {
    meter: (_, ctx) =>
      usageLines(ctx, ({ volumes }) => [{ what: "HTTP API requests", key: "apigw.http.request", region: "", quantity: volumes.apiRequests, kind: "usage" }]),
  },
  "aws:kms/key:Key": { meter: () => [{ what: "a customer-managed key", key: "kms.key", region: "", quantity: 1, kind: "fixed" }] },
  "aws:secretsmanager/secret:Secret": {
    meter: (r) => [
      { what: "a secret", key: "secrets.secret", region: "", quantity: 1, kind: "fixed" },
      ...((inputs(r).replicas as { region: string }[] | undefined) ?? []).map((replica): Line => ({
        what: `its replica in ${replica.region}`,
        key: "secrets.secret",
        region: replica.region,
        quantity: 1,
        kind: "fixed",
      })),
    ],
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { meter: () => [{ what: "an alarm", key: "cloudwatch.alarm", region: "", quantity: 1, kind: "fixed" }] },
  "aws:cloudwatch/dashboard:Dashboard": { meter: () => [{ what: "a dashboard", key: "cloudwatch.dashboard", region: "global", quantity: 1, kind: "fixed" }] },
  "aws:cloudwatch/logGroup:LogGroup": {
    meter: (r, ctx) =>
      usageLines(ctx, ({ assumptions }) => {
        const groups = ctx.plan.resources.filter((g) => g.type === r.type).length;
        const gb = assumptions.logsGbPerMonth / groups;
        // Stored data grows to the retention's months of ingestion (at most a year in this estimate).
        const months = Math.min(Number(inputs(r).retentionInDays ?? 3653) / 30, 12);
        return [
          { what: `${gb.toFixed(2)} GB ingested`, key: "logs.ingest", region: "", quantity: gb, kind: "usage" },
          { what: `${(gb * months).toFixed(2)} GB stored`, key: "logs.storage", region: "", quantity: gb * months, kind: "usage" },
        ];
      }),
  },
  "aws:s3/bucket:Bucket": {
    meter: (r, ctx) =>
      usageLines(ctx, ({ volumes }) => {
        if (r.name === "documents-bucket")
          return [
            {
              what: `${volumes.documentGbStored.toFixed(1)} GB of documents`,
              key: "s3.storage",
              region: "",
              quantity: volumes.documentGbStored,
              kind: "usage",
            },
            { what: "uploads", key: "s3.put", region: "", quantity: volumes.documentPuts, kind: "usage" },
            { what: "downloads", key: "s3.get", region: "", quantity: volumes.documentGets, kind: "usage" },
          ];
        if (r.name === "documents-replica")
          return [
            {
              what: `${volumes.documentGbStored.toFixed(1)} GB of replicated documents`,
              key: "s3.storage",
              region: "",
              quantity: volumes.documentGbStored,
              kind: "usage",
            },
          ];
        // The SPA, its logs and the audit trail's bucket hold megabytes: below a cent.
        return [];
      }),
  },
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
    meter: (_, ctx) =>
      usageLines(ctx, ({ volumes }) => [
        {
          what: `${volumes.documentGbUploaded.toFixed(1)} GB copied to the replica`,
          key: "transfer.interRegion",
          region: "",
          quantity: volumes.documentGbUploaded,
          kind: "usage",
        },
      ]),
  },
  "aws:cloudfront/distribution:Distribution": {
    meter: (_, ctx) =>
      usageLines(ctx, ({ assumptions, volumes }) => [
        {
          what: `${assumptions.webGbPerMonth} GB to viewers in India`,
          key: "cloudfront.transfer.india",
          region: "global",
          quantity: assumptions.webGbPerMonth,
          kind: "usage",
        },
        {
          what: "HTTPS requests (the app and the API)",
          key: "cloudfront.request.https",
          region: "global",
          quantity: assumptions.webRequestsPerMonth + volumes.apiRequests,
          kind: "usage",
        },
      ]),
  },
  "aws:cloudfront/function:Function": {
    meter: (_, ctx) =>
      usageLines(ctx, ({ assumptions }) => [
        {
          what: "the SPA router, once per app request",
          key: "cloudfront.function",
          region: "global",
          quantity: assumptions.webRequestsPerMonth,
          kind: "usage",
        },
      ]),
  },
  "aws:wafv2/webAcl:WebAcl": {
    meter: (r, ctx) => {
      const rules = (inputs(r).rules as unknown[] | undefined)?.length ?? 0;
      return [
        { what: "a web ACL", key: "waf.acl", region: "global", quantity: 1, kind: "fixed" },
        { what: `${rules} rules and managed rule groups`, key: "waf.rule", region: "global", quantity: rules, kind: "fixed" },
        ...usageLines(ctx, ({ assumptions, volumes }) => [
          { what: "requests inspected", key: "waf.request", region: "global", quantity: assumptions.webRequestsPerMonth + volumes.apiRequests, kind: "usage" },
        ]),
      ];
    },
  },
  "aws:cognito/userPool:UserPool": {
    meter: (_, ctx) =>
      usageLines(ctx, ({ assumptions }) => [
        {
          what: `${assumptions.monthlyActiveUsers} monthly active users`,
          key: "cognito.mau",
          region: "",
          quantity: assumptions.monthlyActiveUsers,
          kind: "usage",
        },
      ]),
  },
  "aws:cognito/identityPool:IdentityPool": {
    meter: (_, ctx) =>
      usageLines(ctx, ({ volumes }) => [{ what: "map tiles for the web app", key: "location.tile", region: "", quantity: volumes.mapTiles, kind: "usage" }]),
  },
  "aws:cloudtrail/trail:Trail": {
    meter: (_, ctx) =>
      usageLines(ctx, ({ volumes }) => [
        { what: "document access events (data events)", key: "cloudtrail.dataEvent", region: "", quantity: volumes.documentDataEvents, kind: "usage" },
      ]),
  },
  "aws:scheduler/schedule:Schedule": {
    meter: (r) => [
      {
        what: `${inputs(r).scheduleExpression}`,
        key: "scheduler.invocation",
        region: "",
        quantity: invocationsPerMonth(String(inputs(r).scheduleExpression)),
        kind: "fixed",
      },
    ],
  },

  // Billed by use, with no assumption to estimate it from.
  "aws:ec2/flowLog:FlowLog": { usageOnly: "its log data is in the usage file's logsGbPerMonth, priced on the log group" },
  "aws:cloudwatch/logDelivery:LogDelivery": { usageOnly: "CloudFront's access logs, per GB delivered: about 0.5 KB per request, cents a month" },
  "aws:sns/topic:Topic": { usageOnly: "alarm notifications only: within SNS's monthly free requests" },
  "aws:sqs/queue:Queue": { usageOnly: "a dead-letter queue that stays empty when all is well: within SQS's monthly free requests" },
  "aws:lambda/invocation:Invocation": { usageOnly: "the migrations, once per deployment" },
  "aws:s3/bucketObjectv2:BucketObjectv2": { usageOnly: "the web app's files: a few MB in the SPA bucket" },
  "aws:route53/record:Record": { usageOnly: "alias records to CloudFront: their queries are free; the hosted zone is not this stack's" },

  // No charge of their own.
  ...Object.fromEntries(
    [
      "pulumi:pulumi:Stack",
      "pulumi:providers:aws",
      "random:index/randomId:RandomId",
      "random:index/randomPassword:RandomPassword",
      "aws:apigatewayv2/authorizer:Authorizer",
      "aws:apigatewayv2/integration:Integration",
      "aws:apigatewayv2/route:Route",
      "aws:apigatewayv2/stage:Stage",
      "aws:acm/certificate:Certificate",
      "aws:acm/certificateValidation:CertificateValidation",
      "aws:cloudfront/originAccessControl:OriginAccessControl",
      "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
      "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
      "aws:cloudwatch/logDeliverySource:LogDeliverySource",
      "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
      "aws:cognito/userGroup:UserGroup",
      "aws:cognito/userPoolClient:UserPoolClient",
      "aws:cognito/userPoolDomain:UserPoolDomain",
      "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "aws:elasticache/subnetGroup:SubnetGroup",
      "aws:rds/parameterGroup:ParameterGroup",
      "aws:rds/subnetGroup:SubnetGroup",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aws:kms/alias:Alias",
      "aws:lambda/alias:Alias",
      "aws:lambda/permission:Permission",
      "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketVersioning:BucketVersioning",
      "aws:scheduler/scheduleGroup:ScheduleGroup",
      "aws:secretsmanager/secretVersion:SecretVersion",
    ].map((type): [string, Billing] => [type, { free: "no charge of its own" }]),
  ),
};

/** How a type is billed: components (tms:*) are groupings, never billed themselves. */
export function billingOf(type: string): Billing | undefined {
  if (type.startsWith("tms:")) return { free: "a component: its resources are billed" };
  return BILLING[type];
}
