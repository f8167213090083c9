/**
 * Runs the whole composition for a stack against the mock engine and answers
 * questions about what it registered. Thin on purpose: the engine itself lives
 * in plan/engine.ts and is shared with `npm run plan`.
 */
import { ConfigOverrides, PlanResource, ProgramRun, ResourceOptions, RunOptions, runProgram } from "../plan/engine";
import { providerUrnOf } from "../plan/report";
import { JsonValue } from "../plan/serialize";

export { PlanResource };

/** The resource types the suites look up, by a short name: one map for every suite. */
export const T = {
  alias: "aws:lambda/alias:Alias",
  authorizer: "aws:apigatewayv2/authorizer:Authorizer",
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  cacheSubnets: "aws:elasticache/subnetGroup:SubnetGroup",
  cert: "aws:acm/certificate:Certificate",
  client: "aws:cognito/userPoolClient:UserPoolClient",
  cloudfrontFunction: "aws:cloudfront/function:Function",
  cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  db: "aws:rds/instance:Instance",
  dbSubnets: "aws:rds/subnetGroup:SubnetGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  distribution: "aws:cloudfront/distribution:Distribution",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  flowLog: "aws:ec2/flowLog:FlowLog",
  fn: "aws:lambda/function:Function",
  group: "aws:cognito/userGroup:UserGroup",
  headers: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  integration: "aws:apigatewayv2/integration:Integration",
  invocation: "aws:lambda/invocation:Invocation",
  key: "aws:kms/key:Key",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  logDestination: "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  logSource: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
  oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
  object: "aws:s3/bucketObjectv2:BucketObjectv2",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  params: "aws:rds/parameterGroup:ParameterGroup",
  password: "random:index/randomPassword:RandomPassword",
  permission: "aws:lambda/permission:Permission",
  pool: "aws:cognito/userPool:UserPool",
  provisioned: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  queue: "aws:sqs/queue:Queue",
  record: "aws:route53/record:Record",
  redis: "aws:elasticache/replicationGroup:ReplicationGroup",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  route: "aws:apigatewayv2/route:Route",
  schedule: "aws:scheduler/schedule:Schedule",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  stage: "aws:apigatewayv2/stage:Stage",
  validation: "aws:acm/certificateValidation:CertificateValidation",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  vpc: "awsx:ec2:Vpc",
  waf: "aws:wafv2/webAcl:WebAcl",
} as const;

export class StackRun {
  readonly stack: string;
  readonly resources: PlanResource[];
  readonly outputs: Record<string, JsonValue>;
  private readonly options: Record<string, ResourceOptions>;

  constructor(run: ProgramRun) {
    this.stack = run.stack;
    this.resources = run.resources;
    this.outputs = run.outputs;
    this.options = run.options;
  }

  /** protect / retainOnDelete as registered. */
  optionsOf(resource: PlanResource): ResourceOptions {
    return this.options[resource.urn];
  }

  /** Every resource of a type, in registration order. */
  byType(type: string): PlanResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of `type` (named `name`, if given); fails listing what exists otherwise. */
  find(type: string, name?: string): PlanResource {
    const matches = this.byType(type).filter((r) => name === undefined || r.name === name);
    if (matches.length !== 1) {
      const have = this.byType(type).map((r) => r.name);
      throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${matches.length} (have: ${have.join(", ") || "none"})`);
    }
    return matches[0];
  }

  byUrn(urn: string): PlanResource {
    const resource = this.resources.find((r) => r.urn === urn);
    if (!resource) throw new Error(`no resource ${urn}`);
    return resource;
  }

  /** The explicit provider a custom resource is registered with (default providers are not resources here). */
  providerOf(resource: PlanResource): PlanResource | undefined {
    return this.resources.find((r) => r.urn === providerUrnOf(resource.provider));
  }

  /** The resource's URN ancestry, nearest parent first. */
  ancestors(resource: PlanResource): PlanResource[] {
    const chain: PlanResource[] = [];
    for (let parent = resource.parent; parent; parent = this.byUrn(parent).parent) chain.push(this.byUrn(parent));
    return chain;
  }
}

const unchangedRuns = new Map<string, Promise<ProgramRun>>();

/**
 * The engine, with one run per stack shared by every test of this process that
 * runs the stack as its `Pulumi.<stack>.yaml` describes it: the program is
 * deterministic, and no reader changes a run (tests/plan.test.ts checks both
 * with runs of its own). A run with another config file, overrides or program
 * is run afresh.
 */
export function sharedProgramRun(options: RunOptions): Promise<ProgramRun> {
  if (options.configFile !== undefined || options.config !== undefined || options.program !== undefined) return runProgram(options);
  let run = unchangedRuns.get(options.stack);
  if (!run) unchangedRuns.set(options.stack, (run = runProgram({ stack: options.stack })));
  return run;
}

/**
 * The stack as its `Pulumi.<stack>.yaml` describes it (one shared run), or with
 * overrides on top (objects merge deeply; `undefined` removes a key).
 */
export function runStack(stack: string, config?: ConfigOverrides): Promise<StackRun> {
  return sharedProgramRun({ stack, config }).then((run) => new StackRun(run));
}

/** Parses an IAM policy document input (a JSON string). */
export function policyJson(value: JsonValue | undefined): { Statement: Record<string, any>[] } {
  if (typeof value !== "string") throw new Error(`expected a policy JSON string, got ${JSON.stringify(value)}`);
  const doc = JSON.parse(value);
  return { ...doc, Statement: [doc.Statement].flat() };
}
