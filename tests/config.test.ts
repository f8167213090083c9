import { strict as assert } from "assert";
import { parse as parseYaml } from "yaml";
import * as fs from "fs";
import * as path from "path";
import { NETWORK_DEFAULTS, subnetLayoutProblems } from "../rules/network";
import { StackConfigError, parseStackConfig } from "../config";
import { runStack } from "./harness";

const root = path.resolve(__dirname, "..");
const stackFile = (stack: string) => parseYaml(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")).config;

/** A valid raw config for `dev`, as the runtime would hand it over (values decoded). */
function devConfig(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { ...stackFile("dev") };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

/** Parses and returns the error's problem lines; fails if parsing succeeds. */
function problems(raw: Record<string, unknown>, secretKeys: string[] = []): string[] {
  try {
    parseStackConfig(raw, "dev", new Set(secretKeys));
  } catch (err) {
    assert.ok(err instanceof StackConfigError, `expected StackConfigError, got ${err}`);
    assert.match(err.message, /^Invalid configuration for stack "dev":/);
    assert.ok(!err.stack?.includes("components/network"), "a config error must not come from inside a component");
    return err.problems;
  }
  assert.fail("expected the config to be rejected");
}

const network = (patch: Record<string, unknown>) => ({ "tms:network": { natGateways: "Single", ...patch } });

describe("stack config validation", () => {
  it("accepts both stack files and fills the reference defaults", () => {
    for (const stack of ["dev", "prod"]) {
      const config = parseStackConfig({ ...stackFile(stack) }, stack);
      assert.equal(config.region, "ap-south-1");
      assert.deepEqual(config.network.privateSubnetCidrs, NETWORK_DEFAULTS.privateSubnetCidrs);
      assert.deepEqual(config.network.availabilityZones, ["ap-south-1a", "ap-south-1b", "ap-south-1c"]);
      assert.deepEqual(config.defaultTags, { project: "tms", stack, "managed-by": "pulumi" });
    }
  });

  it("rejects a wrong type, naming the key, the value and the expected type", () => {
    assert.deepEqual(problems(devConfig({ "tms:logRetentionDays": "two weeks" })), ['tms:logRetentionDays: got "two weeks"; expected number']);
    assert.deepEqual(problems(devConfig(network({ availabilityZones: "ap-south-1a" }))), ['tms:network.availabilityZones: got "ap-south-1a"; expected array']);
  });

  it("rejects an unknown enum value with the allowed values", () => {
    assert.deepEqual(problems(devConfig(network({ natGateways: "Triple" }))), ['tms:network.natGateways: got "Triple"; expected one of "OnePerAz", "Single"']);
  });

  it("rejects a retention CloudWatch would refuse", () => {
    const [problem] = problems(devConfig({ "tms:logRetentionDays": 10 }));
    assert.match(problem, /^tms:logRetentionDays: got 10; expected a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30/);
  });

  it("rejects malformed CIDRs, including host bits set", () => {
    assert.deepEqual(problems(devConfig(network({ cidrBlock: "10.0.0.0/33" }))), [
      'tms:network.cidrBlock: got "10.0.0.0/33"; expected an IPv4 network in CIDR form (a.b.c.d/n) with no host bits set',
    ]);
    assert.deepEqual(problems(devConfig(network({ privateSubnetCidrs: ["10.0.1.5/24", "10.0.2.0/24", "10.0.3.0/24"] }))), [
      'tms:network.privateSubnetCidrs[0]: got "10.0.1.5/24"; expected an IPv4 network in CIDR form (a.b.c.d/n) with no host bits set',
    ]);
  });

  it("rejects subnets outside the VPC", () => {
    assert.deepEqual(problems(devConfig(network({ databaseSubnetCidrs: ["10.0.201.0/24", "10.0.202.0/24", "10.1.203.0/24"] }))), [
      `tms:network.databaseSubnetCidrs[2]: got "10.1.203.0/24"; expected a range inside the VPC's 10.0.0.0/16`,
    ]);
  });

  it("rejects overlapping subnets, naming both, even when one is a default", () => {
    assert.deepEqual(problems(devConfig(network({ publicSubnetCidrs: ["10.0.101.0/24", "10.0.0.0/22", "10.0.103.0/24"] }))), [
      'tms:network.privateSubnetCidrs[0]: got "10.0.1.0/24" (the default); expected no overlap, but it overlaps publicSubnetCidrs[1] (10.0.0.0/22)',
      'tms:network.privateSubnetCidrs[1]: got "10.0.2.0/24" (the default); expected no overlap, but it overlaps publicSubnetCidrs[1] (10.0.0.0/22)',
      'tms:network.privateSubnetCidrs[2]: got "10.0.3.0/24" (the default); expected no overlap, but it overlaps publicSubnetCidrs[1] (10.0.0.0/22)',
    ]);
  });

  it("rejects a subnet count that does not match the AZs", () => {
    assert.deepEqual(problems(devConfig(network({ publicSubnetCidrs: ["10.0.101.0/24", "10.0.102.0/24"] }))), [
      'tms:network.publicSubnetCidrs: got ["10.0.101.0/24","10.0.102.0/24"]; expected one subnet per availability zone (3), got 2',
    ]);
  });

  it("rejects availability zones outside the region", () => {
    assert.deepEqual(problems(devConfig(network({ availabilityZones: ["ap-south-1a", "ap-south-2b", "ap-south-1c"] }))), [
      'tms:network.availabilityZones[1]: got "ap-south-2b"; expected an availability zone of ap-south-1 (e.g. ap-south-1a)',
    ]);
  });

  it("reports every problem at once, not only the first", () => {
    const found = problems(devConfig({ ...network({ natGateways: "Triple", cidrBlock: "10.9.0.0/16" }), "tms:logRetentionDays": "x" }));
    assert.equal(found.length, 1 + 9 + 1, found.join("\n"));
  });

  it("rejects missing required keys", () => {
    assert.deepEqual(problems(devConfig({ "tms:network": {} })), ['tms:network.natGateways: missing; expected one of "OnePerAz", "Single"']);
    assert.deepEqual(problems(devConfig({ "tms:network": undefined })), ["tms:network: missing; expected object"]);
    assert.deepEqual(problems(devConfig({ "aws:region": undefined })), [
      'aws:region: missing; expected "ap-south-1" (the platform keeps all data in ap-south-1 (data residency); set aws:region: ap-south-1)',
    ]);
  });

  it("keeps data in ap-south-1", () => {
    assert.match(problems(devConfig({ "aws:region": "us-east-1" }))[0], /^aws:region: got "us-east-1"; expected "ap-south-1" \(.*data residency/);
  });

  it("rejects misspelt keys instead of ignoring them", () => {
    assert.deepEqual(problems(devConfig({ "tms:netwrok": { natGateways: "Single" } })), [
      "tms:netwrok: unknown tms:* config key; check the spelling against the README's configuration reference",
    ]);
    assert.deepEqual(problems(devConfig(network({ natGateway: "Single" }))), [
      "tms:network.natGateway: unknown key; check the spelling against the README's configuration reference",
    ]);
  });

  it("requires the default tags with this stack's name", () => {
    const tags = (t: Record<string, string>) => ({ "aws:defaultTags": { tags: t } });
    assert.deepEqual(problems(devConfig(tags({ project: "tms", stack: "prod", "managed-by": "pulumi" }))), [
      'aws:defaultTags.tags.stack: got "prod"; expected "dev"',
    ]);
    assert.deepEqual(problems(devConfig(tags({ project: "tms", stack: "dev" }))), [
      'aws:defaultTags.tags.managed-by: missing; every resource must carry a "managed-by" tag',
    ]);
  });

  it("never echoes a secret value", () => {
    const [problem] = problems(devConfig({ "tms:logRetentionDays": "hunter2-secret" }), ["tms:logRetentionDays"]);
    assert.equal(problem, "tms:logRetentionDays: got [secret]; expected number");
  });

  it("validates the API tier's settings", () => {
    assert.deepEqual(problems(devConfig({ "tms:auth": { mfa: "SOMETIMES", deletionProtection: false } })), [
      'tms:auth.mfa: got "SOMETIMES"; expected one of "OFF", "OPTIONAL", "ON"',
    ]);
    const [memory] = problems(devConfig({ "tms:functions": { reservedConcurrency: 0, memoryMb: { tracking: 2048 } } }));
    assert.equal(memory, "tms:functions.memoryMb.tracking: got 2048; expected at most 1024");
    const [provisioned] = problems(devConfig({ "tms:functions": { reservedConcurrency: 0, provisionedFunctions: ["billing"] } }));
    assert.match(
      provisioned,
      /^tms:functions\.provisionedFunctions\[0\]: got "billing"; expected one of "tracking", "maps", "trips", "users", "jobs", "migrate"/,
    );
    assert.deepEqual(problems(devConfig({ "tms:api": { throttlingRateLimit: 0 } })), ["tms:api.throttlingRateLimit: got 0; expected more than 0"]);
  });

  it("ignores config of other namespaces it does not use", () => {
    assert.doesNotThrow(() => parseStackConfig(devConfig({ "aws:profile": "ops" }), "dev"));
  });
});

describe("subnet layout (shared by the config layer and the Network component)", () => {
  it("accepts the reference layout", () => {
    assert.deepEqual(subnetLayoutProblems(NETWORK_DEFAULTS), []);
  });

  it("rejects duplicate AZs and subnets AWS cannot create", () => {
    const found = subnetLayoutProblems({
      ...NETWORK_DEFAULTS,
      availabilityZones: ["ap-south-1a", "ap-south-1a", "ap-south-1c"],
      publicSubnetCidrs: ["10.0.101.0/29", "10.0.102.0/24", "10.0.103.0/24"],
    });
    assert.deepEqual(
      found.map((p) => p.path.join(".")),
      ["availabilityZones.1", "publicSubnetCidrs.0"],
    );
    assert.match(found[1].message, /between \/16 and \/28/);
  });
});

describe("config errors through the program", () => {
  it("stops the program before any component with one message naming the key", async () => {
    await assert.rejects(runStack("prod", { "tms:network": { natGateways: "Triple" } }), (err: Error) => {
      assert.equal(err.name, "StackConfigError");
      assert.equal(err.message, 'Invalid configuration for stack "prod":\n  - tms:network.natGateways: got "Triple"; expected one of "OnePerAz", "Single"');
      return true;
    });
  });

  it("reads a secure stack value as a secret and never prints it", async () => {
    await assert.rejects(runStack("dev", { "tms:logRetentionDays": { secure: "v1:c2VjcmV0LWNpcGhlcnRleHQ=" } }), (err: Error) => {
      assert.match(err.message, /tms:logRetentionDays: got \[secret\]; expected number/);
      assert.ok(!err.message.includes("v1:"), err.message);
      return true;
    });
  });
});
