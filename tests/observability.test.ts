import { strict as assert } from "assert";
import { THRESHOLDS } from "../components/observability";
import { FUNCTION_NAMES } from "../rules/functions";
import { StackRun, policyJson, runStack } from "./harness";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

for (const [stack, redisNodes, retention] of [
  ["prod", 2, 365],
  ["dev", 1, 14],
] as const) {
  describe(`Observability (${stack})`, () => {
    let run: StackRun;
    const alarm = (name: string) => run.find(ALARM, `observability-${name}`);
    before(async () => (run = await runStack(stack)));

    it("alarms on every metric of the reference's table, with its threshold and direction", () => {
      const expect = (name: string, metric: string, comparison: string, threshold: number) => {
        const a = alarm(name);
        assert.deepEqual([a.inputs.metricName, a.inputs.comparisonOperator, a.inputs.threshold], [metric, comparison, threshold], name);
      };
      expect("rds-cpu", "CPUUtilization", "GreaterThanThreshold", 80);
      expect("rds-free-memory", "FreeableMemory", "LessThanThreshold", 500 * 1024 * 1024);
      for (const fn of FUNCTION_NAMES) {
        expect(`${fn}-errors`, "Errors", "GreaterThanThreshold", 10);
        assert.equal(alarm(`${fn}-errors`).inputs.period, 60, "errors are counted per minute");
        expect(`${fn}-duration`, "Duration", "GreaterThanThreshold", 10_000);
        assert.deepEqual(alarm(`${fn}-errors`).inputs.dimensions, { FunctionName: `tms-${stack}-${fn}` });
      }
      expect("api-latency", "Latency", "GreaterThanThreshold", 1000);
      for (let node = 1; node <= redisNodes; node++) {
        expect(`redis-${node}-cpu`, "EngineCPUUtilization", "GreaterThanThreshold", 80);
        expect(`redis-${node}-memory`, "DatabaseMemoryUsagePercentage", "GreaterThanThreshold", 80);
        assert.deepEqual(alarm(`redis-${node}-cpu`).inputs.dimensions, { CacheClusterId: `tms-${stack}-redis-00${node}` });
      }
      expect("jobs-dead-letters", "ApproximateNumberOfMessagesVisible", "GreaterThanThreshold", 0);
      assert.equal(run.byType(ALARM).length, 2 + 2 * FUNCTION_NAMES.length + 2 + 2 * redisNodes + 1);
    });

    it("alarms on the API's 5xx rate (metric math), not on a count", () => {
      const a = alarm("api-5xx-rate");
      assert.equal(a.inputs.metricName, undefined);
      assert.equal(a.inputs.threshold, THRESHOLDS.api5xxPercent);
      const queries = a.inputs.metricQueries as any[];
      const rate = queries.find((q) => q.returnData);
      assert.equal(rate.expression, "IF(requests > 0, 100 * errors / requests, 0)");
      assert.deepEqual(
        queries
          .filter((q) => !q.returnData)
          .map((q) => q.metric.metricName)
          .sort(),
        ["5xx", "Count"],
      );
      assert.deepEqual(queries[0].metric.dimensions, { ApiId: run.outputs.apiId });
    });

    it("sends alarm and recovery to a KMS-encrypted topic, treating missing data deliberately", () => {
      const topic = run.find("aws:sns/topic:Topic");
      assert.ok(topic.inputs.kmsMasterKeyId);
      const key = run.find("aws:kms/key:Key", "observability-alarms-key");
      const publish = policyJson(key.inputs.policy).Statement.find((s) => s.Sid === "CloudWatchAlarmsPublish")!;
      assert.deepEqual(publish.Principal, { Service: "cloudwatch.amazonaws.com" });
      for (const a of run.byType(ALARM)) {
        assert.deepEqual(a.inputs.alarmActions, [run.outputs.alarmTopicArn], a.name);
        assert.deepEqual(a.inputs.okActions, [run.outputs.alarmTopicArn], a.name);
        assert.ok(["missing", "notBreaching"].includes(String(a.inputs.treatMissingData)), a.name);
      }
      assert.equal(alarm("rds-cpu").inputs.treatMissingData, "missing", "a silent database is not healthy");
      assert.equal(alarm("trips-errors").inputs.treatMissingData, "notBreaching", "no invocations, no errors");
    });

    it("draws a dashboard whose JSON parses and names the stack's real resources", () => {
      const dashboard = run.find("aws:cloudwatch/dashboard:Dashboard");
      assert.equal(dashboard.inputs.dashboardName, `tms-${stack}`);
      assert.equal(run.outputs.dashboardName, `tms-${stack}`);
      const body = JSON.parse(String(dashboard.inputs.dashboardBody));
      const text = JSON.stringify(body);
      const titles = body.widgets.map((w: any) => w.properties.title);
      for (const title of [
        "API requests and errors",
        "API latency",
        "Lambda invocations",
        "Lambda errors",
        "Lambda duration p99",
        "Lambda throttles",
        "Lambda concurrency",
        "RDS CPU and connections",
        "RDS memory and IOPS",
        "Redis",
      ]) {
        assert.ok(titles.includes(title), title);
      }
      for (const name of Object.values(run.outputs.functionNames as Record<string, string>)) assert.ok(text.includes(`"${name}"`), name);
      assert.ok(text.includes(`"tms-${stack}-db"`) && text.includes(`"${run.outputs.apiId}"`) && text.includes(`"tms-${stack}-redis"`));
      // CloudFront reports its metrics in us-east-1; everything else is in the stack's region.
      for (const w of body.widgets) assert.equal(w.properties.region, w.properties.title === "CloudFront" ? "us-east-1" : "ap-south-1", w.properties.title);
    });

    it(`keeps every log group for ${retention} days (tms:logRetentionDays), including the reference's groups`, () => {
      const groups = run.byType("aws:cloudwatch/logGroup:LogGroup");
      for (const group of groups) assert.equal(group.inputs.retentionInDays, retention, String(group.inputs.name));
      const names = groups.map((g) => String(g.inputs.name));
      for (const expected of [
        `/aws/rds/instance/tms-${stack}-db/postgresql`,
        `/aws/apigateway/tms-${stack}-api`,
        ...FUNCTION_NAMES.map((fn) => `/aws/lambda/tms-${stack}-${fn}`),
      ]) {
        assert.ok(names.includes(expected), expected);
      }
    });
  });
}

describe("Observability: alarm email", () => {
  it("subscribes the configured address to the alarm topic", async () => {
    const run = await runStack("dev", { "tms:observability": { alarmEmail: "oncall@example.in" } });
    const subscription = run.find("aws:sns/topicSubscription:TopicSubscription");
    assert.deepEqual([subscription.inputs.protocol, subscription.inputs.endpoint], ["email", "oncall@example.in"]);
    assert.equal((await runStack("dev")).byType("aws:sns/topicSubscription:TopicSubscription").length, 0);
  });
});

describe("Observability: alarm descriptions", () => {
  it("take their figures from the thresholds, so an override cannot leave a description saying 80% of a 70% alarm", () => {
    const source = require("fs").readFileSync(require("path").resolve(__dirname, "../components/observability.ts"), "utf8") as string;
    const literal = [...source.matchAll(/alarmDescription: (["`])([^"`]*)\1/g)].filter(([, , text]) =>
      /(?<![\w])\d+(\.\d+)?\s*(%|MB|GB|s\b|ms\b|errors)/.test(text.replace(/\$\{[^}]*\}/g, "")),
    );
    assert.deepEqual(
      literal.map((m) => m[2]),
      [],
    );
  });
});
