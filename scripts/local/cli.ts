/** What every command here shares: option parsing, usage, exit statuses (2 = bad arguments, 3 = the command failed). */
import { parseArgs, ParseArgsConfig } from "util";

export function fail(status: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(status);
}

/** Parses strict `--options`; `--help` prints the usage, anything unknown exits 2 with it. */
export function parseOptions<O extends NonNullable<ParseArgsConfig["options"]>>(options: O, usage: string) {
  try {
    const { values } = parseArgs({ options, args: process.argv.slice(2).filter((a) => a !== "--help" && a !== "-h"), strict: true, allowPositionals: false });
    if (process.argv.slice(2).some((a) => a === "--help" || a === "-h")) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    return values;
  } catch (err) {
    return fail(2, `${(err as Error).message}\n${usage}`);
  }
}

/** Resolves once everything written to stdout has been handed to the OS (a pipe may still be queueing it). */
const flushed = () => new Promise<void>((resolve) => process.stdout.write("", () => resolve()));

/**
 * Runs a command and exits with the status it returns. An error that
 * `isBadInput` accepts (a bad file or config the user named) exits 2 with its
 * message; any other failure exits 3 with its stack.
 */
export function run(main: () => Promise<number> | number, isBadInput: (err: unknown) => boolean = () => false): void {
  Promise.resolve()
    .then(main)
    .then(
      async (status) => {
        await flushed();
        process.exit(status);
      },
      (err) => (isBadInput(err) ? fail(2, (err as Error).message) : fail(3, String(err?.stack ?? err))),
    );
}
