/**
 * npm run plan -- --stack <name> [--json] [--config <file>] [--policy-config <file>] [--against <old plan.json>]
 *
 * Runs the program for a stack against the mock engine and prints what
 * `pulumi up` would create, or with --against, how that differs from an
 * older plan file. Exit status: 0 clean, 1 a mandatory policy is violated,
 * 2 bad arguments, stack config or plan file, 3 the program failed.
 */
import { diffPlans, formatDiff } from "../plan/diff";
import { PlanInputError, runProgram } from "../plan/engine";
import { PolicyConfigError, checkStack } from "../policy/evaluate";
import { PlanFileError, buildPlan, formatPlan, planExitCode, readPlanFile } from "../plan/report";
import { fail, parseOptions, run } from "./local/cli";

const USAGE =
  "usage: npm run plan -- --stack <name> [--json] [--config <stack config file>] [--policy-config <policy pack config file>] [--against <old plan.json>]";

async function main(): Promise<number> {
  const values = parseOptions(
    {
      stack: { type: "string", short: "s" },
      json: { type: "boolean", default: false },
      config: { type: "string" },
      "policy-config": { type: "string" },
      against: { type: "string" },
    },
    USAGE,
  );
  if (!values.stack) fail(2, `--stack is required\n${USAGE}`);

  // --json promises JSON alone on stdout; anything the runtime prints goes to stderr.
  if (values.json) console.log = console.error;
  // Read first: a wrong path should not wait for the program.
  const before = values.against === undefined ? undefined : readPlanFile(values.against);

  let program;
  try {
    program = await runProgram({ stack: values.stack, configFile: values.config });
  } catch (err) {
    const error = err as Error;
    if (error instanceof PlanInputError || error.name === "StackConfigError") fail(2, error.message);
    fail(3, `the program failed for stack "${values.stack}":\n${error.stack ?? error.message}`);
  }
  const plan = buildPlan(program, await checkStack(program.resources, values.stack, values["policy-config"]));
  if (before && values.against) {
    const diff = diffPlans(before, plan);
    process.stdout.write(values.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff, values.against));
  } else {
    process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  return planExitCode(plan);
}

run(main, (err) => err instanceof PolicyConfigError || err instanceof PlanFileError);
