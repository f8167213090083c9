/**
 * Dependencies point one way: rules/ (pure rules and defaults) depends on
 * nothing of ours; config/ and handlers/ depend on rules/ only; components/
 * never reach back into config/. Only index.ts sees config and components.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");

/** Every relative import of every .ts file under `dir`, as project paths. */
function importsOf(dir: string): { file: string; target: string }[] {
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".ts") ? [path.join(d, e.name)] : []));
  return walk(path.join(root, dir)).flatMap((file) =>
    [...fs.readFileSync(file, "utf8").matchAll(/(?:from|import\(|require\()\s*["'](\.[^"']+)["']/g)].map((m) => ({
      file: path.relative(root, file),
      target: path.relative(root, path.resolve(path.dirname(file), m[1])),
    })),
  );
}

const topOf = (p: string) => p.split(path.sep)[0];

describe("structure: dependencies point one way", () => {
  it("rules/ imports nothing of ours outside rules/", () => {
    assert.deepEqual(
      importsOf("rules").filter((i) => topOf(i.target) !== "rules"),
      [],
    );
  });

  it("config/ imports only rules/ (never components/ or handlers/)", () => {
    assert.deepEqual(
      importsOf("config").filter((i) => !["config", "rules"].includes(topOf(i.target))),
      [],
    );
  });

  it("components/ and handlers/ never import config/", () => {
    assert.deepEqual(
      [...importsOf("components"), ...importsOf("handlers")].filter((i) => topOf(i.target) === "config"),
      [],
    );
  });

  it("validating a stack file loads no Pulumi SDK", () => {
    const loaded = execFileSync(
      process.execPath,
      [
        "--require",
        "./scripts/ts-register.cjs",
        "-e",
        // The loader registers stand-ins for the SDK parts it defers up front; that is not the SDK loading.
        'require("./config/schema"); console.log(Object.entries(require.cache).filter(([m, { deferredUntilFirstUse }]) => m.includes("@pulumi") && !deferredUntilFirstUse).length)',
      ],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(loaded.trim(), "0");
  });

  it("the program loads @pulumi/aws one namespace at a time (components/aws.ts), never the package index (0.2 s of a plan)", () => {
    const programFiles = ["index.ts", ...fs.readdirSync(path.join(root, "components")).map((f) => path.join("components", f))];
    const valueImports = programFiles.filter((file) => /^import (?!type )[^;]*from "@pulumi\/aws";/m.test(fs.readFileSync(path.join(root, file), "utf8")));
    assert.deepEqual(valueImports, [], 'import from "./components/aws" (or a namespace such as "@pulumi/aws/ec2") instead');
    const loaded = execFileSync(
      process.execPath,
      [
        "--require",
        "./scripts/ts-register.cjs",
        "-e",
        'for (const f of require("fs").readdirSync("components")) require(`./components/${f}`); console.log(JSON.stringify(["index.js", "ec2/index.js"].filter((m) => Object.keys(require.cache).some((c) => c.endsWith(`@pulumi/aws/${m}`)))))',
      ],
      { cwd: root, encoding: "utf8" },
    );
    assert.deepEqual(JSON.parse(loaded), ["ec2/index.js"]);
  });

  it("a config error is still one Pulumi prints without a stack trace (a RunError, recognised across SDK copies)", async () => {
    const { RunError } = await import("@pulumi/pulumi");
    const { StackConfigError } = await import("../config/schema");
    assert.equal(RunError.isInstance(new StackConfigError("dev", ["x: wrong"])), true);
  });
});
