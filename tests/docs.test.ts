import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { configKeyPaths } from "../config/schema";
import { parseDocument } from "yaml";
import { DOCS, README, explanation, renderDoc, stackDifferences } from "../scripts/docs";
import { sharedProgramRun } from "./harness";

const root = path.resolve(__dirname, "..");
const OPERATIONS = path.join(root, "docs", "operations.md");
const CONFIGURATION = path.join(root, "docs", "configuration.md");
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts);
const keys = configKeyPaths();
const known = (key: string) => keys.has(key.replace(/\[\d+\]/g, "")) || key.startsWith("aws:");

describe("README and docs/", () => {
  it("show exactly the policies, routes, API reference, function environments, stack differences and cost estimates the code has (run `npm run docs` after changing them)", async () => {
    for (const file of DOCS) {
      const text = fs.readFileSync(file, "utf8");
      assert.equal(await renderDoc(text, sharedProgramRun), text, path.relative(root, file));
    }
  });

  it("generate each section in exactly one file", () => {
    const sections = DOCS.flatMap((file) => [...fs.readFileSync(file, "utf8").matchAll(/<!-- generated: (\w+) /g)].map((m) => m[1]));
    assert.deepEqual([...sections].sort(), ["costs", "environment", "policies", "reference", "routes", "stacks"]);
  });

  it("keep the README a front door of at most 250 lines", () => {
    assert.ok(fs.readFileSync(README, "utf8").split("\n").length <= 250);
  });
});

describe("README and docs/ links", () => {
  for (const doc of DOCS) {
    it(`${path.relative(root, doc)}: point at headings that exist and files that exist`, () => {
      const readme = fs.readFileSync(doc, "utf8");
      // GitHub's anchors: lower case, punctuation dropped, spaces to hyphens.
      const slug = (heading: string) =>
        heading
          .trim()
          .toLowerCase()
          .replace(/[^\w\s-]/g, "")
          .replace(/\s/g, "-");
      const anchorsOf = (file: string) => new Set([...fs.readFileSync(file, "utf8").matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
      const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^https?:/.test(href));
      const broken = links.filter((href) => {
        const [file, anchor] = href.split("#");
        const target = file ? path.join(path.dirname(doc), file) : doc;
        return !fs.existsSync(target) || (anchor !== undefined && !anchorsOf(target).has(anchor));
      });
      assert.deepEqual(broken, []);
    });
  }
});

describe("dev against prod", () => {
  it("every setting where dev's effective config differs from prod's says why in Pulumi.dev.yaml", () => {
    const differences = stackDifferences();
    assert.ok(differences.length > 10);
    assert.ok(
      differences.some((d) => d.key === "tms:database.maxAllocatedStorageGb" && d.dev === undefined),
      "a default counts as a value",
    );
    assert.ok(!differences.some((d) => d.key === "tms:functions.provisionedFunctions"), "a prod value equal to dev's default is no difference");
    assert.deepEqual(
      differences.filter((d) => !d.why).map((d) => d.key),
      [],
    );
  });

  it("takes a setting's reason from the comment above it, an earlier key of its block, or the block's own key", () => {
    const doc = parseDocument(
      [
        "# header",
        "config:",
        "  tms:logRetentionDays: 14",
        "  # block",
        "  tms:database:",
        "    # first",
        "    instanceClass: db.t4g.micro",
        "    multiAz: false",
        "    # own",
        "    backupRetentionDays: 1",
        "  tms:cache:",
        "    nodes: 1",
      ].join("\n"),
    );
    assert.equal(explanation(doc, "tms:database.instanceClass"), "first");
    assert.equal(explanation(doc, "tms:database.multiAz"), "first");
    assert.equal(explanation(doc, "tms:database.backupRetentionDays"), "own");
    assert.equal(explanation(doc, "tms:database.readReplicas"), "block");
    assert.equal(explanation(doc, "tms:logRetentionDays"), undefined, "the file's header explains nothing in particular");
    assert.equal(explanation(doc, "tms:cache.nodes"), undefined);
  });
});

describe("documentation matches the code", () => {
  for (const file of DOCS) {
    const text = fs.readFileSync(file, "utf8");
    const name = path.relative(root, file);

    it(`${name} runs only npm scripts that exist`, () => {
      const used = [...text.matchAll(/npm run(?: -s)? ([\w:-]+)/g)].map((m) => m[1]);
      assert.deepEqual(
        used.filter((s) => !scripts.includes(s)),
        [],
      );
    });

    it(`${name} sets only config keys the program accepts`, () => {
      const set = [...text.matchAll(/pulumi config set ([^\n`]*)/g)]
        .map((m) => {
          const tokens = m[1].split(/\s+/).filter(Boolean);
          const args = tokens.filter((t, i) => !t.startsWith("--") && !(tokens[i - 1] === "--stack"));
          return args[0]?.replace(/^['"]|['"]$/g, "");
        })
        // Generic mentions ("pulumi config set --path", "<key>") name no key.
        .filter((key): key is string => key !== undefined && !key.startsWith("<"));
      assert.deepEqual(
        set.filter((key) => !known(key)),
        [],
      );
    });
  }

  it("the operations guide mentions only config keys the program accepts", () => {
    const text = fs.readFileSync(OPERATIONS, "utf8");
    const mentioned = [...text.matchAll(/`(tms:[A-Za-z][\w.]*)`/g)].map((m) => m[1]);
    assert.ok(mentioned.length > 10);
    assert.deepEqual(
      mentioned.filter((key) => !known(key)),
      [],
    );
  });

  it("knows the config's real keys (the check above can fail)", () => {
    assert.ok(known("tms:database.restoreFromSnapshot"));
    assert.ok(known("tms:functions.memoryMb.trips"));
    assert.ok(!known("tms:database.restoreFromSnapshots"));
    assert.ok(!known("tms:functions.memoryMb.billing"));
  });
});

describe("README dependencies", () => {
  it("says why each package in package.json is there", () => {
    const readme = fs.readFileSync(README, "utf8");
    const section = readme.slice(readme.indexOf("## Dependencies"), readme.indexOf("## Deploying for real"));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const named = new Set<string>();
    for (const cell of section.matchAll(/^\| ([^|]+) \|/gm)) {
      let scope = "";
      for (const [, name] of cell[1].matchAll(/`([^`]+)`/g)) {
        // "`@aws-sdk/client-account`, `-lambda`" abbreviates the shared prefix.
        const full = name.startsWith("-") ? `${scope}${name}` : name;
        if (!name.startsWith("-")) scope = name.replace(/-[^-/]+$/, "");
        named.add(full);
      }
    }
    const covered = (dep: string) => named.has(dep) || (dep.startsWith("@types/") && named.has("@types/*"));
    const missing = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter((dep) => !covered(dep));
    assert.deepEqual(missing, []);
  });
});

describe("docs/configuration.md", () => {
  it("states each key's default as the schema gives it (one home per default), and no default where there is none", async () => {
    const { configDefaults } = await import("../config/schema");
    const defaults = configDefaults();
    const text = fs.readFileSync(CONFIGURATION, "utf8");
    const table = text.slice(0, text.indexOf("## How dev and prod differ"));
    const show = (value: unknown) => (Array.isArray(value) ? `[${value.join(", ")}]` : String(value));
    const rows = [...table.matchAll(/^\| `([\w:.]+)` \| [^|]+(?:\\\|[^|]+)* \| ([^|]+) \|/gm)];
    assert.ok(rows.length > 40, `found ${rows.length} rows`);
    const wrong: string[] = [];
    for (const [, key, cell] of rows) {
      const stated = /^`([^`]*)`/.exec(cell.trim())?.[1];
      const actual = defaults.get(key);
      if (stated !== undefined && (actual === undefined || show(actual) !== stated))
        wrong.push(`${key}: README says ${stated}, the schema ${actual === undefined ? "has no default" : show(actual)}`);
      if (cell.trim().startsWith("—") && actual !== undefined && !(typeof actual === "object" && actual !== null && Object.keys(actual).length === 0))
        wrong.push(`${key}: README says no default, the schema has ${show(actual)}`);
    }
    assert.deepEqual(wrong, []);
  });
});
