/**
 * npm run plan -- --stack <name> [--json] [--config <file>] [--policy-config <file>] [--usage <file>] [--against <old plan.json>]
 *
 * Runs the program for a stack against the mock engine and prints what
 * `pulumi up` would create and what it would cost a month, or with
 * --against, how that differs from an older plan file, cost included. Exit
 * status: 0 clean, 1 a mandatory policy is violated, 2 bad arguments, stack
 * config, usage file or plan file, 3 the program failed.
 */
import * as fs from "fs";
import { diffEstimates, estimateCost, formatCostDelta, formatEstimate } from "../cost/estimate";
import { readPriceTable } from "../cost/price-table";
import { Usage, UsageFileError, readUsageFile, usageFileOf } from "../cost/usage";
import { diffPlans, formatDiff, stackRenamer } from "../plan/diff";
import { PlanInputError, ProgramEngine, runProgram } from "../plan/engine";
import { PolicyConfigError, checkStack } from "../policy/evaluate";
import { PlanFileError, buildPlan, formatPlan, planExitCode, readPlanFile } from "../plan/report";
import { Command, CommandIo, fail, parseOptions, run } from "./local/cli";

const USAGE =
  "usage: npm run plan -- --stack <name> [--json] [--config <stack config file>] [--policy-config <policy pack config file>] [--usage <usage assumptions file>] [--against <old plan.json>]";

/** The stack's usage assumptions: the file given, else cost/usage.<stack>.yaml when it exists, else none (fixed costs only). */
function usageFor(stack: string, file?: string): Usage | undefined {
  if (file !== undefined) return readUsageFile(file);
  return fs.existsSync(usageFileOf(stack)) ? readUsageFile(usageFileOf(stack)) : undefined;
}

async function main(io: CommandIo, engine: ProgramEngine): Promise<number> {
  const values = parseOptions(
    {
      stack: { type: "string", short: "s" },
      json: { type: "boolean", default: false },
      config: { type: "string" },
      "policy-config": { type: "string" },
      usage: { type: "string" },
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
  const usage = usageFor(values.stack, values.usage);
  const prices = readPriceTable();

  const program = await engine({ stack: values.stack, configFile: values.config }).catch((err) => {
    if (isBadInput(err)) throw err;
    return fail(3, `the program failed for stack "${values.stack}":\n${err?.stack ?? err}`);
  });
  const plan = buildPlan(program, await checkStack(program.resources, values.stack, values["policy-config"]));
  const cost = estimateCost(plan, prices, usage);
  if (against) {
    const diff = diffPlans(against.plan, plan);
    // Resources pair up as the diff pairs them: the old stack's name read as the new one's.
    const rename = diff.renamed ? stackRenamer(diff.renamed.from, diff.renamed.to) : undefined;
    // Both plans priced alike (today's prices, each stack's own usage file): the delta is the change's.
    const costDelta = diffEstimates(estimateCost(against.plan, prices, usageFor(against.plan.stack)), cost, rename);
    io.out(
      values.json
        ? `${JSON.stringify({ ...diff, cost: costDelta }, null, 2)}\n`
        : `${formatDiff(diff, against.file)}\n${formatCostDelta(costDelta).join("\n")}\n`,
    );
  } else {
    io.out(values.json ? `${JSON.stringify({ ...plan, cost }, null, 2)}\n` : `${formatPlan(plan)}\n${formatEstimate(cost).join("\n")}\n`);
  }
  return planExitCode(plan);
}

/** The user's own input is wrong (stack, stack config, plan file, policy config): exit 2 with the message alone. */
function isBadInput(err: unknown): boolean {
  return (
    err instanceof PlanInputError ||
    err instanceof PlanFileError ||
    err instanceof PolicyConfigError ||
    err instanceof UsageFileError ||
    (err as Error)?.name === "StackConfigError"
  );
}

/**
 * The plan command over a given engine. The program is deterministic, so the
 * suites give it one that shares a stack's run between the tests that read
 * it unchanged (tests/harness.ts); `npm run plan` runs it afresh.
 */
export function planCommandWith(engine: ProgramEngine): Command {
  return { main: (io) => main(io, engine), isBadInput };
}

export const planCommand = planCommandWith(runProgram);

if (require.main === module) run(planCommand);
