/**
 * npm run plan -- --stack <name> [--json] [--config <file>] [--policy-config <file>]
 *
 * Runs the program for a stack against the mock engine and prints what
 * `pulumi up` would create. Exit status: 0 clean, 1 a mandatory policy is
 * violated, 2 bad arguments or invalid stack config, 3 the program failed.
 */
import { parseArgs } from "util";
import { PlanInputError, runProgram } from "../plan/engine";
import { PolicyConfigError, checkStack } from "../policy/evaluate";
import { buildPlan, formatPlan, planExitCode } from "../plan/report";

const USAGE = "usage: npm run plan -- --stack <name> [--json] [--config <stack config file>] [--policy-config <policy pack config file>]";

function fail(status: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(status);
}

async function main(): Promise<number> {
  let values: { stack?: string; json?: boolean; config?: string; "policy-config"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        stack: { type: "string", short: "s" },
        json: { type: "boolean", default: false },
        config: { type: "string" },
        "policy-config": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(2, `${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.stack) fail(2, `--stack is required\n${USAGE}`);

  // --json promises JSON alone on stdout; anything the runtime prints goes to stderr.
  if (values.json) console.log = console.error;

  let run;
  try {
    run = await runProgram({ stack: values.stack, configFile: values.config });
  } catch (err) {
    const error = err as Error;
    if (error instanceof PlanInputError || error.name === "StackConfigError") fail(2, error.message);
    fail(3, `the program failed for stack "${values.stack}":\n${error.stack ?? error.message}`);
  }
  let policy;
  try {
    policy = await checkStack(run.resources, values.stack, values["policy-config"]);
  } catch (err) {
    if (err instanceof PolicyConfigError) fail(2, err.message);
    throw err;
  }
  const plan = buildPlan(run, policy);
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return planExitCode(plan);
}

main().then(
  (status) => process.exit(status),
  (err) => fail(3, String(err?.stack ?? err)),
);
