/**
 * npm run policy:check -- --plan <plan.json> [--json] [--policy-config <file>]
 *
 * Evaluates the policy pack on any plan file in the offline-plan format (one
 * from `npm run plan -- --json`, or hand-written or mutated), with the plan's
 * stack's policy config unless --policy-config names another. Exit status: 0
 * clean, 1 a mandatory policy is violated, 2 bad arguments, plan or config.
 */
import { PlanFileError, readPlanFile, renderPolicy } from "../plan/report";
import { PolicyConfigError, checkStack } from "../policy/evaluate";
import { Command, CommandIo, fail, parseOptions, run } from "./local/cli";

const USAGE = "usage: npm run policy:check -- --plan <plan.json> [--json] [--policy-config <policy pack config file>]";

async function main(io: CommandIo): Promise<number> {
  const values = parseOptions({ plan: { type: "string" }, json: { type: "boolean", default: false }, "policy-config": { type: "string" } }, USAGE, io.args);
  if (!values.plan) fail(2, `--plan is required\n${USAGE}`);
  const plan = readPlanFile(values.plan);
  const report = await checkStack(plan.resources, plan.stack, values["policy-config"]);
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : `Policy check of ${values.plan} (stack ${plan.stack}):\n${renderPolicy(report).join("\n")}\n`);
  return report.summary.mandatory > 0 ? 1 : 0;
}

export const policyCheckCommand: Command = { main, isBadInput: (err) => err instanceof PolicyConfigError || err instanceof PlanFileError };

if (require.main === module) run(policyCheckCommand);
