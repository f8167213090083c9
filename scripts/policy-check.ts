/**
 * npm run policy:check -- --plan <plan.json> [--json] [--policy-config <file>]
 *
 * Evaluates the policy pack on any plan file in the offline-plan format (one
 * from `npm run plan -- --json`, or hand-written or mutated), with the plan's
 * stack's policy config unless --policy-config names another. Exit status: 0
 * clean, 1 a mandatory policy is violated, 2 bad arguments, plan or config.
 */
import * as fs from "fs";
import type { PlanResource } from "../plan/engine";
import { renderPolicy } from "../plan/report";
import { PolicyConfigError, checkStack } from "../policy/evaluate";
import { fail, parseOptions, run } from "./local/cli";

const USAGE = "usage: npm run policy:check -- --plan <plan.json> [--json] [--policy-config <policy pack config file>]";

/** Reads a plan file, filling the fields a hand-written plan may leave out; rejects anything else. */
function readPlan(file: string): { stack: string; resources: PlanResource[] } {
  let doc: any;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    fail(2, `cannot read plan ${file}: ${(err as Error).message}`);
  }
  if (typeof doc?.stack !== "string" || !Array.isArray(doc.resources)) fail(2, `${file} is not a plan: expected { "stack": "...", "resources": [...] }`);
  const resources = doc.resources.map((r: any, i: number): PlanResource => {
    for (const key of ["urn", "type", "name"]) {
      if (typeof r?.[key] !== "string") fail(2, `${file}: resources[${i}].${key} must be a string`);
    }
    if (r.inputs !== undefined && (r.inputs === null || typeof r.inputs !== "object")) fail(2, `${file}: resources[${i}].inputs must be an object`);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      id: r.id ?? "",
      parent: r.parent ?? null,
      custom: r.custom ?? true,
      provider: r.provider ?? "",
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
      inputs: r.inputs ?? {},
    };
  });
  return { stack: doc.stack, resources };
}

async function main(): Promise<number> {
  const values = parseOptions({ plan: { type: "string" }, json: { type: "boolean", default: false }, "policy-config": { type: "string" } }, USAGE);
  if (!values.plan) fail(2, `--plan is required\n${USAGE}`);
  const plan = readPlan(values.plan);
  let report;
  try {
    report = await checkStack(plan.resources, plan.stack, values["policy-config"]);
  } catch (err) {
    if (err instanceof PolicyConfigError) fail(2, err.message);
    throw err;
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `Policy check of ${values.plan} (stack ${plan.stack}):\n${renderPolicy(report).join("\n")}\n`);
  return report.summary.mandatory > 0 ? 1 : 0;
}

run(main);
