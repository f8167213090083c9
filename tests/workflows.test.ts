/**
 * The GitHub Actions workflows in .github/: this machine cannot run them, so
 * they are checked statically, with GitHub's own parser, and against the
 * repository (npm scripts, stacks, policy configs, the Pulumi version).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { listStacks } from "../plan/engine";
import { actionErrors, evaluateExpression, workflowErrors } from "./github-actions";

const root = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(root, ".github", "workflows");
const ACTIONS = path.join(root, ".github", "actions");

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, any>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

const workflowFiles = fs
  .readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const text = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
const workflow = (file: string) => parseYaml(text(file)) as Workflow;
const actionFiles = fs.readdirSync(ACTIONS).map((dir) => path.join(ACTIONS, dir, "action.yml"));
const allRunScripts = [
  ...workflowFiles.flatMap((f) => Object.values(workflow(f).jobs).flatMap((job) => job.steps ?? [])),
  ...actionFiles.flatMap((f) => (parseYaml(fs.readFileSync(f, "utf8")) as { runs: { steps: Step[] } }).runs.steps),
]
  .map((step) => step.run)
  .filter((run): run is string => run !== undefined);

/** Jobs anywhere that call the reusable pulumi workflow, with the file they are in. */
const pulumiCalls = workflowFiles.flatMap((file) =>
  Object.entries(workflow(file).jobs)
    .filter(([, job]) => job.uses === "./.github/workflows/pulumi.yml")
    .map(([name, job]) => ({ file, name, job })),
);
const stacksOf = (job: Job) => {
  const stack = String(job.with?.stack);
  return stack === "${{ matrix.stack }}" ? (job.strategy?.matrix?.stack as string[]) : [stack];
};

describe("GitHub workflows: syntax, as GitHub's parser reads it", () => {
  for (const file of workflowFiles) {
    it(`${file} parses with no errors (reusable workflows' inputs included)`, async () => {
      assert.deepEqual(await workflowErrors(file, text(file)), []);
    });
  }

  for (const file of actionFiles) {
    it(`${path.relative(root, file)} parses with no errors`, () => {
      assert.deepEqual(actionErrors(file, fs.readFileSync(file, "utf8")), []);
    });
  }

  it("the parser catches a misspelt key, an unknown context and a wrong input of a reusable workflow (the checks above can fail)", async () => {
    const misspelt = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-24.04", "    permisions: {}", "    steps:", "      - run: echo ${{ secret.TOKEN }}"];
    const errors = (await workflowErrors("misspelt.yml", misspelt.join("\n"))).join("\n");
    assert.match(errors, /Unexpected value 'permisions'/);
    assert.match(errors, /Unrecognized named-value: 'secret'/);
    const wrongInput = ["on: push", "jobs:", "  b:", "    uses: ./.github/workflows/pulumi.yml", "    with:", "      comand: up", "      stack: dev"];
    const callErrors = (await workflowErrors("wrong-input.yml", wrongInput.join("\n"))).join("\n");
    assert.match(callErrors, /comand is not defined in the referenced workflow/);
    assert.match(callErrors, /Input command is required/);
    assert.match(actionErrors("action.yml", "name: x\nruns:\n  using: composite\n  steps:\n    - run: echo\n      shel: bash\n").join("\n"), /shel/);
  });
});

describe("GitHub workflows: what they run", () => {
  const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts);

  it("call only npm scripts that exist in package.json", () => {
    const used = allRunScripts.flatMap((run) => [...run.matchAll(/\bnpm (?:run(?: -s)? ([\w:-]+)|(test)\b)/g)].map((m) => m[1] ?? m[2]));
    assert.ok(used.includes("plan") && used.includes("test"));
    assert.deepEqual(
      used.filter((s) => !scripts.includes(s)),
      [],
    );
  });

  it("run scripts bash accepts, with no ${{ }} inside them (values come in through env, so none can inject shell)", () => {
    assert.ok(allRunScripts.length > 5);
    for (const run of allRunScripts) {
      assert.doesNotMatch(run, /\$\{\{/, run);
      const check = spawnSync("bash", ["-n"], { input: run, encoding: "utf8" });
      assert.equal(check.status, 0, `${check.stderr}\n${run}`);
    }
  });

  it("install with npm ci (the lockfile), never npm install", () => {
    assert.ok(allRunScripts.some((run) => /\bnpm ci\b/.test(run)));
    assert.ok(!allRunScripts.some((run) => /\bnpm (install|i)\b/.test(run)));
  });

  it("pin every action to a release", () => {
    const uses = workflowFiles.flatMap((f) => Object.values(workflow(f).jobs).flatMap((job) => (job.steps ?? []).map((s) => s.uses)));
    const external = uses.filter((u): u is string => u !== undefined && !u.startsWith("./"));
    assert.ok(external.length > 0);
    assert.deepEqual(
      external.filter((u) => !/^[\w-]+\/[\w-]+@(v\d+|[0-9a-f]{40})$/.test(u)),
      [],
    );
  });

  it("install the Pulumi CLI of the SDK version package-lock.json pins", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
    const sdk = lock.packages["node_modules/@pulumi/pulumi"].version;
    const pulumiStep = workflow("pulumi.yml").jobs.pulumi.steps?.find((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.equal(pulumiStep?.with?.["pulumi-version"], sdk);
  });
});

describe("GitHub workflows: credentials and permissions", () => {
  it("never use long-lived AWS keys", () => {
    for (const file of [...workflowFiles.map((f) => path.join(WORKFLOWS, f)), ...actionFiles]) {
      assert.doesNotMatch(fs.readFileSync(file, "utf8"), /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i, file);
    }
    const credentials = workflow("pulumi.yml").jobs.pulumi.steps?.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    assert.equal(credentials?.with?.["role-to-assume"], "${{ env.AWS_ROLE_ARN }}");
  });

  it("grant only read access to the repository at the top of each workflow", () => {
    for (const file of workflowFiles.filter((f) => !("workflow_call" in (workflow(f).on ?? {})))) {
      assert.deepEqual(workflow(file).permissions, { contents: "read" }, file);
    }
  });

  it("leave permissions to the callers in reusable workflows, and grant each Pulumi job only what it needs", () => {
    for (const file of workflowFiles.filter((f) => "workflow_call" in (workflow(f).on ?? {}))) {
      assert.equal(workflow(file).permissions, undefined, file);
      for (const job of Object.values(workflow(file).jobs)) assert.equal(job.permissions, undefined, file);
    }
    for (const { file, name, job } of pulumiCalls) {
      const comments = file === "pull-request.yml";
      assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", ...(comments && { "pull-requests": "write" }) }, `${file} ${name}`);
    }
  });

  // The role and environment a Pulumi job gets, as the runner evaluates pulumi.yml's expressions.
  const job = workflow("pulumi.yml").jobs.pulumi;
  const evaluate = (value: string | undefined, command: string, vars: Record<string, string>) => {
    assert.match(value ?? "", /^\$\{\{.*\}\}$/s, "an expression");
    return evaluateExpression(value, { inputs: { command, stack: "prod" }, vars });
  };
  const vars = { AWS_DEPLOY_ROLE_ARN: "arn:aws:iam::1:role/deploy", AWS_PREVIEW_ROLE_ARN: "arn:aws:iam::1:role/preview" };

  it("run `up` in the stack's GitHub environment with the deploy role, and previews outside any environment with the read-only role", () => {
    assert.equal(evaluate(job.environment, "up", vars), "prod");
    assert.equal(evaluate(job.env?.AWS_ROLE_ARN, "up", vars), vars.AWS_DEPLOY_ROLE_ARN);
    assert.equal(evaluate(job.environment, "preview", vars), "");
    assert.equal(evaluate(job.env?.AWS_ROLE_ARN, "preview", vars), vars.AWS_PREVIEW_ROLE_ARN);
  });

  it("never fall back to the other role when one is not configured (the job stops naming the variable)", () => {
    assert.equal(evaluate(job.env?.AWS_ROLE_ARN, "up", { AWS_PREVIEW_ROLE_ARN: vars.AWS_PREVIEW_ROLE_ARN }), "");
    assert.equal(evaluate(job.env?.AWS_ROLE_ARN, "preview", { AWS_DEPLOY_ROLE_ARN: vars.AWS_DEPLOY_ROLE_ARN }), "");
    assert.equal(evaluate(job.env?.AWS_ROLE_VARIABLE, "up", {}), "AWS_DEPLOY_ROLE_ARN of the prod environment");
    const check = job.steps?.find((s) => s.run?.includes("AWS_ROLE_ARN"))?.run ?? "";
    assert.match(check, /\[ -n "\$AWS_ROLE_ARN" \] \|\| \{ echo "::error::the variable \$AWS_ROLE_VARIABLE is not set/);
    const order = (job.steps ?? []).map((s) => s.uses ?? s.run ?? "");
    assert.ok(order.findIndex((s) => s.includes("AWS_ROLE_ARN")) < order.findIndex((s) => s.startsWith("aws-actions/")), "checked before use");
  });
});

describe("GitHub workflows: the pipeline", () => {
  const pulumiStep = workflow("pulumi.yml").jobs.pulumi.steps?.find((s) => s.uses?.startsWith("pulumi/actions@"));

  it("runs every Pulumi operation with the policy pack and the stack's own policy config", () => {
    assert.equal(pulumiStep?.with?.policyPacks, "policy");
    assert.equal(pulumiStep?.with?.policyPackConfigs, "policy/config.${{ inputs.stack }}.json");
    for (const stack of listStacks()) assert.ok(fs.existsSync(path.join(root, "policy", `config.${stack}.json`)), stack);
    assert.ok(fs.existsSync(path.join(root, "policy", "PulumiPolicy.yaml")));
  });

  it("has the Pulumi CLI start the program as npm run plan does, without a type-check per preview (npm test type-checks once)", () => {
    const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    assert.deepEqual(project.runtime.options, {
      typescript: false,
      nodeargs: "--max-semi-space-size=32 --require ./scripts/ts-register.cjs",
      packagemanager: "npm",
    });
    const plan = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts.plan;
    assert.equal(plan, `node ${project.runtime.options.nodeargs} scripts/plan.ts`);
  });

  it("checks the account with npm run preflight before every `up`, and never before a preview", () => {
    const steps = workflow("pulumi.yml").jobs.pulumi.steps ?? [];
    const preflight = steps.findIndex((s) => /npm run -s preflight -- --stack "\$STACK"/.test(s.run ?? ""));
    assert.ok(preflight > 0, "a preflight step");
    assert.ok(preflight < steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@")), "before the Pulumi operation");
    assert.ok(preflight > steps.findIndex((s) => /configure-aws-credentials/.test(s.uses ?? "")), "with the stack's credentials");
    assert.equal(evaluateExpression(steps[preflight].if, { inputs: { command: "up" } }), true);
    assert.equal(evaluateExpression(steps[preflight].if, { inputs: { command: "preview" } }), false);
  });

  it("pull requests: tests, the offline plans with their diff against the base branch, then a preview of every stack commented on the PR", () => {
    const pr = workflow("pull-request.yml");
    assert.ok("pull_request" in pr.on);
    assert.equal(pr.jobs.test.uses, "./.github/workflows/test.yml");
    const plan = (pr.jobs.plan.steps ?? []).map((s) => s.run ?? s.uses ?? "").join("\n");
    assert.match(plan, /npm run -s plan -- --stack "\$stack" --json > "\.\.\/plans\/\$stack\.json"/);
    assert.match(plan, /npm run -s plan -- --stack "\$stack" --against "\.\.\/plans\/\$stack\.base\.json"/);
    assert.match(plan, /GITHUB_STEP_SUMMARY/);
    assert.match(plan, /actions\/upload-artifact@/);
    // The diff, monthly cost delta included (the plan prints it), is commented on the pull request, except from forks.
    const comment = (pr.jobs.plan.steps ?? []).find((s) => /gh pr comment/.test(s.run ?? ""))!;
    assert.match(comment.run!, /--body-file plans\/diff\.md/);
    assert.equal(comment.env?.GH_TOKEN, "${{ github.token }}");
    assert.equal(pr.jobs.plan.permissions?.["pull-requests"], "write");
    const fork = { github: { repository: "acme/tms", event: { pull_request: { head: { repo: { full_name: "someone/tms" } } } } } };
    assert.equal(evaluateExpression(comment.if, fork), false);
    assert.equal(evaluateExpression(comment.if, { github: { ...fork.github, event: { pull_request: { head: { repo: { full_name: "acme/tms" } } } } } }), true);
    assert.match(plan.match(/for stack in ([\w ]+);/)?.[1] ?? "", new RegExp(`^${listStacks().join(" ")}$`));
    const preview = pulumiCalls.find((c) => c.file === "pull-request.yml");
    assert.equal(preview?.job.with?.command, "preview");
    assert.deepEqual(stacksOf(preview!.job), listStacks());
    assert.deepEqual(preview?.job.needs, ["test", "plan"]);
    assert.equal(evaluateExpression(pulumiStep?.with?.["comment-on-pr"], { github: { event_name: "pull_request" } }), true);
    assert.equal(evaluateExpression(pulumiStep?.with?.["comment-on-pr"], { github: { event_name: "push" } }), false);
  });

  it("pull requests: one run per branch, a newer push cancelling the older run", () => {
    const { concurrency } = workflow("pull-request.yml");
    assert.match(concurrency?.group ?? "", /github\.head_ref/);
    assert.equal(concurrency?.["cancel-in-progress"], true);
  });

  it("main: tests, then `pulumi up` of dev", () => {
    const dev = workflow("deploy-dev.yml");
    assert.deepEqual(dev.on, { push: { branches: ["main"] } });
    const up = pulumiCalls.filter((c) => c.file === "deploy-dev.yml");
    assert.deepEqual(
      up.map((c) => [c.job.with?.command, c.job.with?.stack, c.job.needs]),
      [["up", "dev", "test"]],
    );
    assert.equal(dev.concurrency?.["cancel-in-progress"], false, "a running up is never cancelled");
  });

  it("prod: only on a release tag or by hand, a preview first, then `up` in the prod environment (approval)", () => {
    const prod = workflow("deploy-prod.yml");
    assert.deepEqual(Object.keys(prod.on).sort(), ["push", "workflow_dispatch"]);
    assert.deepEqual(prod.on.push, { tags: ["v*"] });
    const calls = pulumiCalls.filter((c) => c.file === "deploy-prod.yml").map((c) => [c.name, c.job.with?.command, c.job.with?.stack, c.job.needs]);
    assert.deepEqual(calls, [
      ["preview", "preview", "prod", "test"],
      ["up", "up", "prod", "preview"],
    ]);
    assert.equal(prod.concurrency?.["cancel-in-progress"], false);
    const gate = prod.jobs.test.if;
    assert.equal(evaluateExpression(gate, { github: { ref: "refs/tags/v1.4.0" } }), true);
    assert.equal(evaluateExpression(gate, { github: { ref: "refs/heads/main" } }), true);
    assert.equal(evaluateExpression(gate, { github: { ref: "refs/heads/feature" } }), false);
  });

  it("drift: nightly, every stack refreshed and previewed expecting no changes; a failure opens an issue", () => {
    const drift = workflow("drift.yml");
    assert.match(drift.on.schedule[0].cron, /^\d+ \d+ \* \* \*$/);
    const call = pulumiCalls.find((c) => c.file === "drift.yml")!;
    assert.deepEqual([call.job.with?.command, call.job.with?.refresh, call.job.with?.["expect-no-changes"]], ["preview", true, true]);
    assert.deepEqual(stacksOf(call.job), listStacks());
    assert.equal(pulumiStep?.with?.refresh, "${{ inputs.refresh }}");
    assert.equal(pulumiStep?.with?.["expect-no-changes"], "${{ inputs.expect-no-changes }}");
    assert.deepEqual([drift.jobs.report.needs, drift.jobs.report.if, drift.jobs.report.permissions], ["drift", "failure()", { issues: "write" }]);
    assert.match(drift.jobs.report.steps?.[0].run ?? "", /gh issue create/);
  });

  it("tests in CI against real PostgreSQL and Redis, as .ci/run does", () => {
    const test = workflow("test.yml").jobs.test as Job & { services: Record<string, { image: string }> };
    assert.deepEqual(
      Object.values(test.services)
        .map((s) => s.image)
        .sort(),
      ["postgres:15", "redis:7"],
    );
    assert.match(test.env?.DATABASE_URL ?? "", /^postgres:\/\//);
    assert.match(test.env?.REDIS_URL ?? "", /^redis:\/\//);
    assert.ok(test.steps?.some((s) => s.run === "npm test"));
  });
});
