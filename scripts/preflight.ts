/**
 * npm run preflight -- --stack <name>
 *
 * Checks, with the AWS credentials of the SDK's standard chain, that the
 * account has what a first `pulumi up` of the stack needs (regions enabled,
 * Lambda concurrency quota, the database class, SES, the hosted zone), one
 * line per check. Exit status: 0 ready, 4 not ready, 5 no credentials (nothing
 * checked), 2 bad arguments or stack config, 3 the command failed.
 */
import { decodeConfigValues, parseStackConfig } from "../config";
import { PlanInputError, stackConfigValues } from "../plan/engine";
import { Command, CommandIo, fail, parseOptions, run } from "./local/cli";
import { preflight, requirementsOf } from "./preflight/checks";

const USAGE = "usage: npm run preflight -- --stack <name>";

async function main(io: CommandIo): Promise<number> {
  const values = parseOptions({ stack: { type: "string", short: "s" } }, USAGE, io.args);
  if (!values.stack) fail(2, `--stack is required\n${USAGE}`);
  const { values: raw, secretKeys } = stackConfigValues({ stack: values.stack });
  const config = parseStackConfig(decodeConfigValues(raw), values.stack, new Set(secretKeys));
  return preflight(requirementsOf(config), (line) => io.out(`${line}\n`));
}

export const preflightCommand: Command = { main, isBadInput: (err) => err instanceof PlanInputError || (err as Error)?.name === "StackConfigError" };

if (require.main === module) run(preflightCommand);
