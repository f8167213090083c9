import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  specialArchiveSig,
  specialAssetSig,
  specialOutputValueSig,
  specialResourceSig,
  specialSecretSig,
  specialSigKey,
  unknownValue,
} from "@pulumi/pulumi/runtime/rpc";
import { ProgramRun, runProgram } from "../plan/engine";
import { toPlanJson } from "../plan/serialize";
import { planCommandWith } from "../scripts/plan";
import { CliResult, invoke, planCommand, root, runScript } from "./cli";
import { runStack } from "./harness";

/** Runs `npm run plan -- <args>`: in this process, or as its own process the way a user does. */
const plan = (...args: string[]) => invoke(planCommand, ...args);
const planProcess = (...args: string[]) => runScript("plan", ...args);

describe("plan serialization", () => {
  it("redacts secrets, marks unknowns and replaces resource references by URN", () => {
    const urn = "urn:pulumi:dev::tms::aws:s3/bucket:Bucket::docs";
    const serialized = {
      password: { [specialSigKey]: specialSecretSig, value: "hunter2" },
      nested: { list: [1, { [specialSigKey]: specialSecretSig, value: { deep: "x" } }] },
      arn: unknownValue,
      bucket: { [specialSigKey]: specialResourceSig, urn, id: "docs-123" },
      known: { [specialSigKey]: specialOutputValueSig, value: "visible" },
      secretOutput: { [specialSigKey]: specialOutputValueSig, value: "hidden", secret: true },
      pending: { [specialSigKey]: specialOutputValueSig },
    };
    assert.deepEqual(toPlanJson(serialized), {
      password: "[secret]",
      nested: { list: [1, "[secret]"] },
      arn: "[unknown]",
      bucket: urn,
      known: "visible",
      secretOutput: "[secret]",
      pending: "[unknown]",
    });
    assert.ok(!JSON.stringify(toPlanJson(serialized)).includes("hunter2"));
  });

  it("keeps, by path, a digest of each redacted value: equal values, equal digests", () => {
    const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
    const digests: Record<string, string> = {};
    toPlanJson(
      { password: secret("a"), nested: { list: [1, secret("a"), secret("b")] }, unknown: { [specialSigKey]: specialOutputValueSig, secret: true } },
      digests,
    );
    assert.deepEqual(Object.keys(digests).sort(), ["nested.list[1]", "nested.list[2]", "password"]);
    assert.equal(digests.password, digests["nested.list[1]"]);
    assert.notEqual(digests.password, digests["nested.list[2]"]);
    assert.ok(!JSON.stringify(digests).includes('"a"'));
  });
});

describe("plan serialization of code", () => {
  it("shows an archive as a digest of its content: equal code, equal digest; changed code, changed digest", () => {
    const archive = (text: string) => ({
      [specialSigKey]: specialArchiveSig,
      assets: { "index.js": { [specialSigKey]: specialAssetSig, text }, "index.js.map": { [specialSigKey]: specialAssetSig, text: "{}" } },
    });
    const a = toPlanJson(archive("exports.handler=1")) as { $archive: string };
    assert.match(a.$archive, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(toPlanJson(archive("exports.handler=1")), a);
    assert.notDeepEqual(toPlanJson(archive("exports.handler=2")), a);
    assert.deepEqual(toPlanJson({ [specialSigKey]: specialAssetSig, path: "./logo.png" }), { $asset: "./logo.png" });
  });
});

describe("mock engine", () => {
  // Fresh runs, side by side: dev twice and prod between them.
  let sideBySide: Promise<[ProgramRun, ProgramRun, ProgramRun]>;
  before(() => void (sideBySide = Promise.all([runProgram({ stack: "dev" }), runProgram({ stack: "prod" }), runProgram({ stack: "dev" })])));

  it("runs several stacks in one process without leaking state", async () => {
    const [dev, prod, devAgain] = await sideBySide;
    assert.ok(dev.resources.every((r) => r.urn.startsWith("urn:pulumi:dev::tms::")));
    assert.ok(prod.resources.every((r) => r.urn.startsWith("urn:pulumi:prod::tms::")));
    assert.deepEqual(devAgain, dev);
    assert.equal(new Set(dev.resources.map((r) => r.urn)).size, dev.resources.length, "URNs are unique");
  });

  it("leaves a run as it found it, whatever the plan command reads from it (so the suites may share one run)", async () => {
    const [run, , pristine] = await sideBySide;
    const planOf = planCommandWith(async () => run);
    const older = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tms-plan-")), "older.json");
    fs.writeFileSync(older, (await invoke(planOf, "--stack", "dev", "--json")).stdout);
    assert.deepEqual(run, pristine);
    for (const args of [[], ["--against", older], ["--against", older, "--json"]]) {
      assert.equal((await invoke(planOf, "--stack", "dev", ...args)).status, 0);
      assert.deepEqual(run, pristine, `after npm run plan -- ${args.join(" ")}`);
    }
  });

  it("refuses a URN registered twice, as the engine does, and recovers", async () => {
    const twice = async () => {
      const { Bucket } = await import("@pulumi/aws/s3");
      new Bucket("same", {});
      new Bucket("same", {});
    };
    await assert.rejects(runProgram({ stack: "dev", program: twice }), /Duplicate resource URN 'urn:pulumi:dev::tms::aws:s3\/bucket:Bucket::same'/);
    assert.equal((await runProgram({ stack: "dev" })).resources[0].type, "pulumi:pulumi:Stack");
  });

  it("recovers after a failed run", async () => {
    await assert.rejects(runProgram({ stack: "dev", config: { "tms:network": { natGateways: "x" } } }));
    const after = await runProgram({ stack: "dev" });
    assert.equal(after.resources[0].type, "pulumi:pulumi:Stack");
    assert.equal(after.resources[0].name, "tms-dev");
  });

  it("skips the SDK's debug bookkeeping only while a program runs, and a failing program's error keeps its stack", async () => {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable");
    const { Resource } = require("@pulumi/pulumi");
    const before = [debuggable.debuggablePromise, Resource.callsites, process.sourceMapsEnabled];
    let during: unknown[] = [];
    const failing = async () => {
      during = [debuggable.debuggablePromise, Resource.callsites];
      throw new Error("broken program");
    };
    const err = await runProgram({ stack: "dev", program: failing }).catch((e) => e);
    assert.notEqual(during[0], before[0], "no stack trace per RPC promise during a run");
    assert.notEqual(during[1], before[1], "no stack trace per resource during a run");
    assert.deepEqual([debuggable.debuggablePromise, Resource.callsites, process.sourceMapsEnabled], before);
    assert.match(err.stack, /broken program\n\s+at .*failing \(.*plan\.test\.ts:\d+/);
  });

  it("builds URNs as the engine does: type chains under components, none under the stack", async () => {
    const run = await runStack("prod");
    const network = run.find("tms:network:Network");
    assert.equal(network.urn, "urn:pulumi:prod::tms::tms:network:Network::network");
    assert.equal(network.parent, run.find("pulumi:pulumi:Stack").urn);
    assert.equal(run.find("awsx:ec2:Vpc").urn, "urn:pulumi:prod::tms::tms:network:Network$awsx:ec2:Vpc::network-vpc");
  });

  it("records dependencies where the SDK registers the resource", async () => {
    const run = await runStack("prod");
    const flowLog = run.find("aws:ec2/flowLog:FlowLog");
    const vpc = run.find("awsx:ec2:Vpc");
    assert.deepEqual(flowLog.propertyDependencies.vpcId, [vpc.urn]);
    assert.ok(flowLog.dependencies.includes(vpc.urn));
  });

  it("answers the invokes the program makes and fails loudly on others", async () => {
    const { PlanMocks } = await import("../plan/mocks");
    const mocks = new PlanMocks("ap-south-1");
    assert.deepEqual(mocks.call({ token: "aws:index/getAvailabilityZones:getAvailabilityZones", inputs: {} } as any).names, [
      "ap-south-1a",
      "ap-south-1b",
      "ap-south-1c",
    ]);
    assert.throws(() => mocks.call({ token: "aws:ec2/getAmi:getAmi", inputs: {} } as any), /cannot answer the data source aws:ec2\/getAmi/);
  });
});

describe("npm run plan", () => {
  let prodJson: CliResult;
  let devText: CliResult;
  let missing: CliResult;
  let badConfig: CliResult;
  let noStack: CliResult;
  const badFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tms-plan-")), "Pulumi.dev.yaml");

  before(async function () {
    this.timeout(120_000);
    const dev = fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(badFile, dev.replace("natGateways: Single", "natGateways: Triple"));
    [prodJson, devText, missing, badConfig, noStack] = await Promise.all([
      // As a process: --json's promise that stdout carries the document alone covers whatever the runtime prints.
      planProcess("--stack", "prod", "--json"),
      plan("--stack", "dev"),
      plan("--stack", "nosuch"),
      plan("--stack", "dev", "--config", badFile),
      plan("--json"),
    ]);
  });

  it("--json prints only the plan document, per the contract", () => {
    assert.equal(prodJson.status, 0, prodJson.stderr);
    const doc = JSON.parse(prodJson.stdout);
    // The contract's keys, then the monthly cost estimate (cost/estimate.ts).
    assert.deepEqual(Object.keys(doc), ["project", "stack", "resources", "outputs", "policy", "cost"]);
    assert.equal(doc.project, "tms");
    assert.equal(doc.stack, "prod");
    const contract = ["urn", "type", "name", "id", "parent", "custom", "provider", "dependencies", "propertyDependencies", "inputs"];
    for (const resource of doc.resources) {
      // The one addition to the contract: digests of redacted inputs, only where there are any.
      assert.deepEqual(Object.keys(resource), resource.secrets ? [...contract, "secrets"] : contract);
    }
    const redis = doc.resources.find((r: any) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup");
    assert.equal(redis.inputs.authToken, "[secret]");
    assert.match(redis.secrets.authToken, /^sha256:[0-9a-f]{64}$/);
    assert.equal(doc.outputs.vpcId, "vpc-network-vpc");
  });

  it("shows one VPC with the nine reference subnets and a NAT per AZ in prod", () => {
    const doc = JSON.parse(prodJson.stdout);
    const vpcs = doc.resources.filter((r: any) => r.type === "awsx:ec2:Vpc");
    assert.equal(vpcs.length, 1);
    const cidrs = vpcs[0].inputs.subnetSpecs.flatMap((s: any) => s.cidrBlocks).sort();
    assert.deepEqual(cidrs, [
      "10.0.1.0/24",
      "10.0.101.0/24",
      "10.0.102.0/24",
      "10.0.103.0/24",
      "10.0.2.0/24",
      "10.0.201.0/24",
      "10.0.202.0/24",
      "10.0.203.0/24",
      "10.0.3.0/24",
    ]);
    assert.deepEqual(vpcs[0].inputs.natGateways, { strategy: "OnePerAz" });
  });

  it("reports the policy pack's verdict with zero mandatory violations", () => {
    const doc = JSON.parse(prodJson.stdout);
    assert.deepEqual(Object.keys(doc.policy), ["pack", "violations", "summary"]);
    assert.equal(doc.policy.pack, "tms-guardrails");
    assert.equal(doc.policy.summary.mandatory, 0);
    assert.equal(doc.policy.summary.advisory, doc.policy.violations.filter((v: any) => v.level === "advisory").length);
  });

  it("prints a readable tree, counts by type and outputs without --json", () => {
    assert.equal(devText.status, 0, devText.stderr);
    assert.match(devText.stdout, /^Offline plan for tms\/dev/);
    assert.match(devText.stdout, /tms:network:Network {2}network {2}\[\d+ resources\]/);
    assert.match(devText.stdout, /Counts by type:\n(.*\n)*\s+3 {2}aws:ec2\/securityGroup:SecurityGroup/);
    assert.match(devText.stdout, /Stack outputs:\n(.*\n)*\s+vpcId: "vpc-network-vpc"/);
  });

  it("exits 2 with a clear message for an unknown stack", () => {
    assert.equal(missing.status, 2);
    assert.equal(missing.stdout, "");
    assert.match(missing.stderr, /no stack "nosuch": Pulumi\.nosuch\.yaml does not exist \(stacks: dev, prod\)/);
  });

  it("exits 2 naming the key for a stack file with a bad value", () => {
    assert.equal(badConfig.status, 2);
    assert.match(badConfig.stderr, /tms:network\.natGateways: got "Triple"; expected one of "OnePerAz", "Single"/);
    assert.ok(!badConfig.stderr.includes("    at "), "no stack trace");
  });

  it("exits 2 with usage when --stack is missing", () => {
    assert.equal(noStack.status, 2);
    assert.match(noStack.stderr, /--stack is required\nusage: npm run plan/);
  });
});
