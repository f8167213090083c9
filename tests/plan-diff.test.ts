import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { changedPaths, diffPlans } from "../plan/diff";
import { PlanResource, runProgram } from "../plan/engine";
import { buildPlan, NO_POLICY_PACK, Plan } from "../plan/report";
import { checkStack } from "../policy/evaluate";
import { invoke, planCommand } from "./cli";
import { sharedProgramRun } from "./harness";

const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::tms::${type}::${name}`;

function resource(stack: string, type: string, name: string, inputs: PlanResource["inputs"], secrets?: Record<string, string>): PlanResource {
  return {
    urn: urn(stack, type, name),
    type,
    name,
    id: `${name}-id`,
    parent: null,
    custom: true,
    provider: "",
    dependencies: [],
    propertyDependencies: {},
    inputs,
    ...(secrets && { secrets }),
  };
}

const plan = (stack: string, resources: PlanResource[], policy = NO_POLICY_PACK): Plan => ({ project: "tms", stack, resources, outputs: {}, policy });

const BUCKET = "aws:s3/bucket:Bucket";
const DB = "aws:rds/instance:Instance";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

describe("plan diff", () => {
  const before = plan("dev", [
    resource("dev", BUCKET, "logs", { bucket: "tms-dev-logs" }),
    resource("dev", DB, "db", { instanceClass: "db.t4g.micro", multiAz: false, tags: { stack: "dev", team: "a" } }),
    resource("dev", SECRET_VERSION, "maps", { secretString: "[secret]" }, { secretString: "sha256:old" }),
    resource("dev", SECRET_VERSION, "redis", { secretString: "[secret]" }, { secretString: "sha256:same" }),
  ]);
  const after = plan("dev", [
    resource("dev", DB, "db", { instanceClass: "db.r6g.large", multiAz: false, tags: { stack: "dev", team: "b" }, maxAllocatedStorage: 500 }),
    resource("dev", SECRET_VERSION, "maps", { secretString: "[secret]" }, { secretString: "sha256:new" }),
    resource("dev", SECRET_VERSION, "redis", { secretString: "[secret]" }, { secretString: "sha256:same" }),
    resource("dev", BUCKET, "documents", { bucket: "tms-dev-documents" }),
  ]);
  const diff = diffPlans(before, after);

  it("lists a resource only the new plan has as added, and one only the old plan has as removed", () => {
    assert.deepEqual(
      diff.added.map((r) => r.name),
      ["documents"],
    );
    assert.deepEqual(
      diff.removed.map((r) => r.name),
      ["logs"],
    );
    assert.equal(diff.removed[0].urn, urn("dev", BUCKET, "logs"));
  });

  it("names each changed input by its path, with both values", () => {
    const db = diff.changed.find((r) => r.name === "db");
    assert.deepEqual(db?.changes, [
      { path: "instanceClass", before: "db.t4g.micro", after: "db.r6g.large" },
      { path: "maxAllocatedStorage", after: 500 },
      { path: "tags.team", before: "a", after: "b" },
    ]);
  });

  it("shows a secret that changed as changed, still redacted, and one that did not as unchanged", () => {
    const maps = diff.changed.find((r) => r.name === "maps");
    assert.deepEqual(maps?.changes, [{ path: "secretString", before: "[secret]", after: "[secret]" }]);
    assert.ok(!diff.changed.some((r) => r.name === "redis"));
    assert.equal(diff.unchanged, 1);
    assert.ok(!JSON.stringify(diff).includes("sha256:"), "digests stay out of the diff");
  });

  it("cannot tell a secret changed when a plan carries no digests, and does not guess", () => {
    assert.deepEqual(changedPaths({ token: "[secret]" }, { token: "[secret]" }, { after: { token: "sha256:x" } }), []);
  });

  it("compares a JSON document held in a string (an IAM policy) statement by statement", () => {
    const policy = (actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
    assert.deepEqual(changedPaths({ policy: policy(["s3:GetObject"]) }, { policy: policy(["s3:*"]) }), [
      { path: "policy.Statement[0].Action[0]", before: "s3:GetObject", after: "s3:*" },
    ]);
    assert.deepEqual(changedPaths({ list: [1, 2] }, { list: [1, 2, 3] }), [{ path: "list", before: [1, 2], after: [1, 2, 3] }]);
  });

  it("reads the old stack's name as the new one, so plans of two stacks differ only where they really do", () => {
    const prod = plan("prod", [
      resource("prod", BUCKET, "logs", { bucket: "tms-prod-logs" }),
      resource("prod", DB, "db", { instanceClass: "db.t4g.micro", multiAz: true, tags: { stack: "prod", team: "a" }, note: "devices" }),
      resource("prod", SECRET_VERSION, "maps", { secretString: "[secret]" }, { secretString: "sha256:old" }),
      resource("prod", SECRET_VERSION, "redis", { secretString: "[secret]" }, { secretString: "sha256:same" }),
    ]);
    const across = diffPlans(before, prod);
    assert.deepEqual(across.renamed, { from: "dev", to: "prod" });
    assert.deepEqual(across.added, []);
    assert.deepEqual(across.removed, []);
    assert.deepEqual(across.changed, [
      {
        urn: urn("prod", DB, "db"),
        type: DB,
        name: "db",
        changes: [
          { path: "multiAz", before: false, after: true },
          { path: "note", after: "devices" },
        ],
      },
    ]);
  });

  it("reports policy findings the change adds and those it resolves", () => {
    const finding = (policy: string) => ({ policy, level: "advisory" as const, urn: urn("dev", BUCKET, "logs"), message: `${policy} says so` });
    const old = plan("dev", before.resources, { pack: "p", violations: [finding("a"), finding("b")], summary: { mandatory: 0, advisory: 2 } });
    const now = plan("dev", before.resources, { pack: "p", violations: [finding("b"), finding("c")], summary: { mandatory: 0, advisory: 2 } });
    const { policy } = diffPlans(old, now);
    assert.deepEqual(
      policy.added.map((v) => v.policy),
      ["c"],
    );
    assert.deepEqual(
      policy.resolved.map((v) => v.policy),
      ["a"],
    );
  });
});

describe("plan diff through the engine", () => {
  const planOf = async (activeSecret: "a" | "b") =>
    buildPlan(await runProgram({ stack: "dev", config: { "tms:edge": { waf: false, originVerify: { activeSecret } } } }));

  it("sees the origin secret's rotation (CloudFront sends the other value) as a changed secret, without showing either value", async function () {
    this.timeout(120_000);
    const [a, aAgain, b] = [await planOf("a"), await planOf("a"), await planOf("b")];
    assert.deepEqual(diffPlans(a, aAgain).changed, []);
    const rotated = diffPlans(a, b).changed;
    assert.deepEqual(
      rotated.map((r) => r.type),
      ["aws:cloudfront/distribution:Distribution"],
    );
    assert.ok(JSON.stringify(rotated).includes("[secret"), "the header value shows as a secret");
    assert.ok(!/"value":"[A-Za-z0-9]{48}"/.test(JSON.stringify(b)), "no generated value is in the plan");
  });
});

describe("npm run plan -- --against", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-diff-"));
  const devFile = path.join(dir, "dev.json");

  before(async function () {
    this.timeout(120_000);
    const dev = await sharedProgramRun({ stack: "dev" });
    fs.writeFileSync(devFile, JSON.stringify(buildPlan(dev, await checkStack(dev.resources, "dev"))));
  });

  it("prints prod against dev as a readable diff and exits 0", async function () {
    this.timeout(120_000);
    const result = await invoke(planCommand, "--stack", "prod", "--against", devFile);
    assert.equal(result.status, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /^Plan diff: tms\/prod against .*dev\.json \(tms\/dev\)\n/);
    assert.match(out, /\n\d+ to add, 0 to remove, \d+ to change, \d+ unchanged\n/);
    assert.match(out, /\n\+ aws:wafv2\/webAcl:WebAcl {2}edge-waf\n/);
    assert.match(out, /\n~ aws:rds\/instance:Instance {2}database-postgres\n(\s{6}.*\n)*\s{6}instanceClass: "db\.t4g\.micro" → "db\.r6g\.large"\n/);
    assert.match(out, /\n~ awsx:ec2:Vpc {2}network-vpc\n\s{6}natGateways\.strategy: "Single" → "OnePerAz"\n/);
    assert.match(out, /\nPolicy: mandatory 0 → 0, advisory \d+ → \d+\n([+-] .*\n)*- \[advisory\] cloudfront-waf/);
  });

  it("--json prints the diff as a document", async function () {
    this.timeout(120_000);
    const result = await invoke(planCommand, "--stack", "dev", "--against", devFile, "--json");
    assert.equal(result.status, 0, result.stderr);
    const diff = JSON.parse(result.stdout);
    assert.deepEqual([diff.added, diff.removed, diff.changed, diff.renamed], [[], [], [], null]);
    assert.ok(diff.unchanged > 100);
  });

  it("reads a hand-written old plan whose policy lists findings without counts", async function () {
    this.timeout(120_000);
    const handWritten = path.join(dir, "hand-written.json");
    const finding = { policy: "cloudfront-waf", level: "advisory", urn: null, message: "no WAF" };
    fs.writeFileSync(
      handWritten,
      JSON.stringify({ stack: "prod", resources: [], policy: { pack: "tms-guardrails", violations: [finding, { ...finding, policy: "other" }] } }),
    );
    const result = await invoke(planCommand, "--stack", "prod", "--against", handWritten);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\nPolicy: mandatory 0 → 0, advisory 2 → \d+\n/);
  });

  it("exits 2 naming the file when the old plan is missing or not a plan", async function () {
    this.timeout(60_000);
    const notPlan = path.join(dir, "not-a-plan.json");
    fs.writeFileSync(notPlan, JSON.stringify({ resources: {} }));
    const [missing, wrong] = await Promise.all([
      invoke(planCommand, "--stack", "dev", "--against", path.join(dir, "nope.json")),
      invoke(planCommand, "--stack", "dev", "--against", notPlan),
    ]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read plan .*nope\.json/);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /not-a-plan\.json is not a plan/);
    assert.ok(!wrong.stderr.includes("    at "), "no stack trace");
  });
});
