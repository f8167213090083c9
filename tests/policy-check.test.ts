import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPlan, Plan } from "../plan/report";
import { checkStack } from "../policy/evaluate";
import { policyCheckCommand } from "../scripts/policy-check";
import { invoke, runScript } from "./cli";
import { sharedProgramRun } from "./harness";

/** Runs `npm run policy:check -- <args>`: in this process, or as its own process the way a user does. */
const policyCheck = (...args: string[]) => invoke(policyCheckCommand, ...args);
const policyCheckProcess = (...args: string[]) => runScript("policy-check", ...args);

let prodPlan: Promise<string> | undefined;

/** The prod plan, as `npm run plan -- --stack prod --json` writes it (built once), with one change applied. */
async function mutatedProdPlan(dir: string, name: string, mutate: (plan: Plan) => void): Promise<string> {
  prodPlan ??= sharedProgramRun({ stack: "prod" }).then(async (run) => JSON.stringify(buildPlan(run, await checkStack(run.resources, "prod"))));
  const plan = JSON.parse(await prodPlan) as Plan;
  mutate(plan);
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

const find = (plan: Plan, name: string) => plan.resources.find((r) => r.name === name)!;

describe("npm run policy:check", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-policy-check-"));
  const results: Record<string, { status: number; stdout: string; stderr: string }> = {};

  before(async () => {
    const files = {
      clean: await mutatedProdPlan(dir, "clean", () => undefined),
      openRds: await mutatedProdPlan(dir, "open-rds", (plan) => {
        const rule = find(plan, "network-rds-from-lambda");
        delete rule.inputs.referencedSecurityGroupId;
        rule.inputs.cidrIpv4 = "0.0.0.0/0";
      }),
      starAction: await mutatedProdPlan(dir, "star-action", (plan) => {
        const policy = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
        const doc = JSON.parse(String(policy.inputs.policy));
        doc.Statement[0].Action = "*";
        policy.inputs.policy = JSON.stringify(doc);
      }),
      unencryptedDb: await mutatedProdPlan(dir, "unencrypted-db", (plan) => {
        plan.resources.push({
          urn: "urn:pulumi:prod::tms::aws:rds/instance:Instance::tms-prod-db",
          type: "aws:rds/instance:Instance",
          name: "tms-prod-db",
          id: "",
          parent: null,
          custom: true,
          provider: "",
          dependencies: [],
          propertyDependencies: {},
          inputs: { engine: "postgres", storageEncrypted: false, multiAz: true, deletionProtection: true, backupRetentionPeriod: 30 },
        });
      }),
      notAPlan: path.join(dir, "not-a-plan.json"),
    };
    fs.writeFileSync(files.notAPlan, JSON.stringify({ hello: "world" }));
    const entries = await Promise.all([
      policyCheck("--plan", files.clean).then((r) => ["clean", r] as const),
      policyCheck("--plan", files.openRds).then((r) => ["openRds", r] as const),
      policyCheckProcess("--plan", files.starAction, "--json").then((r) => ["starAction", r] as const),
      policyCheck("--plan", files.unencryptedDb).then((r) => ["unencryptedDb", r] as const),
      policyCheck("--plan", files.notAPlan).then((r) => ["notAPlan", r] as const),
      policyCheck("--plan", files.clean, "--policy-config", path.join(dir, "missing.json")).then((r) => ["missingConfig", r] as const),
    ]);
    for (const [name, result] of entries) results[name] = result;
  });

  it("exits 0 on the unmodified prod plan", () => {
    assert.equal(results.clean.status, 0, results.clean.stderr);
    assert.match(results.clean.stdout, /pack tms-guardrails: 0 mandatory, \d+ advisory violation\(s\)/);
  });

  it("exits 1 naming the policy and resource when the rds group takes 5432 from 0.0.0.0/0", () => {
    assert.equal(results.openRds.status, 1);
    assert.match(results.openRds.stdout, /\[mandatory\] ec2-no-open-ingress — network-rds-from-lambda\n.*\n\s+ingress tcp 5432-5432 from 0\.0\.0\.0\/0/);
  });

  it('exits 1 naming the policy and resource when a role policy allows "*" (--json)', () => {
    assert.equal(results.starAction.status, 1);
    const report = JSON.parse(results.starAction.stdout);
    const hit = report.violations.find((v: any) => v.policy === "iam-no-wildcard-actions");
    assert.equal(hit.level, "mandatory");
    assert.match(hit.urn, /aws:iam\/rolePolicy:RolePolicy::network-flow-logs$/);
    assert.match(hit.message, /allows "\*"/);
    assert.ok(report.summary.mandatory >= 1);
  });

  it("exits 1 naming the policy and resource when an RDS instance is not encrypted", () => {
    assert.equal(results.unencryptedDb.status, 1);
    assert.match(results.unencryptedDb.stdout, /\[mandatory\] rds-storage-encrypted — tms-prod-db\n.*\n\s+storageEncrypted is not true/);
  });

  it("exits 2 on a file that is not a plan, or a policy config that does not exist", () => {
    assert.equal(results.notAPlan.status, 2);
    assert.match(results.notAPlan.stderr, /is not a plan: expected \{ "stack": "\.\.\.", "resources": \[\.\.\.\] \}/);
    assert.equal(results.missingConfig.status, 2);
    assert.match(results.missingConfig.stderr, /policy config .*missing\.json does not exist/);
  });
});
