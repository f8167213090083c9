/**
 * The mock engine: runs the Pulumi program (index.ts) for one stack against
 * Pulumi's mock monitor and records every resource the way the real engine
 * receives it — URN, parent, provider, dependencies, property dependencies and
 * serialized inputs. Used by `npm run plan` and by tests/harness.ts.
 *
 * It needs no Pulumi CLI, no provider plugin and no credentials: the program
 * runs as a preview (`isDryRun()`), and the answers a provider would give are
 * supplied by plan/mocks.ts.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { parse as parseYaml } from "yaml";
import { PlanMocks } from "./mocks";
import { providerUrnOf } from "./report";
import { isPlainObject, JsonValue, SecretDigests, toPlanJson } from "./serialize";

export const PROJECT_DIR = path.resolve(__dirname, "..");
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  /** The id the mock provider assigned; empty for components. */
  id: string;
  parent: string | null;
  custom: boolean;
  /** `<provider urn>::<provider id>`, or empty for components and default providers. */
  provider: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Plain JSON: secrets are "[secret]", values unknown at plan time "[unknown]". */
  inputs: Record<string, JsonValue>;
  /** For each "[secret]" in `inputs`, by path, a digest that changes when the secret does (absent when none). */
  secrets?: SecretDigests;
}

/** Resource options the plan document does not carry, kept for tests. */
export interface ResourceOptions {
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  /** The custom delete timeout (e.g. "45m"), if any. */
  deleteTimeout?: string;
}

export interface ProgramRun {
  project: string;
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, JsonValue>;
  options: Record<string, ResourceOptions>;
}

/** Config overrides: a value replaces the key (objects are merged deeply); `undefined` removes it. */
export type ConfigOverrides = Record<string, unknown>;

export interface RunOptions {
  stack: string;
  /** Stack config file to read instead of `Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** Applied on top of the stack file, e.g. to test a variant of `prod`. */
  config?: ConfigOverrides;
  /** Runs this instead of index.ts (with the stack's config), e.g. one component with chosen args. */
  program?: () => unknown;
}

/** Bad input to the engine itself: no such stack, an unreadable stack file. Exit status 2. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

interface ProjectFile {
  name: string;
  config?: Record<string, unknown>;
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PlanInputError(`cannot read ${path.relative(process.cwd(), file) || file}: ${(err as Error).message}`);
  }
}

export function listStacks(projectDir = PROJECT_DIR): string[] {
  return fs
    .readdirSync(projectDir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * Project-level defaults (`Pulumi.yaml` `config:`), then the stack file, then
 * overrides — the order the CLI applies. Secure values cannot be decrypted
 * offline, so each becomes a placeholder named after a digest of its
 * ciphertext (a new value, a new placeholder) and its key stays secret.
 */
function resolveConfig(project: ProjectFile, stackConfig: Record<string, unknown>, overrides: ConfigOverrides = {}) {
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
  const merged: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const isDeclaration = declaration !== null && typeof declaration === "object";
    const value = isDeclaration
      ? ((declaration as { default?: unknown; value?: unknown }).value ?? (declaration as { default?: unknown }).default)
      : declaration;
    if (value !== undefined) merged[qualify(key)] = value;
  }
  for (const [key, value] of Object.entries(stackConfig)) merged[qualify(key)] = value;
  for (const [key, value] of Object.entries(overrides)) {
    const qualified = qualify(key);
    if (value === undefined) delete merged[qualified];
    else merged[qualified] = deepMerge(merged[qualified], value);
  }

  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(merged)) {
    let secret = false;
    const plain = replaceSecure(value, () => (secret = true));
    if (secret) secretKeys.push(key);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
  }
  return { values, secretKeys };
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = deepMerge(base[key], value);
  }
  return out;
}

function replaceSecure(value: unknown, onSecret: () => void): unknown {
  if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
    onSecret();
    return `[secret ${createHash("sha256").update(value.secure).digest("hex").slice(0, 16)}]`;
  }
  if (Array.isArray(value)) return value.map((v) => replaceSecure(v, onSecret));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, onSecret)]));
  return value;
}

/**
 * Pulumi's MockMonitor, recording what the SDK sends it. The stock monitor
 * hands its mocks only type, name and inputs; dependencies, parents and
 * providers exist only on the registration request, so they are taken here.
 */
class RecordingMonitor extends MockMonitor {
  readonly recorded: PlanResource[] = [];
  /**
   * URNs registered more than once. The engine refuses the second
   * registration; failing the RPC here would leave the SDK waiting on
   * dependents forever, so the run fails once everything has settled.
   */
  readonly duplicateUrns: string[] = [];
  readonly options: Record<string, ResourceOptions> = {};
  stackOutputs: Record<string, JsonValue> = {};
  private stackUrn = "";

  constructor(mocks: PlanMocks) {
    super(mocks);
    mocks.providerInputs = (ref) => this.recorded.find((r) => r.urn === providerUrnOf(ref))?.inputs;
    // The engine qualifies a child's type with its parent's whole type chain,
    // except under the root stack; the stock mock keeps only the last link.
    (this as unknown as { newUrn: (parent: string, type: string, name: string) => string }).newUrn = engineUrn;
  }

  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const urn = engineUrn(parent, type, name);
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
      propertyDependencies[key] = [...deps.getUrnsList()].sort();
    });
    const secrets: SecretDigests = {};
    const inputs = toPlanJson(req.getObject()?.toJavaScript() ?? {}, secrets) as Record<string, JsonValue>;
    const record: PlanResource = {
      urn,
      type,
      name,
      id: "",
      parent: parent || null,
      custom: req.getCustom(),
      // A component's providers travel in a map; a custom resource has one reference.
      provider: req.getProvider() || [...req.getProvidersMap().values()].join(","),
      dependencies: [...new Set<string>(req.getDependenciesList())].sort(),
      propertyDependencies,
      inputs,
      ...(Object.keys(secrets).length > 0 && { secrets }),
    };
    this.options[urn] = {
      protect: Boolean(req.getProtect()),
      retainOnDelete: Boolean(req.getRetainondelete()),
      deleteBeforeReplace: Boolean(req.getDeletebeforereplace()),
      ...(req.getCustomtimeouts()?.getDelete() && { deleteTimeout: req.getCustomtimeouts()!.getDelete() }),
    };
    if (type === ROOT_STACK_TYPE) this.stackUrn = urn;
    if (this.recorded.some((r) => r.urn === urn)) this.duplicateUrns.push(urn);
    this.recorded.push(record);
    const secretOutputs: string[] = req.getAdditionalsecretoutputsList();
    return super.registerResource(req, (err, response) => {
      if (!err) {
        record.id = response.getId();
        // The engine, not the SDK, marks these outputs secret; the stock mock does not.
        if (secretOutputs.length > 0) response.setObject(Struct.fromJavaScript(markSecret(response.getObject().toJavaScript(), secretOutputs)));
      }
      // The SDK interpolates the response into a debug line whether or not it is logged.
      if (response) response.toString = () => "RegisterResourceResponse";
      callback(err, response);
    });
  }

  registerResourceOutputs(req: any, callback: (err: any, response: any) => void): void {
    if (req.getUrn() === this.stackUrn) {
      this.stackOutputs = toPlanJson(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, JsonValue>;
    }
    super.registerResourceOutputs(req, callback);
  }
}

function markSecret(state: Record<string, any>, keys: string[]): Record<string, any> {
  const out = { ...state };
  for (const key of keys) {
    if (key in out && !(out[key] && out[key][specialSigKey] === specialSecretSig)) out[key] = { [specialSigKey]: specialSecretSig, value: out[key] };
  }
  return out;
}

function engineUrn(parent: string, type: string, name: string): string {
  let qualifiedType = type;
  if (parent) {
    const parentType = parent.split("::")[2];
    if (parentType !== ROOT_STACK_TYPE) qualifiedType = `${parentType}$${type}`;
  }
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualifiedType}::${name}`;
}

// Runtime internals the SDK exports but leaves out of its typings.
const { waitForRPCs } = settings as unknown as { waitForRPCs(): Promise<void> };
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };

/**
 * A program that throws leaves the same error rejected in several of the SDK's
 * promises, some of which settle after the run has ended. Rejections during a
 * run fail that run; late echoes of an error already reported are dropped;
 * anything else is a real bug and still crashes the process.
 */
let activeRunFailures: unknown[] | undefined;
const reportedFailures = new WeakSet<object>();
process.on("unhandledRejection", (reason) => {
  if (activeRunFailures) activeRunFailures.push(reason);
  else if (!(reason !== null && typeof reason === "object" && reportedFailures.has(reason))) throw reason;
});

/** Only one program can run at a time: the Pulumi runtime keeps its state in globals. */
let running: Promise<unknown> = Promise.resolve();

/**
 * Runs the program for one stack. Resolves with every registered resource and
 * the stack outputs; rejects with PlanInputError (bad stack or file), the
 * program's StackConfigError (bad config), or whatever else the program threw.
 */
/** What runs the program: runProgram itself, or in the suites, one that shares a stack's unchanged run (tests/harness.ts). */
export type ProgramEngine = (options: RunOptions) => Promise<ProgramRun>;

export function runProgram(options: RunOptions): Promise<ProgramRun> {
  const run = running.then(() => withoutDebugBookkeeping(() => runExclusive(options)));
  running = run.catch(() => undefined);
  return run;
}

// SDK internals the shortcuts below replace for the length of a run; both are
// module exports the SDK calls through its module objects.
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T> };
const { Resource } = pulumi as unknown as { Resource: { callsites(): unknown[] } };

/**
 * The SDK does debugging work for every resource that nothing offline reads,
 * and it is most of a run's time:
 * - it captures a stack trace for every resource (for its source position) and
 *   for every RPC promise (for its leak report at exit), and with source maps
 *   on (the TypeScript loader turns them on) each trace is mapped too;
 * - it formats every registration response into a debug log line, which is
 *   evaluated even when debug logging is off, and a response carries the
 *   resource's whole state, Lambda bundles included (see RecordingMonitor).
 * None of it reaches a plan: the mock engine ignores source positions, and a
 * run's promises all settle before it returns. Errors keep their stacks.
 */
async function withoutDebugBookkeeping<T>(work: () => Promise<T>): Promise<T> {
  const sourceMaps = process.sourceMapsEnabled;
  const { debuggablePromise } = debuggable;
  const { callsites } = Resource;
  process.setSourceMapsEnabled(false);
  debuggable.debuggablePromise = (promise) => promise;
  Resource.callsites = () => [];
  try {
    return await work();
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
    debuggable.debuggablePromise = debuggablePromise;
    Resource.callsites = callsites;
  }
}

/**
 * The stack's config as the CLI hands it to the program: every value a string
 * (objects JSON-encoded), secure values as placeholders, and which keys are
 * secret. Throws PlanInputError for a bad stack name or a missing file.
 */
export function stackConfigValues(options: Pick<RunOptions, "stack" | "configFile" | "config">): {
  project: string;
  values: Record<string, string>;
  secretKeys: string[];
} {
  const project = readYaml(path.join(PROJECT_DIR, "Pulumi.yaml")) as ProjectFile;
  const stackFile = options.configFile ?? path.join(PROJECT_DIR, `Pulumi.${options.stack}.yaml`);
  if (!/^[A-Za-z0-9_.-]+$/.test(options.stack)) {
    throw new PlanInputError(`"${options.stack}" is not a valid stack name (letters, digits, "-", "_", ".")`);
  }
  if (!fs.existsSync(stackFile)) {
    throw new PlanInputError(
      options.configFile
        ? `config file ${options.configFile} does not exist`
        : `no stack "${options.stack}": Pulumi.${options.stack}.yaml does not exist (stacks: ${listStacks().join(", ")})`,
    );
  }
  const stackYaml = (readYaml(stackFile) ?? {}) as { config?: Record<string, unknown> };
  return { project: project.name, ...resolveConfig(project, stackYaml.config ?? {}, options.config) };
}

async function runExclusive(options: RunOptions): Promise<ProgramRun> {
  const { project, values, secretKeys } = stackConfigValues(options);

  const mocks = new PlanMocks(values["aws:region"]);
  const monitor = new RecordingMonitor(mocks);
  settings.setMockOptions(monitor, project, options.stack, true);
  // What pulumi.runtime.setMocks enables, minus transforms (the mock has no callback server).
  Object.assign(getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
  });
  pulumi.runtime.setAllConfig(values, secretKeys);

  // index.ts does its work at load time, so each run loads it afresh.
  const entry = require.resolve(path.join(PROJECT_DIR, "index.ts"));
  delete require.cache[entry];

  const failures: unknown[] = [];
  activeRunFailures = failures;
  try {
    await runInPulumiStack(async () => (options.program ? options.program() : require(entry)));
    await waitForRPCs();
    if (failures.length > 0) throw failures[0];
    // The engine's own words for it.
    if (monitor.duplicateUrns.length > 0)
      throw new Error(monitor.duplicateUrns.map((urn) => `Duplicate resource URN '${urn}'; try giving it a unique name`).join("\n"));
    if (pulumi.log.hasErrors()) throw new Error("the program logged errors (see above)");
  } catch (err) {
    if (err !== null && typeof err === "object") reportedFailures.add(err);
    // Let the failed program's in-flight registrations finish against its own
    // monitor, not the next run's.
    await waitForRPCs().catch(() => undefined);
    throw err;
  } finally {
    activeRunFailures = undefined;
  }

  return { project, stack: options.stack, resources: monitor.recorded, outputs: monitor.stackOutputs, options: monitor.options };
}
