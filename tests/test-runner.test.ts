import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHECKS, SUITES, TYPECHECK, runSuite } from "../scripts/test";

/** Steps that stand in for the real ones: each notes in a log when it starts and what it was given. */
function steps(dir: string, overrides: Record<string, string> = {}): Record<string, string> {
  const log = path.join(dir, "log");
  const note = (what: string) => `echo ${what} >> ${log}`;
  return {
    [TYPECHECK]: note(TYPECHECK),
    ...Object.fromEntries(CHECKS.map((check) => [check, note(check)])),
    // The suites record which checks had run when they started, and the arguments npm test passed on.
    [SUITES]: `echo "${SUITES} after $(sort ${log} | tr '\\n' ' ')" >> ${log}; printf '${SUITES} given %s\\n' >> ${log}`,
    ...overrides,
  };
}

describe("npm test (scripts/test.ts)", () => {
  let dir: string;
  const output: string[] = [];
  const write = (text: string) => void output.push(text);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-test-runner-"));
    output.length = 0;
  });
  const log = () => fs.readFileSync(path.join(dir, "log"), "utf8").trim().split("\n");

  it("runs every step, mocha only once the checks beside the type-check have passed, with the arguments given", async () => {
    const { status, results } = await runSuite(steps(dir), ["--grep", "a b"], write);
    assert.equal(status, 0);
    assert.deepEqual(results.map((r) => r.script).sort(), [TYPECHECK, ...CHECKS, SUITES].sort());
    const suites = log().find((line) => line.startsWith(`${SUITES} after`))!;
    for (const check of CHECKS) assert.ok(suites.includes(check), `${check} before ${SUITES}: ${suites}`);
    assert.ok(log().includes(`${SUITES} given --grep`) && log().includes(`${SUITES} given a b`), log().join("\n"));
    assert.match(output.at(-1)!, /^npm test passed: 5 steps in [\d.]+ s\n$/);
  });

  it("stops at a failing check: shows its output, stops the type-check, never starts mocha, and exits with its status", async () => {
    const stopped = path.join(dir, "stopped");
    const { status } = await runSuite(
      steps(dir, {
        [TYPECHECK]: `trap 'echo stopped > ${stopped}; exit 143' TERM; sleep 30 & wait`,
        "format:check": "echo 'web/src/App.tsx: not formatted'; exit 7",
      }),
      [],
      write,
    );
    assert.equal(status, 7);
    assert.ok(!log().some((line) => line.startsWith(SUITES)), "mocha did not start");
    assert.equal(fs.readFileSync(stopped, "utf8").trim(), "stopped");
    const text = output.join("");
    assert.match(text, /✘ format:check \([\d.]+ s\): exit 7\nweb\/src\/App.tsx: not formatted\n/);
    assert.ok(!text.includes(`✘ ${TYPECHECK}`), "the stopped type-check is not reported as a failure of its own");
    assert.match(output.at(-1)!, /^npm test failed in [\d.]+ s: format:check \(exit 7\)\n$/);
  });

  it("refuses a package.json without one of its steps", async () => {
    const { [SUITES]: _, ...without } = steps(dir);
    await assert.rejects(runSuite(without, [], write), /package.json has no "test:unit" script/);
  });
});
