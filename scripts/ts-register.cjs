/**
 * Loads this repository's TypeScript for Node: `node --require ./scripts/ts-register.cjs file.ts`.
 * Used by the npm scripts, mocha and, through Pulumi.yaml's `nodeargs`, the Pulumi CLI.
 *
 * Why not tsx: its hooks see every module Node loads, and they doubled the
 * time to load @pulumi/aws and the SDK (0.74 s → 1.5 s), which is most of a
 * plan. This hook sees only `.ts` files; everything else loads at Node's own
 * speed. Transpiled output is cached on disk by content, so a warm run starts
 * no esbuild process at all. Type safety stays with the one `tsc --noEmit` of
 * `npm test`: like tsx, this only strips types.
 *
 * From Node 22, V8's compiled code is cached too (Node's own compile cache):
 * @pulumi/aws and the SDK are the bulk of a plan's start. On Node 20 the
 * v8-compile-cache package would save a tenth of a plan, but the scripts it
 * compiles cannot `import()`, and PGlite's CommonJS build does.
 *
 * `import()` becomes `require()`, so a test can import a module lazily by its
 * extensionless path, as tsc's CommonJS output does (Node ≥ 20.19 requires ESM
 * packages natively).
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = process.env.TMS_TS_CACHE_DIR || path.join(ROOT, "node_modules", ".cache", "tms", "ts");

const Module = require("module");
if (typeof Module.enableCompileCache === "function") Module.enableCompileCache(path.join(ROOT, "node_modules", ".cache", "tms", "v8"));

const ESBUILD_VERSION = require("esbuild/package.json").version;
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
const OPTIONS = {
  loader: "ts",
  format: "cjs",
  platform: "node",
  target: "node20",
  supported: { "dynamic-import": false },
  sourcemap: "inline",
  tsconfigRaw: { compilerOptions },
};
const RECIPE = JSON.stringify({ esbuild: ESBUILD_VERSION, options: OPTIONS });

function transpile(source, filename) {
  const key = crypto.createHash("sha256").update(RECIPE).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // A miss: transpile below.
  }
  const { code } = require("esbuild").transformSync(source, { ...OPTIONS, sourcefile: filename });
  // Written whole or not at all: mocha's workers may transpile the same file at once.
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const temporary = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, code);
  fs.renameSync(temporary, cached);
  return code;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
/**
 * Puts a stand-in for a module in require's cache that loads the real module
 * on first use. Its `__esModule` is true and its `default` is the module
 * itself (or the module's own default), so `import * as` and default imports
 * through tsc's `__importStar`/`__importDefault` see what they would have seen,
 * without copying every export (and so loading the module) at import time.
 */
function deferUntilFirstUse(file) {
  let loaded;
  const load = () => {
    if (!loaded) {
      const real = new Module(file, module);
      real.filename = file;
      real.paths = Module._nodeModulePaths(path.dirname(file));
      real.load(file);
      loaded = real.exports;
    }
    return loaded;
  };
  const deferred = new Module(file, module);
  deferred.filename = file;
  deferred.loaded = true;
  deferred.deferredUntilFirstUse = true;
  deferred.exports = new Proxy(
    {},
    {
      get: (_, key) => {
        if (key === "__esModule") return true;
        if (key === "default") return load().__esModule ? load().default : load();
        return load()[key];
      },
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Object.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[file] = deferred;
}

/**
 * The Pulumi SDK loads three things as it starts that this program never uses:
 * - the TypeScript compiler (0.4 s) and npm's Arborist, to find the packages
 *   a closure needs (0.45 s), both for closure serialization (functions passed
 *   as Lambda code; handlers here are bundled with esbuild instead);
 * - the Automation API (0.1 s), for programs that drive the CLI themselves.
 * Together they were a third of a plan. Each loads on first use instead.
 */
function deferUnusedSdkParts() {
  let sdk;
  try {
    sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
  } catch {
    return; // No SDK here (a web-only checkout): nothing to defer.
  }
  deferUntilFirstUse(require.resolve("./typescript-shim", { paths: [sdk] }));
  deferUntilFirstUse(require.resolve("@npmcli/arborist", { paths: [sdk] }));
  deferUntilFirstUse(require.resolve("./automation", { paths: [sdk] }));
}
deferUnusedSdkParts();

// Error stacks point into the .ts sources (plan/engine.ts turns this off while a program runs).
process.setSourceMapsEnabled(true);
