/**
 * npm test [-- <mocha arguments>] — the whole suite: both type-checks, the
 * format check, the web app's component tests, then every mocha suite.
 *
 * Each step is the package.json script of its name, run as npm runs it (a
 * shell with node_modules/.bin on PATH) without starting npm for each.
 * The steps overlap so that both cores stay busy: the program's type-check
 * (the longest, mostly on one core) runs from the start; the shorter checks
 * run beside it; mocha starts as soon as they have passed, beside the
 * type-check's tail, and not after it. A step that fails stops the others:
 * its output and the failure are what the run ends with. Each step's output
 * is shown when it ends (mocha's as it runs), with how long it took.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

/** The checks beside the program's type-check; mocha waits for these. */
export const CHECKS = ["typecheck:web", "format:check", "test:web"] as const;
/** The program's type-check: from the start, beside everything else. */
export const TYPECHECK = "typecheck:program";
export const SUITES = "test:unit";

export interface StepResult {
  script: string;
  status: number;
  seconds: number;
}

/** A step as its own process group, so that stopping it stops what it started (mocha's workers, Chromium). */
function start(
  script: string,
  command: string,
  extraArgs: string[],
  streamed: boolean,
): { child: ChildProcess; done: Promise<StepResult>; output: () => string } {
  const started = performance.now();
  const quoted = extraArgs.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const child = spawn("sh", ["-c", quoted ? `${command} ${quoted}` : command], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}` },
    stdio: ["ignore", streamed ? "inherit" : "pipe", streamed ? "inherit" : "pipe"],
  });
  const chunks: Buffer[] = [];
  child.stdout?.on("data", (c: Buffer) => chunks.push(c));
  child.stderr?.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<StepResult>((resolve) => {
    child.on("error", () => resolve({ script, status: 127, seconds: (performance.now() - started) / 1000 }));
    child.on("close", (code, signal) => resolve({ script, status: code ?? (signal ? 128 : 1), seconds: (performance.now() - started) / 1000 }));
  });
  return { child, done, output: () => Buffer.concat(chunks).toString() };
}

function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

/**
 * Runs the suite's steps and returns the exit status: 0 when every step
 * passed, else the first failing step's. `scripts` are package.json's.
 */
export async function runSuite(
  scripts: Record<string, string>,
  mochaArgs: string[],
  write: (text: string) => void,
): Promise<{ status: number; results: StepResult[] }> {
  for (const script of [TYPECHECK, ...CHECKS, SUITES]) if (!scripts[script]) throw new Error(`package.json has no "${script}" script`);
  const running = new Map<string, ReturnType<typeof start>>();
  const stopRunning = () => {
    for (const step of running.values()) stop(step.child);
  };
  // The steps are process groups of their own, which a Ctrl-C does not reach: stop them here.
  const interrupted = (signal: NodeJS.Signals) => {
    stopRunning();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("SIGINT", interrupted).on("SIGTERM", interrupted);
  const results: StepResult[] = [];
  let failed: StepResult | undefined;

  const launch = (script: string, args: string[] = [], streamed = false) => {
    const step = start(script, scripts[script], args, streamed);
    running.set(script, step);
    return step.done.then((result) => {
      running.delete(script);
      results.push(result);
      if (failed) return result; // stopped because another step failed: its output is noise
      const mark = result.status === 0 ? "✔" : "✘";
      const text = step.output().trimEnd();
      write(
        `${mark} ${script} (${result.seconds.toFixed(1)} s)${result.status === 0 ? "" : `: exit ${result.status}`}\n${result.status !== 0 && text ? `${text}\n` : ""}`,
      );
      if (result.status !== 0) {
        failed = result;
        stopRunning();
      }
      return result;
    });
  };

  const started = performance.now();
  write(`running ${TYPECHECK}, ${CHECKS.join(", ")}; then ${SUITES}\n`);
  const typecheck = launch(TYPECHECK);
  await Promise.all(CHECKS.map((script) => launch(script)));
  if (!failed) await launch(SUITES, mochaArgs, true);
  await typecheck;
  process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  write(failed ? `npm test failed in ${seconds} s: ${failed.script} (exit ${failed.status})\n` : `npm test passed: ${results.length} steps in ${seconds} s\n`);
  return { status: failed ? failed.status : 0, results };
}

if (require.main === module) {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  void runSuite(scripts, process.argv.slice(2), (text) => process.stdout.write(text)).then(({ status }) => process.exit(status));
}
