import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { root } from "./cli";

/** Runs `node --require scripts/ts-register.cjs <file>` with its own transpile cache; resolves with stdout and stderr. */
function runTs(file: string, cacheDir: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ["--require", path.join(root, "scripts", "ts-register.cjs"), file],
      { env: { ...process.env, TMS_TS_CACHE_DIR: cacheDir } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

describe("scripts/ts-register.cjs: the TypeScript loader of the scripts, mocha and the Pulumi CLI", () => {
  let dir: string;
  let cacheDir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-register-"));
    cacheDir = path.join(dir, "cache");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("strips the types and runs the module, caching the output by content", async () => {
    const main = path.join(dir, "main.ts");
    fs.writeFileSync(main, "const answer: number = 41 + 1;\nconsole.log(`answer ${answer}`);\n");
    assert.equal((await runTs(main, cacheDir)).stdout, "answer 42\n");
    const entries = fs.readdirSync(cacheDir);
    assert.equal(entries.length, 1);

    // A warm run takes the cached output as it is: it never transpiles again.
    fs.writeFileSync(path.join(cacheDir, entries[0]), 'console.log("from the cache");\n');
    assert.equal((await runTs(main, cacheDir)).stdout, "from the cache\n");

    // Changed source is another key: the stale entry is never used.
    fs.writeFileSync(main, "const answer: number = 6 * 7 + 1;\nconsole.log(`answer ${answer}`);\n");
    assert.equal((await runTs(main, cacheDir)).stdout, "answer 43\n");
    assert.equal(fs.readdirSync(cacheDir).length, 2);
  });

  it("resolves import() of an extensionless module path, as tsc's CommonJS output does", async () => {
    fs.writeFileSync(path.join(dir, "lazy.ts"), "export const lazy: string = 'loaded lazily';\n");
    const main = path.join(dir, "main.ts");
    fs.writeFileSync(main, 'import("./lazy").then(({ lazy }) => console.log(lazy));\n');
    const { status, stdout, stderr } = await runTs(main, cacheDir);
    assert.equal(status, 0, stderr);
    assert.equal(stdout, "loaded lazily\n");
  });

  it("leaves JavaScript modules to Node, import() included (PGlite's CommonJS build imports lazily; a V8 code cache on Node 20 broke that)", async () => {
    fs.writeFileSync(path.join(dir, "dependency.js"), 'module.exports = import("node:path").then((p) => typeof p.join);\n');
    const main = path.join(dir, "main.ts");
    fs.writeFileSync(main, 'require("./dependency.js").then((kind: string) => console.log(kind));\n');
    const { status, stdout, stderr } = await runTs(main, cacheDir);
    assert.equal(status, 0, stderr);
    assert.equal(stdout, "function\n");
  });

  it("reports errors at their line in the TypeScript source", async () => {
    const main = path.join(dir, "main.ts");
    fs.writeFileSync(main, "interface Unused {\n  a: string;\n}\ntype Also = Unused;\n\nthrow new Error('line six');\n");
    const { status, stderr } = await runTs(main, cacheDir);
    assert.equal(status, 1);
    assert.match(stderr, /main\.ts:6:\d+/);
  });

  it("starts the Pulumi SDK without the TypeScript compiler, Arborist or the Automation API, and loads each when first used", async () => {
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const project = path.join(dir, "project");
    fs.mkdirSync(path.join(project, "node_modules", "left-pad"), { recursive: true });
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "project", dependencies: { "left-pad": "1.0.0" } }));
    fs.writeFileSync(path.join(project, "node_modules", "left-pad", "package.json"), JSON.stringify({ name: "left-pad", version: "1.0.0" }));
    const main = path.join(dir, "main.ts");
    fs.writeFileSync(
      main,
      [
        `const pulumi = require(${JSON.stringify(sdk)});`,
        "const loaded = (part: string) => Object.entries(require.cache).some(([m, entry]: [string, any]) => m.includes(part) && !entry.deferredUntilFirstUse);",
        'const parts = ["/typescript/lib/", "/@npmcli/arborist/", "/@pulumi/pulumi/automation/"];',
        "const before = parts.filter(loaded);",
        // Closure serialization parses with the compiler and walks the dependencies with Arborist.
        `const { parseFunction } = require(${JSON.stringify(path.join(sdk, "runtime/closure/parseFunction"))});`,
        "const [error, parsed] = parseFunction('(a: number) => a + 1');",
        `process.chdir(${JSON.stringify(project)});`,
        "pulumi.runtime.computeCodePaths().then((paths: Map<string, unknown>) => {",
        "  const automation = typeof pulumi.automation.LocalWorkspace.create;",
        "  console.log(JSON.stringify({ before, after: parts.filter(loaded), error, parsed: Boolean(parsed), paths: [...paths.keys()], automation }));",
        "});",
      ].join("\n"),
    );
    const { status, stdout, stderr } = await runTs(main, cacheDir);
    assert.equal(status, 0, stderr);
    const result = JSON.parse(stdout);
    assert.deepEqual(result.before, []);
    assert.deepEqual(result.after, ["/typescript/lib/", "/@npmcli/arborist/", "/@pulumi/pulumi/automation/"]);
    assert.deepEqual([result.error, result.parsed, result.automation], ["", true, "function"]);
    assert.ok(
      result.paths.some((p: string) => p.endsWith("node_modules/left-pad")),
      stdout,
    );
  });
});
