/**
 * The pack as `pulumi preview --policy-pack policy` runs it: policy/index.ts
 * started from policy/ (its own package.json, dependencies resolved from
 * there), serving @pulumi/policy's analyzer over gRPC. The same plans go to
 * that server and to the offline evaluator, and the findings must agree.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PlanResource } from "../plan/engine";
import type { PolicyViolation } from "../plan/report";
import { evaluatePack, loadStackPolicyConfig, resolvePackConfig, ResolvedPolicyConfig, TMS_PACK } from "../policy/evaluate";
import { bucketWith, compliantDb, compliantRedis, res, vpcWith } from "./policy-fixtures";
import { runStack } from "./harness";

const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { unknownStringValue } = require("@pulumi/policy/proxy") as { unknownStringValue: string };

const LEVEL_TO_PROTO: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const LEVEL_FROM_PROTO = ["advisory", "mandatory", "disabled", "remediate"];

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))));
}

const struct = (value: unknown) => Struct.fromJavaScript(JSON.parse(JSON.stringify(value).replaceAll('"[unknown]"', JSON.stringify(unknownStringValue))));

function options(resource: PlanResource) {
  const opts = new analyzerPb.AnalyzerResourceOptions();
  opts.setProtect(false);
  if (resource.parent) opts.setParent(resource.parent);
  opts.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
  return opts;
}

/** What the engine sends: Analyze per resource, AnalyzeStack once. */
async function analyzeOnServer(client: any, resources: PlanResource[]): Promise<PolicyViolation[]> {
  const diagnostics: PolicyViolation[] = [];
  const collect = (response: any) => {
    for (const d of response.getDiagnosticsList()) {
      diagnostics.push({
        policy: d.getPolicyname(),
        level: LEVEL_FROM_PROTO[d.getEnforcementlevel()] as "advisory",
        urn: d.getUrn() || null,
        message: d.getMessage(),
      });
    }
  };
  for (const r of resources) {
    const request = new analyzerPb.AnalyzeRequest();
    request.setType(r.type);
    request.setProperties(struct(r.inputs));
    request.setUrn(r.urn);
    request.setName(r.name);
    request.setOptions(options(r));
    const response = await call<any>(client, "analyze", request);
    // The engine attaches the resource's URN to per-resource diagnostics.
    for (const d of response.getDiagnosticsList()) if (!d.getUrn()) d.setUrn(r.urn);
    collect(response);
  }
  const stackRequest = new analyzerPb.AnalyzeStackRequest();
  stackRequest.setResourcesList(
    resources.map((r) => {
      const resource = new analyzerPb.AnalyzerResource();
      resource.setType(r.type);
      resource.setProperties(struct(r.inputs));
      resource.setUrn(r.urn);
      resource.setName(r.name);
      resource.setOptions(options(r));
      if (r.parent) resource.setParent(r.parent);
      resource.setDependenciesList(r.dependencies);
      const deps = resource.getPropertydependenciesMap();
      for (const [key, urns] of Object.entries(r.propertyDependencies)) {
        const list = new analyzerPb.AnalyzerPropertyDependencies();
        list.setUrnsList(urns);
        deps.set(key, list);
      }
      return resource;
    }),
  );
  collect(await call<any>(client, "analyzeStack", stackRequest));
  return diagnostics;
}

async function configure(client: any, config: Map<string, ResolvedPolicyConfig>) {
  const request = new analyzerPb.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const [name, { enforcementLevel, properties }] of config) {
    const policyConfig = new analyzerPb.PolicyConfig();
    policyConfig.setEnforcementlevel(LEVEL_TO_PROTO[enforcementLevel]);
    policyConfig.setProperties(Struct.fromJavaScript(properties as never));
    map.set(name, policyConfig);
  }
  await call(client, "configure", request);
}

const key = (v: PolicyViolation) => JSON.stringify([v.policy, v.urn, v.level, v.message]);
const sorted = (vs: PolicyViolation[]) => vs.map(key).sort();

describe("policy pack served as the Pulumi CLI runs it", function () {
  this.timeout(120_000);
  let pack: ChildProcess;
  let client: any;

  before(async () => {
    const policyDir = path.resolve(__dirname, "../policy");
    pack = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], { cwd: policyDir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    pack.stderr!.on("data", (chunk) => (stderr += chunk));
    const port = await new Promise<string>((resolve, reject) => {
      pack.stdout!.once("data", (chunk) => resolve(String(chunk).trim()));
      pack.once("exit", (code) => reject(new Error(`policy pack exited ${code}: ${stderr}`)));
    });
    assert.match(port, /^\d+$/, "the pack prints its port for the engine");
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    pack?.kill();
  });

  it("registers every policy with its name, description and level", async () => {
    const info = await call<any>(client, "getAnalyzerInfo", new (require("google-protobuf/google/protobuf/empty_pb").Empty)());
    assert.equal(info.getName(), "tms-guardrails");
    assert.equal(info.getVersion(), TMS_PACK.version);
    const served = info.getPoliciesList().map((p: any) => [p.getName(), LEVEL_FROM_PROTO[p.getEnforcementlevel()], p.getDescription()]);
    assert.deepEqual(
      served,
      TMS_PACK.policies.map((p) => [p.name, p.enforcementLevel, p.description]),
    );
  });

  for (const stack of ["dev", "prod"]) {
    it(`agrees with the offline evaluator on the ${stack} plan`, async () => {
      const config = resolvePackConfig(TMS_PACK, loadStackPolicyConfig(stack));
      await configure(client, config);
      const run = await runStack(stack);
      const served = await analyzeOnServer(client, run.resources);
      const offline = await evaluatePack(TMS_PACK, run.resources, config);
      assert.deepEqual(sorted(served), sorted(offline.violations));
    });
  }

  it("agrees on a plan full of violations, unknowns and not-applicable policies", async () => {
    const config = resolvePackConfig(TMS_PACK, { all: "mandatory", "rds-multi-az": { required: true } });
    await configure(client, config);
    const resources = [
      ...bucketWith({ omit: ["policy", "versioning"], override: { publicAccessBlock: { blockPublicAcls: false } } }),
      ...compliantDb({ storageEncrypted: "[unknown]", multiAz: false, publiclyAccessible: true }),
      compliantRedis({ transitEncryptionEnabled: false, authToken: undefined }),
      ...vpcWith({ engineShape: true, omit: ["flowLog"] }),
      res("aws:iam/role:Role", "role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] }) }),
    ];
    const served = await analyzeOnServer(client, resources);
    const offline = await evaluatePack(TMS_PACK, resources, config);
    assert.ok(offline.violations.length >= 8, `only ${offline.violations.length} findings`);
    assert.ok(offline.violations.some((v) => v.message.includes("can't run policy 'rds-storage-encrypted'")));
    assert.deepEqual(sorted(served), sorted(offline.violations));
  });
});
