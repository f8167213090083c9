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
import { Command, CommandIo, fail, parseOptions, run } from "./local/cli";

const USAGE =
  "usage: npm run plan -- --stack <name> [--json] [--config <stack config file>] [--policy-config <policy pack config file>] [--against <old plan.json>]";

async function main(io: CommandIo): Promise<number> {
  const values = parseOptions(
    {
      stack: { type: "string", short: "s" },
      json: { type: "boolean", default: false },
      config: { type: "string" },
      "policy-config": { type: "string" },
      against: { type: "string" },
    },
    USAGE,
    io.args,
  );
  if (!values.stack) fail(2, `--stack is required\n${USAGE}`);

  // --json promises JSON alone on stdout; anything the runtime prints goes to stderr.
  if (values.json) io.reserveStdout();
  // Read first: a wrong path should not wait for the program.
  const against = values.against === undefined ? undefined : { file: values.against, plan: readPlanFile(values.against) };

  const program = await runProgram({ stack: values.stack, configFile: values.config }).catch((err) => {
    if (isBadInput(err)) throw err;
    return fail(3, `the program failed for stack "${values.stack}":\n${err?.stack ?? err}`);
  });
  const plan = buildPlan(program, await checkStack(program.resources, values.stack, values["policy-config"]));
  if (against) {
    const diff = diffPlans(against.plan, plan);
    io.out(values.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff, against.file));
  } else {
    io.out(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  return planExitCode(plan);
}

/** The user's own input is wrong (stack, stack config, plan file, policy config): exit 2 with the message alone. */
function isBadInput(err: unknown): boolean {
  return err instanceof PlanInputError || err instanceof PlanFileError || err instanceof PolicyConfigError || (err as Error)?.name === "StackConfigError";
}

export const planCommand: Command = { main, isBadInput };

if (require.main === module) run(planCommand);
