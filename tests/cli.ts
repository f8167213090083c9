import { execFile } from "child_process";
import * as path from "path";

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
