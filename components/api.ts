import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { bundleFunction } from "../handlers/bundle";
import {
  DB_POOL,
  FUNCTIONS,
  FUNCTION_NAMES,
  FunctionName,
  FunctionTraits,
  LocationAction,
  MapsProvider,
  POSITION_RETENTION,
  Trigger,
  environmentOf,
  locationProviderArn,
  reservedConcurrencyOf,
} from "../rules/functions";
import { migrationsHash } from "../handlers/migrate/runner";
import { ORIGIN_HEADER } from "../handlers/lib/origin";
import { DOCUMENTS_PREFIX } from "../handlers/lib/s3";
import { ROUTES, Route, routeKey, routePathPattern } from "../handlers/routes";
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from "../rules/logs";
import { ArgProblem } from "../rules/problems";
import { InvalidArgsError, PolicyStatement, awsContext, createKey, policyDocument, serviceTrustPolicy } from "./common";

/** The newest Node.js LTS the AWS provider offers for Lambda. */
export const LAMBDA_RUNTIME = "nodejs24.x";

export interface FunctionSettings {
  /** Memory per function (the reference: 512-1024 MB). @default 512 for each */
  memoryMb?: Partial<Record<FunctionName, number>>;
  /** Reserved concurrency of each API function; singletons get 1. 0 turns it off. @default 0 */
  reservedConcurrency?: number;
  /** Provisioned concurrency of the critical functions. 0 turns it off. @default 0 */
  provisionedConcurrency?: number;
  /** Which functions are critical (kept warm). @default ["tracking", "trips"] */
  provisionedFunctions?: FunctionName[];
  /** PostgreSQL connections per container (DB_POOL.min-max). @default DB_POOL.default (2) */
  dbPoolSize?: number;
}

export interface ApiTierArgs {
  /** Prefix of every physical name. @example "tms-prod" */
  namePrefix: string;
  network: { privateSubnetIds: pulumi.Input<string[]>; lambdaSecurityGroupId: pulumi.Input<string> };
  database: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    name: pulumi.Input<string>;
    secretArn: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
  };
  /** Omit to run without a cache. */
  redis?: { host: pulumi.Input<string>; port: pulumi.Input<number>; authSecretArn: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> };
  documents: { bucketName: pulumi.Input<string>; bucketArn: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> };
  /** The Cognito issuer and the SPA client id the JWT authorizer trusts. */
  /** The user pool: its issuer and SPA client for the JWT authorizer, its id and ARN for user management. */
  auth: { issuerUrl: pulumi.Input<string>; clientId: pulumi.Input<string>; userPoolId: pulumi.Input<string>; userPoolArn: pulumi.Input<string> };
  /**
   * Refuse requests that did not come through CloudFront: a secret origin
   * header that CloudFront sends (`originVerifyHeader`) and the API functions
   * check. Two values are kept and both accepted; `activeSecret` is the one
   * CloudFront sends, so the other can be replaced without downtime. Omit to
   * accept requests from anywhere.
   * @example { activeSecret: "a" }
   */
  originVerify?: { activeSecret: "a" | "b" };
  /**
   * Keep a replica of the API's secrets in another region (disaster recovery),
   * under a key of that region. Omit for none.
   * @example { region: "ap-south-2", provider: apSouth2 }
   */
  drRegion?: { region: string; provider: aws.Provider };
  /**
   * Where maps answers come from. With `"amazon-location"`, each function may
   * call exactly the Amazon Location operations its contract names
   * (rules/functions.ts), on the region's AWS-managed provider; no key or
   * secret is involved.
   * @default "estimate"
   * @example "amazon-location"
   */
  mapsProvider?: MapsProvider;
  functions?: FunctionSettings;
  /** Default route throttling (both are required: unset numbers mean 0, and every call is throttled). */
  throttling: { rateLimit: number; burstLimit: number };
  /** @default POSITION_RETENTION.defaultDays (90) */
  positionRetentionDays?: number;
  /** @default 30 */
  logRetentionDays?: number;
  /** The route table to deploy. @default the handlers' own */
  routes?: readonly Route[];
}

/** Does every route name a deployable API function, and does every function have a route or a job? */
export function contractProblems(routes: readonly Route[], functions: Record<string, FunctionTraits>): ArgProblem[] {
  const problems: ArgProblem[] = [];
  routes.forEach((route, i) => {
    const fn = functions[route.function];
    if (!fn)
      problems.push({ path: ["routes", i], message: `expected a function the runtime contract defines for ${routeKey(route)}, got "${route.function}"` });
    else if (fn.trigger !== "http")
      problems.push({ path: ["routes", i], message: `expected an API function for ${routeKey(route)}; ${route.function} is invoked directly` });
  });
  for (const [fn, traits] of Object.entries(functions)) {
    const invoked =
      traits.trigger === "http" ? routes.some((r) => r.function === fn) : traits.trigger === "schedule" ? Object.keys(traits.schedules ?? {}).length > 0 : true;
    if (!invoked) problems.push({ path: ["functions", fn], message: "expected a route or a schedule that invokes it; nothing does" });
  }
  return problems;
}

/**
 * What the documents function may do in the documents bucket. Presigned URLs
 * act with this role: uploads and downloads under the organisations' prefix
 * only. Listing that prefix is what makes S3 answer a missing key with a 404
 * (without s3:ListBucket it is a 403), so confirming an upload that never
 * happened is a clear 409, not a 500.
 */
/**
 * Amazon Location's current APIs have no resources of their own: an action is
 * granted on the AWS-managed provider of the region
 * (`arn:aws:geo-routes:<region>::provider/default`), one statement per API.
 */
export function locationStatements(actions: readonly LocationAction[], region: string): PolicyStatement[] {
  const byApi = new Map<string, LocationAction[]>();
  for (const action of actions) byApi.set(locationProviderArn(action, region), [...(byApi.get(locationProviderArn(action, region)) ?? []), action]);
  return [...byApi].map(([arn, granted]) => ({
    Sid: arn.includes(":geo-places:") ? "LocationPlaces" : "LocationRoutes",
    Effect: "Allow",
    Action: granted,
    Resource: arn,
  }));
}

export function documentsStatements(bucketArn: string, keyArn: string, region: string): PolicyStatement[] {
  return [
    { Sid: "Documents", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `${bucketArn}/${DOCUMENTS_PREFIX}*` },
    { Sid: "ListDocuments", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": `${DOCUMENTS_PREFIX}*` } } },
    {
      Sid: "DocumentsKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: keyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
    },
  ];
}

function normalize(args: ApiTierArgs) {
  const problems = contractProblems(args.routes ?? ROUTES, FUNCTIONS);
  const f = args.functions ?? {};
  for (const [fn, mb] of Object.entries(f.memoryMb ?? {})) {
    if (mb < 512 || mb > 1024) problems.push({ path: ["functions", "memoryMb", fn], message: `expected 512-1024 MB (the reference's range), got ${mb}` });
  }
  if (!(args.throttling.rateLimit > 0 && args.throttling.burstLimit > 0)) problems.push({ path: ["throttling"], message: "expected both limits above zero" });
  const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays))
    problems.push({ path: ["logRetentionDays"], message: "expected a retention CloudWatch Logs accepts" });
  if (problems.length > 0) throw new InvalidArgsError("tms:api:ApiTier", problems);
  return {
    ...args,
    routes: args.routes ?? ROUTES,
    mapsProvider: args.mapsProvider ?? "estimate",
    logRetentionDays,
    positionRetentionDays: args.positionRetentionDays ?? POSITION_RETENTION.defaultDays,
    memoryMb: (fn: FunctionName) => f.memoryMb?.[fn] ?? 512,
    reservedConcurrency: f.reservedConcurrency ?? 0,
    provisioned: (fn: FunctionName) =>
      (f.provisionedConcurrency ?? 0) > 0 && (f.provisionedFunctions ?? ["tracking", "trips"]).includes(fn) ? f.provisionedConcurrency! : 0,
    dbPoolSize: f.dbPoolSize ?? DB_POOL.default,
  };
}
type Normalized = ReturnType<typeof normalize>;

interface SecretRef {
  arn: pulumi.Output<string>;
  kmsKeyArn: pulumi.Output<string>;
}
interface ApiSecrets {
  origin?: SecretRef & { activeValue: pulumi.Output<string> };
}

interface Deployed {
  fn: aws.lambda.Function;
  /** What API Gateway and the scheduler invoke: the function, or its provisioned alias. */
  invokeArn: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  qualifier?: pulumi.Output<string>;
}

/** One build per function per process: the sources cannot change while the program runs. */
const bundles = new Map<FunctionName, ReturnType<typeof bundleFunction>>();
function bundleOnce(fn: FunctionName) {
  let bundle = bundles.get(fn);
  if (!bundle) bundles.set(fn, (bundle = bundleFunction(fn)));
  return bundle;
}

/**
 * The API tier: one Lambda per function of the handlers' runtime contract
 * (bundled by the program itself), the HTTP API with a Cognito JWT authorizer
 * over exactly the handlers' route table, the scheduled jobs, and the
 * migrations, applied during `pulumi up` before new code serves traffic.
 */
export class ApiTier extends pulumi.ComponentResource {
  public readonly apiId: pulumi.Output<string>;
  public readonly apiEndpoint: pulumi.Output<string>;
  public readonly executionArn: pulumi.Output<string>;
  public readonly functionNames: Record<FunctionName, pulumi.Output<string>>;
  public readonly scheduleGroupName: pulumi.Output<string>;
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  public readonly deadLetterQueueName: pulumi.Output<string>;
  /** Anchored path patterns of the routes whose bodies may exceed 8 KB, for a WAF in front of the API. */
  public readonly largeBodyPathPatterns: string[];
  /** The header CloudFront must send to the API (its value is secret), when `originVerify` is on. */
  public readonly originVerifyHeader?: { name: string; value: pulumi.Output<string> };

  constructor(name: string, args: ApiTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:api:ApiTier", name, {}, opts);
    const a = normalize(args);
    const ctx = awsContext(this);
    const secrets = this.createSecrets(name, a);

    // The function `pulumi up` invokes (the migrations) comes first: every other function waits for the schema it expects.
    const byTrigger = (trigger: Trigger) => FUNCTION_NAMES.filter((fn) => FUNCTIONS[fn].trigger === trigger);
    const [migrateFn] = byTrigger("deploy");
    const migrate = this.createFunction(name, a, migrateFn, ctx, secrets);
    const migration = new aws.lambda.Invocation(
      `${name}-${migrateFn}`,
      { functionName: migrate.fn.name, input: JSON.stringify({ migrations: migrationsHash() }), triggers: { migrations: migrationsHash() } },
      { parent: this },
    );
    const deployed: Partial<Record<FunctionName, Deployed>> = { [migrateFn]: migrate };
    for (const fn of FUNCTION_NAMES.filter((f) => f !== migrateFn)) deployed[fn] = this.createFunction(name, a, fn, ctx, secrets, [migration]);

    const api = this.createHttpApi(name, a, deployed);
    const [jobsFn] = byTrigger("schedule");
    const jobs = this.createSchedules(name, a, jobsFn, deployed[jobsFn]!, ctx.accountId);

    this.apiId = api.id;
    this.apiEndpoint = api.apiEndpoint;
    this.executionArn = api.executionArn;
    this.functionNames = Object.fromEntries(Object.entries(deployed).map(([fn, d]) => [fn, d!.fn.name])) as Record<FunctionName, pulumi.Output<string>>;
    this.scheduleGroupName = jobs.group.name;
    this.deadLetterQueueArn = jobs.dlq.arn;
    this.deadLetterQueueName = jobs.dlq.name;
    this.largeBodyPathPatterns = [...new Set(a.routes.filter((r) => r.largeBody).map(routePathPattern))];
    this.originVerifyHeader = secrets.origin && { name: ORIGIN_HEADER, value: secrets.origin.activeValue };
    this.registerOutputs({ apiId: this.apiId, apiEndpoint: this.apiEndpoint, executionArn: this.executionArn, functionNames: this.functionNames });
  }

  /** The API's own secret (the origin header's values), under a key of its own; none when nothing needs it. */
  private createSecrets(name: string, a: Normalized): ApiSecrets {
    if (!a.originVerify) return {};
    const key = createKey(`${name}-secrets-key`, { description: `${a.namePrefix} API secrets`, alias: `${a.namePrefix}-api-secrets` }, { parent: this });
    const drKey =
      a.drRegion &&
      createKey(
        `${name}-secrets-dr-key`,
        { description: `${a.namePrefix} API secrets' replicas (${a.drRegion.region})`, alias: `${a.namePrefix}-api-secrets-dr` },
        { parent: this, provider: a.drRegion.provider },
      );
    const replicas = a.drRegion && drKey ? [{ region: a.drRegion.region, kmsKeyId: drKey.arn }] : undefined;
    const secret = (id: string, path: string, description: string, value: pulumi.Input<string>) => {
      const created = new aws.secretsmanager.Secret(
        `${name}-${id}`,
        { name: `${a.namePrefix}/${path}`, description, kmsKeyId: key.arn, replicas },
        { parent: this },
      );
      new aws.secretsmanager.SecretVersion(`${name}-${id}`, { secretId: created.id, secretString: pulumi.secret(value) }, { parent: this });
      return { arn: created.arn, kmsKeyArn: key.arn };
    };
    // Two values, both accepted; CloudFront sends the active one. Replacing the other rotates without downtime.
    const values = (["a", "b"] as const).map(
      (slot) => new random.RandomPassword(`${name}-origin-verify-${slot}`, { length: 48, special: false }, { parent: this }).result,
    );
    const origin = secret(
      "origin-verify",
      "api/origin-verify",
      "Values of CloudFront's origin header; the API functions accept either",
      pulumi.all(values).apply(([first, second]) => JSON.stringify({ a: first, b: second })),
    );
    return { origin: { ...origin, activeValue: pulumi.secret(values[a.originVerify.activeSecret === "a" ? 0 : 1]) } };
  }

  /** Everything `fn` may do, and nothing more. */
  private permissions(fn: FunctionName, a: Normalized, logGroupArn: pulumi.Output<string>, region: pulumi.Output<string>, apiSecrets: ApiSecrets) {
    const traits: FunctionTraits = FUNCTIONS[fn];
    const secrets: { arn: pulumi.Input<string>; key: pulumi.Input<string> }[] = [
      ...(traits.database ? [{ arn: a.database.secretArn, key: a.database.kmsKeyArn }] : []),
      ...(traits.redis && a.redis ? [{ arn: a.redis.authSecretArn, key: a.redis.kmsKeyArn }] : []),
      ...(traits.trigger === "http" && apiSecrets.origin ? [{ arn: apiSecrets.origin.arn, key: apiSecrets.origin.kmsKeyArn }] : []),
    ];
    return pulumi
      .all([
        logGroupArn,
        region,
        pulumi.all(secrets.map((s) => s.arn)),
        pulumi.all(secrets.map((s) => s.key)),
        a.documents.bucketArn,
        a.documents.kmsKeyArn,
        a.auth.userPoolArn,
      ])
      .apply(([logs, reg, secretArns, keyArns, bucketArn, documentsKey, userPoolArn]) => {
        const statements: PolicyStatement[] = [
          {
            // AWS grants a VPC function's network-interface actions on "*" only.
            Sid: "VpcNetworkInterfaces",
            Effect: "Allow",
            Action: [
              "ec2:CreateNetworkInterface",
              "ec2:DescribeNetworkInterfaces",
              "ec2:DescribeSubnets",
              "ec2:DeleteNetworkInterface",
              "ec2:AssignPrivateIpAddresses",
              "ec2:UnassignPrivateIpAddresses",
            ],
            Resource: "*",
          },
          { Sid: "OwnLogGroup", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs}:*` },
          { Sid: "Tracing", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
        ];
        if (secretArns.length > 0) {
          statements.push({ Sid: "OwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArns });
          statements.push({
            Sid: "DecryptOwnSecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: [...new Set(keyArns)],
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${reg}.amazonaws.com` } },
          });
        }
        if (traits.documents) statements.push(...documentsStatements(bucketArn, documentsKey, reg));
        if (a.mapsProvider === "amazon-location") statements.push(...locationStatements(traits.location, reg));
        if (traits.cognito.length > 0) statements.push({ Sid: "ManageUsers", Effect: "Allow", Action: [...traits.cognito], Resource: userPoolArn });
        return policyDocument(statements);
      });
  }

  private environment(fn: FunctionName, a: Normalized, secrets: ApiSecrets): Record<string, pulumi.Input<string>> {
    const values: Record<string, pulumi.Input<string> | undefined> = {
      POWERTOOLS_SERVICE_NAME: `tms-${fn}`,
      POWERTOOLS_LOG_LEVEL: "INFO",
      POWERTOOLS_METRICS_NAMESPACE: "TMS",
      DB_HOST: a.database.host,
      DB_PORT: pulumi.output(a.database.port).apply(String),
      DB_NAME: a.database.name,
      DB_SECRET_ARN: a.database.secretArn,
      DB_POOL_MAX: String(a.dbPoolSize),
      DB_SSL: "verify",
      REDIS_HOST: a.redis?.host,
      REDIS_PORT: a.redis && pulumi.output(a.redis.port).apply(String),
      REDIS_AUTH_SECRET_ARN: a.redis?.authSecretArn,
      DOCUMENTS_BUCKET: a.documents.bucketName,
      MAPS_PROVIDER: a.mapsProvider,
      ORIGIN_VERIFY_SECRET_ARN: secrets.origin?.arn,
      POSITION_RETENTION_DAYS: String(a.positionRetentionDays),
      USER_POOL_ID: a.auth.userPoolId,
    };
    // Exactly the function's contract: what it does not read, it does not get.
    const variables: Record<string, pulumi.Input<string>> = {};
    for (const { name, required } of environmentOf(fn)) {
      const value = values[name];
      if (value !== undefined) variables[name] = value;
      else if (required) throw new Error(`the ApiTier has no value for ${name}, which ${fn} requires`);
    }
    return variables;
  }

  private createFunction(
    name: string,
    a: Normalized,
    fn: FunctionName,
    ctx: ReturnType<typeof awsContext>,
    secrets: ApiSecrets,
    dependsOn: pulumi.Resource[] = [],
  ): Deployed {
    const functionName = `${a.namePrefix}-${fn}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-${fn}-logs`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: a.logRetentionDays },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-${fn}`,
      {
        name: `${functionName}-lambda`,
        description: `The ${fn} function: its own log group, secrets and data, nothing else`,
        assumeRolePolicy: policyDocument([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-${fn}`,
      { name: `${fn}-least-privilege`, role: role.name, policy: this.permissions(fn, a, logGroup.arn, ctx.region, secrets) },
      { parent: this },
    );

    const bundle = bundleOnce(fn);
    const provisioned = a.provisioned(fn);
    const lambda = new aws.lambda.Function(
      `${name}-${fn}`,
      {
        name: functionName,
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive(Object.fromEntries(Object.entries(bundle.files).map(([file, text]) => [file, new pulumi.asset.StringAsset(text)]))),
        // Changes exactly when the bundle does, so unchanged code deploys nothing.
        sourceCodeHash: bundle.hash,
        role: role.arn,
        memorySize: a.memoryMb(fn),
        timeout: FUNCTIONS[fn].timeoutSeconds,
        vpcConfig: { subnetIds: a.network.privateSubnetIds, securityGroupIds: [a.network.lambdaSecurityGroupId] },
        environment: { variables: this.environment(fn, a, secrets) },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
        tracingConfig: { mode: "Active" },
        reservedConcurrentExecutions: reservedConcurrencyOf(fn, a.reservedConcurrency),
        publish: provisioned > 0,
      },
      // The log group first, or Lambda creates one that keeps logs forever.
      { parent: this, dependsOn: [logGroup, policy, ...dependsOn] },
    );
    if (provisioned === 0) return { fn: lambda, invokeArn: lambda.invokeArn, arn: lambda.arn };

    const alias = new aws.lambda.Alias(`${name}-${fn}-live`, { name: "live", functionName: lambda.name, functionVersion: lambda.version }, { parent: this });
    new aws.lambda.ProvisionedConcurrencyConfig(
      `${name}-${fn}-warm`,
      { functionName: lambda.name, qualifier: alias.name, provisionedConcurrentExecutions: provisioned },
      { parent: this },
    );
    return { fn: lambda, invokeArn: alias.invokeArn, arn: alias.arn, qualifier: alias.name };
  }

  private createHttpApi(name: string, a: Normalized, deployed: Partial<Record<FunctionName, Deployed>>) {
    const api = new aws.apigatewayv2.Api(`${name}-http`, { name: `${a.namePrefix}-api`, protocolType: "HTTP", description: "TMS API" }, { parent: this });
    const authorizer = new aws.apigatewayv2.Authorizer(
      `${name}-cognito`,
      {
        apiId: api.id,
        name: "cognito",
        authorizerType: "JWT",
        // The SPA sends the ID token: only it carries custom:org_id and cognito:groups.
        identitySources: ["$request.header.Authorization"],
        jwtConfiguration: { issuer: a.auth.issuerUrl, audiences: [a.auth.clientId] },
      },
      { parent: this },
    );
    const integrations: Record<string, aws.apigatewayv2.Integration> = {};
    for (const [fn, d] of Object.entries(deployed).filter((entry): entry is [string, Deployed] => FUNCTIONS[entry[0] as FunctionName].trigger === "http")) {
      integrations[fn] = new aws.apigatewayv2.Integration(
        `${name}-${fn}`,
        { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: d.invokeArn, payloadFormatVersion: "2.0", timeoutMilliseconds: 30_000 },
        { parent: this },
      );
      new aws.lambda.Permission(
        `${name}-${fn}-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: d.fn.name,
          qualifier: d.qualifier,
          principal: "apigateway.amazonaws.com",
          // This API only, any stage and route.
          sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
        },
        { parent: this },
      );
    }
    for (const route of a.routes) {
      const slug = routeKey(route)
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/-$/, "")
        .toLowerCase();
      new aws.apigatewayv2.Route(
        `${name}-${slug}`,
        {
          apiId: api.id,
          routeKey: routeKey(route),
          target: pulumi.interpolate`integrations/${integrations[route.function].id}`,
          authorizationType: route.auth === "jwt" ? "JWT" : "NONE",
          authorizerId: route.auth === "jwt" ? authorizer.id : undefined,
        },
        { parent: this },
      );
    }
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { name: `/aws/apigateway/${a.namePrefix}-api`, retentionInDays: a.logRetentionDays },
      { parent: this },
    );
    new aws.apigatewayv2.Stage(
      `${name}-default`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        accessLogSettings: {
          destinationArn: accessLogs.arn,
          format: JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            latencyMs: "$context.responseLatency",
            integrationLatencyMs: "$context.integrationLatency",
            integrationError: "$context.integrationErrorMessage",
            authorizerError: "$context.authorizer.error",
            userAgent: "$context.identity.userAgent",
          }),
        },
        defaultRouteSettings: { throttlingRateLimit: a.throttling.rateLimit, throttlingBurstLimit: a.throttling.burstLimit, detailedMetricsEnabled: true },
      },
      { parent: this },
    );
    return api;
  }

  private createSchedules(name: string, a: Normalized, fn: FunctionName, jobs: Deployed, accountId: pulumi.Output<string>) {
    const dlq = new aws.sqs.Queue(
      `${name}-jobs-dlq`,
      { name: `${a.namePrefix}-jobs-dlq`, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 86_400 },
      { parent: this },
    );
    const group = new aws.scheduler.ScheduleGroup(`${name}-jobs`, { name: `${a.namePrefix}-jobs` }, { parent: this });
    const role = new aws.iam.Role(
      `${name}-scheduler`,
      {
        name: `${a.namePrefix}-scheduler`,
        description: "Lets EventBridge Scheduler invoke the jobs function, and nothing else",
        assumeRolePolicy: serviceTrustPolicy("scheduler.amazonaws.com", accountId),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-scheduler`,
      {
        name: "invoke-jobs",
        role: role.name,
        policy: pulumi.all([jobs.arn, dlq.arn]).apply(([fnArn, dlqArn]) =>
          policyDocument([
            { Sid: "InvokeJobs", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fnArn },
            { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: dlqArn },
          ]),
        ),
      },
      { parent: this },
    );
    const schedules: Readonly<Record<string, string>> = (FUNCTIONS[fn] as FunctionTraits).schedules ?? {};
    for (const [task, expression] of Object.entries(schedules)) {
      new aws.scheduler.Schedule(
        `${name}-${task}`,
        {
          name: `${a.namePrefix}-${task}`,
          groupName: group.name,
          scheduleExpression: expression,
          scheduleExpressionTimezone: "Asia/Kolkata",
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: jobs.arn,
            roleArn: role.arn,
            input: JSON.stringify({ task }),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: dlq.arn },
          },
        },
        { parent: this },
      );
    }
    return { group, dlq };
  }
}
