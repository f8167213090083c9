/**
 * npm run bench:loop [-- --rounds N] — how fast the development loop is, as a
 * developer runs it: `npm run plan -- --stack prod --json`, `npm test` whole,
 * its parts (`tsc --noEmit`, prettier, mocha on two workers), and each test
 * file's time from one more mocha run in a single process. Every measurement
 * is taken N times (default 3) and reported as the median with the min–max.
 * Uses DATABASE_URL / REDIS_URL as the tests do. A report, never a test:
 * nothing asserts on wall time.
 *
 * `npm test` is also measured as a fresh clone runs it, which is the loop's
 * target: a clone of HEAD (committed work only) with this tree's
 * node_modules hard-linked in, as `npm ci` would install them, and no caches
 * (no transpile, bundle, tsc or prettier cache).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandIo, parseOptions, run } from "./local/cli";

const ROOT = path.resolve(__dirname, "..");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (xs: number[]) => `${seconds(median(xs))} (${seconds(Math.min(...xs))}–${seconds(Math.max(...xs))})`;

/** Wall time of a command, in ms; its output is discarded. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = ROOT): number {
  const started = performance.now();
  execFileSync(command, args, { cwd, env, stdio: ["ignore", "ignore", "inherit"] });
  return performance.now() - started;
}

/** `npm test` in a fresh clone of HEAD with this tree's dependencies and no caches, in ms. */
function timedInCleanClone(): number {
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), "tms-clone-"));
  try {
    execFileSync("git", ["clone", "--quiet", ROOT, clone], { stdio: "ignore" });
    execFileSync("cp", ["-al", path.join(ROOT, "node_modules"), path.join(clone, "node_modules")]);
    fs.rmSync(path.join(clone, "node_modules", ".cache"), { recursive: true, force: true });
    return timed(npm, ["test"], process.env, clone);
  } finally {
    fs.rmSync(clone, { recursive: true, force: true });
  }
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const CLEAN = "npm test, fresh clone (no caches)";
const steps: [string, string[]][] = [
  ["npm run plan -- --stack prod --json", ["run", "-s", "plan", "--", "--stack", "prod", "--json"]],
  ["npm test again (warm caches)", ["test"]],
  ["  alone: npm run typecheck (both tsc --noEmit, incremental)", ["run", "-s", "typecheck"]],
  ["  alone: npm run format:check (prettier)", ["run", "-s", "format:check"]],
  ["  alone: npm run test:unit (mocha, 2 workers)", ["run", "-s", "test:unit"]],
];

function main(io: CommandIo): number {
  const values = parseOptions({ rounds: { type: "string", default: "3" } }, "usage: npm run bench:loop [-- --rounds N]", io.args);
  const rounds = Math.max(1, Number(values.rounds));
  const measurements: Record<string, number[]> = Object.fromEntries([CLEAN, ...steps.map(([what]) => what)].map((what) => [what, []]));
  const files: Record<string, number[]> = {};
  for (let round = 1; round <= rounds; round++) {
    process.stderr.write(`round ${round}/${rounds}\n`);
    measurements[CLEAN].push(timedInCleanClone());
    for (const [what, args] of steps) measurements[what].push(timed(npm, args));
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tms-loop-")), "times.json");
    const reporter = ["--no-parallel", "--reporter", path.join(ROOT, "scripts/local/file-times-reporter.cjs")];
    timed(npm, ["run", "-s", "test:unit", "--", ...reporter], { ...process.env, TMS_FILE_TIMES: out });
    for (const [file, ms] of Object.entries(JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, number>)) (files[file] ??= []).push(ms);
  }

  const rows: [string, string][] = [
    ...Object.entries(measurements).map(([what, xs]): [string, string] => [what, spread(xs)]),
    ...Object.entries(files)
      .sort((a, b) => median(b[1]) - median(a[1]))
      .map(([file, xs]): [string, string] => [`mocha in one process: ${file}`, spread(xs)]),
  ];
  const width = Math.max(...rows.map(([what]) => what.length));
  io.out(
    [
      `Development loop (${os.cpus().length} cores, Node ${process.version}; median (min–max) of ${rounds} rounds)`,
      "",
      ...rows.map(([what, v]) => `${what.padEnd(width)}  ${v}`),
      "",
    ].join("\n"),
  );
  return 0;
}

run({ main });
