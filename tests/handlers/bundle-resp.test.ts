import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BundleError, bundleFunction } from "../../handlers/bundle";
import { FUNCTION_NAMES } from "../../rules/functions";
import { RespError, encodeCommand, parseReply, respOptionsFromUrl } from "../../handlers/lib/resp";
import { apiEvent, claims, testDatabase } from "./support";

describe("handlers: bundles", function () {
  this.timeout(120_000);
  const bundles = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, bundleFunction(fn)]));

  for (const fn of FUNCTION_NAMES) {
    it(`${fn}: at most 300 KB minified, with a source map, and identical when built again`, () => {
      const bundle = bundles[fn];
      assert.ok(Buffer.byteLength(bundle.code) <= 300 * 1024, `${fn} is ${Buffer.byteLength(bundle.code)} bytes`);
      assert.ok(bundle.files["index.js.map"], "source map");
      assert.equal(bundleFunction(fn).hash, bundle.hash, "bundling is deterministic");
      assert.ok(!bundle.code.includes("@aws-sdk/client-s3/dist"), "the AWS SDK stays external");
      assert.ok(!bundle.files["index.js.map"].includes(process.cwd()), "no machine-specific paths");
    });
  }

  it("ships the SQL migrations with the migrate function only", () => {
    assert.ok(bundles.migrate.files["migrations/001_init.sql"].includes("CREATE TABLE trips"));
    assert.ok(Object.keys(bundles.trips.files).every((f) => !f.startsWith("migrations/")));
  });

  it("loads without the AWS SDK installed (it is loaded only when first used)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-bundle-"));
    fs.writeFileSync(path.join(dir, "index.js"), bundles.trips.code);
    const loaded = require(path.join(dir, "index.js"));
    assert.equal(typeof loaded.handler, "function");
  });

  it("answers a clear 502 where the runtime lacks the Amazon Location clients (they come from the runtime's SDK)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-bundle-"));
    fs.writeFileSync(path.join(dir, "index.js"), bundles.maps.code);
    // No REDIS_URL: the container's Redis connection would outlive the test and keep mocha's process alive.
    const env = { MAPS_PROVIDER: "amazon-location", AWS_REGION: "ap-south-1", DATABASE_URL: (await testDatabase()).url, REDIS_URL: undefined };
    const setEnv = (values: Record<string, string | undefined>) => {
      for (const [k, v] of Object.entries(values)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    setEnv(env);
    try {
      const { handler } = require(path.join(dir, "index.js"));
      const res = await handler(apiEvent("GET", "/api/maps/geocode", { query: { q: "Chakan" }, claims: claims("org_bundle", "viewer") }), {});
      assert.equal(res.statusCode, 502, res.body);
      assert.deepEqual(JSON.parse(res.body).error, { code: "maps_provider_error", message: "this runtime has no Amazon Location client" });
    } finally {
      setEnv(saved);
    }
  });

  it("reuses a build across processes while no file that went into it changed, and rebuilds when one does", () => {
    const dir = fs.mkdtempSync(path.join(process.cwd(), "handlers", ".cache-probe-"));
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "tms-bundle-cache-"));
    try {
      const entry = path.join(dir, "index.ts");
      fs.writeFileSync(path.join(dir, "greeting.ts"), 'export const greeting = "namaste";\n');
      fs.writeFileSync(entry, 'import { greeting } from "./greeting";\nexport const handler = async () => greeting;\n');
      const first = bundleFunction("maps", entry, cache);
      const [stored] = fs.readdirSync(cache);
      const record = JSON.parse(fs.readFileSync(path.join(cache, stored), "utf8"));
      assert.ok(
        Object.keys(record.inputs).some((input) => input.endsWith("greeting.ts")),
        "every file esbuild read is recorded",
      );
      // A stored build whose inputs still match is used as it is: prove it by marking the stored output.
      record.files["index.js"] += "\n// from the cache";
      fs.writeFileSync(path.join(cache, stored), JSON.stringify(record));
      assert.match(bundleFunction("maps", entry, cache).code, /from the cache$/);
      const greeting = path.join(dir, "greeting.ts");
      const { mtime } = fs.statSync(greeting);
      // Touched, not changed (a checkout): still a hit, and stamped again with the new time.
      const touched = new Date(mtime.getTime() + 60_000);
      fs.utimesSync(greeting, touched, touched);
      assert.match(bundleFunction("maps", entry, cache).code, /from the cache$/);
      const restamped = JSON.parse(fs.readFileSync(path.join(cache, stored), "utf8")).inputs[path.relative(process.cwd(), greeting)];
      assert.equal(restamped.mtimeMs, fs.statSync(greeting).mtimeMs);
      // The same size and time are trusted without reading the file (as make does)...
      fs.writeFileSync(greeting, 'export const greeting = "NAMASTE";\n');
      fs.utimesSync(greeting, touched, touched);
      assert.match(bundleFunction("maps", entry, cache).code, /from the cache$/);
      // ...but another time with the same size is read, and new content is a miss.
      const later = new Date(touched.getTime() + 60_000);
      fs.utimesSync(greeting, later, later);
      assert.match(bundleFunction("maps", entry, cache).code, /NAMASTE/);
      // Any input changing (here one the entry imports) is a miss: esbuild builds again.
      fs.writeFileSync(greeting, 'export const greeting = "vanakkam";\n');
      const rebuilt = bundleFunction("maps", entry, cache);
      assert.doesNotMatch(rebuilt.code, /from the cache/);
      assert.match(rebuilt.code, /vanakkam/);
      assert.notEqual(rebuilt.hash, first.hash);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it("reports a bundling error with the file and line", () => {
    const dir = fs.mkdtempSync(path.join(process.cwd(), "handlers", ".broken-"));
    try {
      fs.writeFileSync(path.join(dir, "index.ts"), "export const handler = () => {\n  return missing(;\n};\n");
      assert.throws(
        () => bundleFunction("trips", path.join(dir, "index.ts")),
        (err: Error) => {
          assert.ok(err instanceof BundleError);
          assert.match(err.message, /bundling the trips function failed:\n {2}handlers\/\.broken-\w+\/index\.ts:2:\d+: /);
          return true;
        },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("handlers: the Redis protocol client", () => {
  it("encodes commands as RESP arrays of bulk strings", () => {
    assert.equal(encodeCommand(["SET", "k", "välue", "EX", 60]).toString(), "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nvälue\r\n$2\r\nEX\r\n$2\r\n60\r\n");
  });

  it("parses every reply type, and waits for replies split across packets", () => {
    const one = (text: string) => parseReply(Buffer.from(text))?.value;
    assert.equal(one("+OK\r\n"), "OK");
    assert.equal(one(":42\r\n"), 42);
    assert.equal(one("$-1\r\n"), null);
    assert.equal(one("$5\r\nhello\r\n"), "hello");
    assert.deepEqual(one("*2\r\n$1\r\na\r\n:1\r\n"), ["a", 1]);
    const err = one("-WRONGPASS invalid password\r\n");
    assert.ok(err instanceof RespError && err.message === "WRONGPASS invalid password");
    assert.equal(parseReply(Buffer.from("$5\r\nhel")), undefined);
    assert.equal(parseReply(Buffer.from("*2\r\n$1\r\na\r\n")), undefined);
    const two = Buffer.from("+OK\r\n:7\r\n");
    const first = parseReply(two)!;
    assert.equal(parseReply(two, first.next)!.value, 7);
  });

  it("reads redis:// and rediss:// URLs", () => {
    const t = { connectTimeoutMs: 1, commandTimeoutMs: 1 };
    assert.deepEqual(respOptionsFromUrl("rediss://:p%40ss@cache.local:6380", t), { host: "cache.local", port: 6380, password: "p@ss", tls: true, ...t });
    assert.equal(respOptionsFromUrl("redis://127.0.0.1", t).port, 6379);
    assert.throws(() => respOptionsFromUrl("http://x", t), /not a redis URL/);
  });
});
