import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext, createKey, keyPolicy } from "./common";

/** The reference's "Key Metrics to Monitor", with its thresholds. */
export const THRESHOLDS = {
  rdsCpuPercent: 80,
  rdsFreeMemoryBytes: 500 * 1024 * 1024,
  lambdaErrorsPerMinute: 10,
  lambdaDurationMs: 10_000,
  api5xxPercent: 1,
  apiLatencyMs: 1_000,
  redisCpuPercent: 80,
  redisMemoryPercent: 80,
  deadLettersVisible: 0,
};

export interface ObservabilityArgs {
  /** Prefix of every physical name. @example "tms-prod" */
  namePrefix: string;
  /** Where alarms are emailed (the subscription must be confirmed once); omit for no email. */
  alarmEmail?: string;
  database: { instanceIdentifier: pulumi.Input<string> };
  /** Omit when the stack runs without Redis. */
  redis?: { replicationGroupId: pulumi.Input<string>; nodes: number };
  api: { apiId: pulumi.Input<string> };
  /** Lambda function names, by the handlers' function name. */
  functions: Record<string, pulumi.Input<string>>;
  deadLetterQueueName: pulumi.Input<string>;
  /** The CloudFront distribution in front of the site, for its dashboard widgets. */
  distributionId?: pulumi.Input<string>;
  /** Override single thresholds. @default THRESHOLDS */
  thresholds?: Partial<typeof THRESHOLDS>;
}

type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "name"> & { name: string };

/**
 * Alarms on every metric of the reference's table, sent (alarm and recovery)
 * to a KMS-encrypted SNS topic, and the `tms-<stack>` dashboard.
 */
export class Observability extends pulumi.ComponentResource {
  public readonly alarmTopicArn: pulumi.Output<string>;
  public readonly dashboardName: pulumi.Output<string>;
  public readonly alarmNames: pulumi.Output<string>[] = [];

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:observability:Observability", name, {}, opts);
    const t = { ...THRESHOLDS, ...args.thresholds };
    const topic = this.createTopic(name, args);
    this.alarmTopicArn = topic.arn;

    const alarm = (spec: AlarmSpec) => {
      const created = new aws.cloudwatch.MetricAlarm(
        `${name}-${spec.name}`,
        { ...spec, name: `${args.namePrefix}-${spec.name}`, alarmActions: [topic.arn], okActions: [topic.arn] },
        { parent: this },
      );
      this.alarmNames.push(created.name);
    };

    // Missing RDS or Redis data means the instance stopped reporting: keep the last state, do not call it healthy.
    const db = { namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: args.database.instanceIdentifier }, treatMissingData: "missing" };
    alarm({
      ...db,
      name: "rds-cpu",
      metricName: "CPUUtilization",
      statistic: "Average",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.rdsCpuPercent,
      alarmDescription: `RDS CPU above ${t.rdsCpuPercent}%`,
    });
    alarm({
      ...db,
      name: "rds-free-memory",
      metricName: "FreeableMemory",
      statistic: "Average",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: "LessThanThreshold",
      threshold: t.rdsFreeMemoryBytes,
      alarmDescription: `RDS freeable memory below ${Math.round(t.rdsFreeMemoryBytes / 1024 ** 2)} MB`,
    });

    for (const [fn, functionName] of Object.entries(args.functions)) {
      // No invocations, no errors: missing data is healthy.
      const lambda = { namespace: "AWS/Lambda", dimensions: { FunctionName: functionName }, period: 60, treatMissingData: "notBreaching" };
      alarm({
        ...lambda,
        name: `${fn}-errors`,
        metricName: "Errors",
        statistic: "Sum",
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.lambdaErrorsPerMinute,
        alarmDescription: `${fn}: more than ${t.lambdaErrorsPerMinute} errors a minute`,
      });
      alarm({
        ...lambda,
        name: `${fn}-duration`,
        metricName: "Duration",
        extendedStatistic: "p99",
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.lambdaDurationMs,
        alarmDescription: `${fn}: p99 duration above ${t.lambdaDurationMs / 1000} s`,
      });
    }

    alarm({
      name: "api-5xx-rate",
      alarmDescription: `API: more than ${t.api5xxPercent}% of requests end in a 5xx`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.api5xxPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      // A rate, not a count: 5xx responses as a share of all requests.
      metricQueries: [
        {
          id: "errors",
          metric: { namespace: "AWS/ApiGateway", metricName: "5xx", dimensions: { ApiId: args.api.apiId }, period: 60, stat: "Sum" },
          returnData: false,
        },
        {
          id: "requests",
          metric: { namespace: "AWS/ApiGateway", metricName: "Count", dimensions: { ApiId: args.api.apiId }, period: 60, stat: "Sum" },
          returnData: false,
        },
        { id: "rate", expression: "IF(requests > 0, 100 * errors / requests, 0)", label: "5xx %", returnData: true },
      ],
    });
    alarm({
      name: "api-latency",
      namespace: "AWS/ApiGateway",
      metricName: "Latency",
      dimensions: { ApiId: args.api.apiId },
      extendedStatistic: "p99",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.apiLatencyMs,
      treatMissingData: "notBreaching",
      alarmDescription: `API: p99 latency above ${t.apiLatencyMs / 1000} s`,
    });

    if (args.redis) {
      for (let node = 1; node <= args.redis.nodes; node++) {
        const cache = {
          namespace: "AWS/ElastiCache",
          dimensions: { CacheClusterId: pulumi.interpolate`${args.redis.replicationGroupId}-${String(node).padStart(3, "0")}` },
          period: 60,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: "missing",
        };
        alarm({
          ...cache,
          name: `redis-${node}-cpu`,
          metricName: "EngineCPUUtilization",
          statistic: "Average",
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.redisCpuPercent,
          alarmDescription: `Redis engine CPU above ${t.redisCpuPercent}%`,
        });
        alarm({
          ...cache,
          name: `redis-${node}-memory`,
          metricName: "DatabaseMemoryUsagePercentage",
          statistic: "Average",
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.redisMemoryPercent,
          alarmDescription: `Redis memory above ${t.redisMemoryPercent}%`,
        });
      }
    }

    alarm({
      name: "jobs-dead-letters",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: args.deadLetterQueueName },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.deadLettersVisible,
      treatMissingData: "notBreaching",
      alarmDescription: "A scheduled job failed after its retries",
    });

    const dashboard = this.createDashboard(name, args);
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ alarmTopicArn: this.alarmTopicArn, dashboardName: this.dashboardName });
  }

  private createTopic(name: string, args: ObservabilityArgs) {
    const key = createKey(
      `${name}-alarms-key`,
      {
        description: `${args.namePrefix} alarm topic`,
        alias: `${args.namePrefix}-alarms`,
        // CloudWatch alarms publish to the encrypted topic, so they must be able to use its key.
        policy: keyPolicy(this, (account) => [
          {
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ]),
      },
      { parent: this },
    );
    const topic = new aws.sns.Topic(`${name}-alarms`, { name: `${args.namePrefix}-alarms`, kmsMasterKeyId: key.arn }, { parent: this });
    if (args.alarmEmail) {
      new aws.sns.TopicSubscription(`${name}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: args.alarmEmail }, { parent: this });
    }
    return topic;
  }

  private createDashboard(name: string, args: ObservabilityArgs) {
    const { region } = awsContext(this);
    const body = pulumi
      .all([
        region,
        args.api.apiId,
        args.database.instanceIdentifier,
        pulumi.all(args.functions),
        args.redis ? args.redis.replicationGroupId : "",
        args.deadLetterQueueName,
        args.distributionId ?? "",
      ])
      .apply(([reg, apiId, dbId, functions, redisId, dlq, distributionId]) => {
        const widget = (title: string, metrics: unknown[][], extra: Record<string, unknown> = {}) => ({
          type: "metric",
          width: 12,
          height: 6,
          properties: { title, region: reg, view: "timeSeries", stacked: false, period: 60, metrics, ...extra },
        });
        const fnNames = Object.values(functions);
        const perFunction = (metric: string, stat: string) => fnNames.map((fn) => ["AWS/Lambda", metric, "FunctionName", fn, { stat }]);
        const widgets = [
          widget("API requests and errors", [
            ["AWS/ApiGateway", "Count", "ApiId", apiId, { stat: "Sum" }],
            ["AWS/ApiGateway", "4xx", "ApiId", apiId, { stat: "Sum" }],
            ["AWS/ApiGateway", "5xx", "ApiId", apiId, { stat: "Sum" }],
          ]),
          widget("API latency", [
            ["AWS/ApiGateway", "Latency", "ApiId", apiId, { stat: "p50" }],
            ["AWS/ApiGateway", "Latency", "ApiId", apiId, { stat: "p99" }],
          ]),
          widget("Lambda invocations", perFunction("Invocations", "Sum")),
          widget("Lambda errors", perFunction("Errors", "Sum")),
          widget("Lambda duration p99", perFunction("Duration", "p99")),
          widget("Lambda throttles", perFunction("Throttles", "Sum")),
          widget("Lambda concurrency", perFunction("ConcurrentExecutions", "Maximum")),
          widget("RDS CPU and connections", [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", dbId, { stat: "Average" }],
            ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", dbId, { stat: "Maximum", yAxis: "right" }],
          ]),
          widget("RDS memory and IOPS", [
            ["AWS/RDS", "FreeableMemory", "DBInstanceIdentifier", dbId, { stat: "Average" }],
            ["AWS/RDS", "ReadIOPS", "DBInstanceIdentifier", dbId, { stat: "Average", yAxis: "right" }],
            ["AWS/RDS", "WriteIOPS", "DBInstanceIdentifier", dbId, { stat: "Average", yAxis: "right" }],
          ]),
          ...(redisId
            ? [
                widget("Redis", [
                  ["AWS/ElastiCache", "EngineCPUUtilization", "ReplicationGroupId", redisId, { stat: "Average" }],
                  ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "ReplicationGroupId", redisId, { stat: "Average" }],
                  ["AWS/ElastiCache", "CurrConnections", "ReplicationGroupId", redisId, { stat: "Maximum", yAxis: "right" }],
                ]),
              ]
            : []),
          widget("Scheduled job dead letters", [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq, { stat: "Maximum" }]]),
          ...(distributionId
            ? [
                // CloudFront reports its metrics in us-east-1, region "Global".
                widget(
                  "CloudFront",
                  [
                    ["AWS/CloudFront", "Requests", "DistributionId", distributionId, "Region", "Global", { stat: "Sum" }],
                    ["AWS/CloudFront", "5xxErrorRate", "DistributionId", distributionId, "Region", "Global", { stat: "Average", yAxis: "right" }],
                    ["AWS/CloudFront", "4xxErrorRate", "DistributionId", distributionId, "Region", "Global", { stat: "Average", yAxis: "right" }],
                  ],
                  { region: "us-east-1" },
                ),
              ]
            : []),
        ];
        return JSON.stringify({ widgets });
      });
    return new aws.cloudwatch.Dashboard(`${name}-dashboard`, { dashboardName: args.namePrefix, dashboardBody: body }, { parent: this });
  }
}
