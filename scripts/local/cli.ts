/** What every command here shares: option parsing, usage, exit statuses (2 = bad arguments, 3 = the command failed). */
import { parseArgs, ParseArgsConfig } from "util";

/** Where a command reads its arguments and writes its output: the process's own, or a test's buffers. */
export interface CommandIo {
  args: string[];
  out(text: string): void;
  err(text: string): void;
  /** From here on, stdout carries the command's own output alone (for --json): anything else printed goes to stderr. */
  reserveStdout(): void;
}

/** A command: its body, and which errors are the user's input being wrong (exit 2 with the message alone). */
export interface Command {
  main(io: CommandIo): Promise<number> | number;
  isBadInput?(err: unknown): boolean;
}

/** Ends a command with an exit status and a message: stdout for status 0 (--help), stderr otherwise. */
export class CommandExit extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function fail(status: number, message: string): never {
  throw new CommandExit(status, message);
}

/** Parses strict `--options`; `--help` ends with the usage, anything unknown exits 2 with it. */
export function parseOptions<O extends NonNullable<ParseArgsConfig["options"]>>(options: O, usage: string, args: string[]) {
  if (args.some((a) => a === "--help" || a === "-h")) throw new CommandExit(0, usage);
  try {
    return parseArgs({ options, args, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return fail(2, `${(err as Error).message}\n${usage}`);
  }
}

/**
 * Runs a command to its exit status. An error that the command calls bad
 * input (a bad file or config the user named) is exit 2 with its message; any
 * other failure is exit 3 with its stack.
 */
export async function execute(command: Command, io: CommandIo): Promise<number> {
  try {
    return await command.main(io);
  } catch (err) {
    if (err instanceof CommandExit) {
      (err.status === 0 ? io.out : io.err)(`${err.message}\n`);
      return err.status;
    }
    if (command.isBadInput?.(err)) {
      io.err(`${(err as Error).message}\n`);
      return 2;
    }
    io.err(`${(err as Error)?.stack ?? err}\n`);
    return 3;
  }
}

/** Resolves once everything written to stdout has been handed to the OS (a pipe may still be queueing it). */
const flushed = () => new Promise<void>((resolve) => process.stdout.write("", () => resolve()));

/** Runs a command as this process's entry point, and exits with its status. */
export function run(command: Command): void {
  // A reader that stops early (`| head`) is not a failure of the command.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  const io: CommandIo = {
    args: process.argv.slice(2),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    reserveStdout: () => {
      console.log = console.error;
    },
  };
  void execute(command, io).then(async (status) => {
    await flushed();
    process.exit(status);
  });
}
