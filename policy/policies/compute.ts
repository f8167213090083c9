/** Lambda, API Gateway (HTTP API) and EventBridge Scheduler. */
import { TmsPolicy, ofType, resourcePolicy, stackPolicy, unwrap } from "./define";

const FUNCTION = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const STAGE = "aws:apigatewayv2/stage:Stage";
const ROUTE = "aws:apigatewayv2/route:Route";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

export const computePolicies: TmsPolicy[] = [
  resourcePolicy({
    name: "lambda-in-vpc",
    description: "Lambda functions run attached to the VPC.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "Lambda.3",
    remediation: "Set vpcConfig with the private subnets and the Lambda security group.",
    types: [FUNCTION],
    validate: (props, report) => {
      const vpc = props.vpcConfig;
      if (!vpc || (vpc.subnetIds ?? []).length === 0 || (vpc.securityGroupIds ?? []).length === 0) {
        report("vpcConfig has no subnets or no security groups");
      }
    },
  }),
  resourcePolicy<{ runtimes: string[] }>({
    name: "lambda-supported-runtime",
    description: "Lambda functions use a runtime AWS still supports.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "Lambda.2",
    remediation: "Move the function to a supported runtime (Node.js: the newest LTS the provider offers).",
    config: {
      runtimes: {
        type: "array",
        items: { type: "string" },
        default: ["nodejs20.x", "nodejs22.x", "nodejs24.x", "python3.11", "python3.12", "python3.13", "java21", "provided.al2023"],
        description: "Runtimes allowed for new deployments.",
      },
    },
    types: [FUNCTION],
    validate: (props, report, { config }) => {
      if (unwrap(props).packageType === "Image") return;
      if (!config.runtimes.includes(props.runtime)) report(`runtime ${props.runtime ?? "(none)"} is not one of ${config.runtimes.join(", ")}`);
    },
  }),
  resourcePolicy({
    name: "lambda-permission-scoped",
    description: "Lambda invoke permissions never open a function to any principal, and name the calling resource's ARN.",
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "Lambda.1",
    remediation: "Name a service principal and set sourceArn to the one resource allowed to invoke (e.g. the API's execution ARN).",
    types: [PERMISSION],
    validate: (props, report) => {
      const principal = String(props.principal ?? "");
      if (principal === "*") report('principal is "*": anyone may invoke the function');
      else if (principal.endsWith(".amazonaws.com") && !props.sourceArn) report(`${principal} may invoke without a sourceArn, from any account's resource`);
      if (props.functionUrlAuthType === "NONE") report("grants a public function URL");
    },
  }),
  resourcePolicy({
    name: "lambda-tracing",
    description: "Lambda functions send traces to X-Ray.",
    enforcementLevel: "advisory",
    severity: "low",
    remediation: 'Set tracingConfig: { mode: "Active" }.',
    types: [FUNCTION],
    validate: (props, report) => {
      if (props.tracingConfig?.mode !== "Active") report("tracingConfig.mode is not Active");
    },
  }),
  stackPolicy({
    name: "lambda-log-group-retention",
    description: "Every Lambda function logs to a log group the stack manages, with a retention period.",
    enforcementLevel: "advisory",
    severity: "low",
    remediation: "Create the function's log group (/aws/lambda/<name>, or the one in loggingConfig) with retentionInDays, before the function.",
    validate: (resources, report) => {
      const groups = ofType(resources, LOG_GROUP);
      for (const fn of ofType(resources, FUNCTION)) {
        const named = fn.props.loggingConfig?.logGroup ?? `/aws/lambda/${fn.props.name}`;
        const linked = groups.filter((g) => g.props.name === named || (fn.propertyDependencies.loggingConfig ?? []).some((d) => d.urn === g.urn));
        if (linked.length === 0) report(`function ${fn.name}: no managed log group ${named}`, fn);
        else if (!linked.some((g) => (g.props.retentionInDays ?? 0) > 0)) report(`function ${fn.name}: log group ${named} keeps logs forever`, fn);
      }
    },
  }),
  resourcePolicy({
    name: "apigw-access-logging",
    description: "Every API Gateway stage writes access logs.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "APIGateway.9",
    remediation: "Set accessLogSettings with a destinationArn (a log group with retention) and a JSON format.",
    types: [STAGE],
    validate: (props, report) => {
      if (!props.accessLogSettings?.destinationArn || !props.accessLogSettings?.format) report("accessLogSettings is missing a destination or format");
    },
  }),
  resourcePolicy<{ publicRoutes: string[] }>({
    name: "apigw-route-authorization",
    description: "Every API route requires authorization, except a short allow-list (the health check and the OpenAPI document).",
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "APIGateway.8",
    remediation: "Set authorizationType (JWT with the Cognito authorizer) on the route, or add it to this policy's publicRoutes on purpose.",
    config: {
      publicRoutes: {
        type: "array",
        items: { type: "string" },
        default: ["GET /api/health", "GET /api/openapi.json"],
        description: "Route keys that may be called without authorization.",
      },
    },
    types: [ROUTE],
    validate: (props, report, { config }) => {
      const type = props.authorizationType ?? "NONE";
      if (type === "NONE" && !config.publicRoutes.includes(props.routeKey)) report(`route "${props.routeKey}" has no authorization`);
    },
  }),
  resourcePolicy({
    name: "apigw-throttling",
    description: "API stages set both default throttling limits, above zero (unset limits default to 0 and throttle every call).",
    enforcementLevel: "advisory",
    severity: "high",
    remediation: "Set defaultRouteSettings.throttlingRateLimit and throttlingBurstLimit (the reference: 1000 and 500).",
    types: [STAGE],
    validate: (props, report) => {
      const settings = [
        { where: "defaultRouteSettings", s: props.defaultRouteSettings },
        ...(props.routeSettings ?? []).map((s: any) => ({ where: `routeSettings ${s.routeKey}`, s })),
      ];
      if (!props.defaultRouteSettings) report("defaultRouteSettings is not set");
      for (const { where, s } of settings) {
        if (!s) continue;
        for (const key of ["throttlingRateLimit", "throttlingBurstLimit"]) {
          if (!(Number(s[key]) > 0)) report(`${where}.${key} is ${s[key] ?? "unset"}; it must be above zero`);
        }
      }
    },
  }),
  resourcePolicy({
    name: "scheduler-retry-dlq",
    description: "Scheduled jobs retry and send what still fails to a dead-letter queue.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediation: "Set target.retryPolicy and target.deadLetterConfig.arn (an encrypted SQS queue).",
    types: [SCHEDULE],
    validate: (props, report) => {
      if (!props.target?.retryPolicy) report("target.retryPolicy is not set");
      if (!props.target?.deadLetterConfig?.arn) report("target.deadLetterConfig has no queue");
    },
  }),
];
