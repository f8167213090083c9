import { execFile } from "child_process";
import * as path from "path";
import { Command, execute } from "../scripts/local/cli";
import { planCommandWith } from "../scripts/plan";
import { sharedProgramRun } from "./harness";

export const root = path.resolve(__dirname, "..");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<script>.ts` the way `npm run` does (minus npm's banner), from the project root. */
export function runScript(script: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", "./scripts/ts-register.cjs", `scripts/${script}.ts`, ...args],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/**
 * Runs a command in this process, as its script's entry would, with its output
 * captured: what the command does, without a second Node and SDK start each
 * time. `runScript` still covers each entry point as a process.
 */
export async function invoke(command: Command, ...args: string[]): Promise<CliResult> {
  const result = { status: 0, stdout: "", stderr: "" };
  result.status = await execute(command, {
    args,
    out: (text) => void (result.stdout += text),
    err: (text) => void (result.stderr += text),
    reserveStdout: () => undefined,
  });
  return result;
}

/** `npm run plan`'s command, run in this process over the suites' shared runs of each stack as committed. */
export const planCommand = planCommandWith(sharedProgramRun);
