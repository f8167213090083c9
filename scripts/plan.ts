/**
 * npm run plan -- --stack <name> [--json] [--config <file>] [--policy-config <file>]
 *
 * Runs the program for a stack against the mock engine and prints what
 * `pulumi up` would create. Exit status: 0 clean, 1 a mandatory policy is
 * violated, 2 bad arguments or invalid stack config, 3 the program failed.
 */
import { PlanInputError, runProgram } from "../plan/engine";
import { PolicyConfigError, checkStack } from "../policy/evaluate";
import { buildPlan, formatPlan, planExitCode } from "../plan/report";
import { fail, parseOptions, run } from "./local/cli";

const USAGE = "usage: npm run plan -- --stack <name> [--json] [--config <stack config file>] [--policy-config <policy pack config file>]";

async function main(): Promise<number> {
  const values = parseOptions(
    { stack: { type: "string", short: "s" }, json: { type: "boolean", default: false }, config: { type: "string" }, "policy-config": { type: "string" } },
    USAGE,
  );
  if (!values.stack) fail(2, `--stack is required\n${USAGE}`);

  // --json promises JSON alone on stdout; anything the runtime prints goes to stderr.
  if (values.json) console.log = console.error;

  let program;
  try {
    program = await runProgram({ stack: values.stack, configFile: values.config });
  } catch (err) {
    const error = err as Error;
    if (error instanceof PlanInputError || error.name === "StackConfigError") fail(2, error.message);
    fail(3, `the program failed for stack "${values.stack}":\n${error.stack ?? error.message}`);
  }
  let policy;
  try {
    policy = await checkStack(program.resources, values.stack, values["policy-config"]);
  } catch (err) {
    if (err instanceof PolicyConfigError) fail(2, err.message);
    throw err;
  }
  const plan = buildPlan(program, policy);
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return planExitCode(plan);
}

run(main);
