/**
 * Evaluates the pack outside the engine — for the offline plan, for
 * `npm run policy:check` and for the tests — the way the Pulumi engine and
 * @pulumi/policy's analyzer server do:
 *
 * - enforcement level: the pack config's, else the policy's, else the pack's;
 *   "disabled" skips the policy; "all" in the config sets every policy;
 * - `getConfig()` returns the policy's config properties (schema defaults
 *   overlaid with the pack config), without `enforcementLevel`;
 * - props go through @pulumi/policy's own unknown-checking proxy: reading a
 *   value unknown at plan time turns the policy into an advisory "can't run
 *   ... during preview" finding, exactly as the analyzer reports it;
 * - `notApplicable()` skips the policy for that resource;
 * - stack policies see parents, dependencies and property dependencies as
 *   resource objects.
 */
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PlanResource } from "../plan/engine";
import { policyReport, PolicyReport, PolicyViolation, providerUrnOf } from "../plan/report";
import { UNKNOWN } from "../plan/serialize";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies as packPolicies } from "./policies";
import type { TmsPolicy } from "./policies/define";

// @pulumi/policy's analyzer internals: exported at runtime, stripped from its typings.
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(target: T): T;
  UnknownValueError: new (...args: any[]) => Error;
  unknownStringValue: string;
};

export const PACK_VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8")).version;

export interface PackDefinition {
  name: string;
  version: string;
  enforcementLevel: EnforcementLevel;
  policies: TmsPolicy[];
}

export const TMS_PACK: PackDefinition = { name: PACK_NAME, version: PACK_VERSION, enforcementLevel: PACK_ENFORCEMENT_LEVEL, policies: packPolicies };

/** A pack config file that does not fit the pack. Exit status 2. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
  boolean: (v) => typeof v === "boolean",
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === "number",
  string: (v) => typeof v === "string",
  array: (v) => Array.isArray(v),
  object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
};

/**
 * Resolves a `--policy-pack-config` document (`{ "all": level, "<policy>": level | { enforcementLevel?, ...props } }`)
 * against the pack, the way the CLI does before it configures the analyzer.
 */
export function resolvePackConfig(pack: PackDefinition, document: unknown = {}): Map<string, ResolvedPolicyConfig> {
  if (document === null || typeof document !== "object" || Array.isArray(document)) throw new PolicyConfigError("the policy config must be a JSON object");
  const entries = document as Record<string, unknown>;
  const byName = new Map(pack.policies.map((p) => [p.name, p]));
  const problems: string[] = [];
  const split = (key: string, value: unknown): { level?: EnforcementLevel; props: Record<string, unknown> } => {
    if (typeof value === "string") return { level: value as EnforcementLevel, props: {} };
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...props } = value as Record<string, unknown>;
      return { level: enforcementLevel as EnforcementLevel | undefined, props };
    }
    problems.push(`${key}: expected an enforcement level or an object, got ${JSON.stringify(value)}`);
    return { props: {} };
  };
  for (const [key, value] of Object.entries(entries)) {
    if (key !== "all" && !byName.has(key)) problems.push(`${key}: no such policy in pack ${pack.name}`);
    const { level } = split(key, value);
    if (level !== undefined && !LEVELS.includes(level)) problems.push(`${key}: enforcementLevel ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`);
  }
  const all = "all" in entries ? split("all", entries.all).level : undefined;

  const resolved = new Map<string, ResolvedPolicyConfig>();
  for (const policy of pack.policies) {
    const own = policy.name in entries ? split(policy.name, entries[policy.name]) : { props: {} };
    const schema = policy.configSchema?.properties ?? {};
    const properties: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(schema))
      if ((spec as { default?: unknown }).default !== undefined) properties[key] = (spec as { default: unknown }).default;
    for (const [key, value] of Object.entries(own.props)) {
      const spec = schema[key] as { type?: string } | undefined;
      if (!spec) problems.push(`${policy.name}.${key}: the policy has no such config property (has: ${Object.keys(schema).join(", ") || "none"})`);
      else if (spec.type && !JSON_TYPES[spec.type]?.(value)) problems.push(`${policy.name}.${key}: expected ${spec.type}, got ${JSON.stringify(value)}`);
      else properties[key] = value;
    }
    resolved.set(policy.name, { enforcementLevel: own.level ?? all ?? policy.enforcementLevel ?? pack.enforcementLevel, properties });
  }
  if (problems.length > 0) throw new PolicyConfigError(`invalid policy config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return resolved;
}

/** `policy/config.<stack>.json`, or no config when the stack has none. */
export function loadStackPolicyConfig(stack: string, file?: string): unknown {
  const configFile = file ?? path.join(__dirname, `config.${stack}.json`);
  if (!fs.existsSync(configFile)) {
    if (file) throw new PolicyConfigError(`policy config ${file} does not exist`);
    return {};
  }
  try {
    return JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (err) {
    throw new PolicyConfigError(`cannot read policy config ${configFile}: ${(err as Error).message}`);
  }
}

const NO_STACK_TAGS: ReadonlyMap<string, string> = new Map();

class NotApplicableError extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

/** Plan inputs back into analyzer props: "[unknown]" becomes the analyzer's unknown sentinel. */
function toProps(value: unknown): any {
  if (value === UNKNOWN) return proxy.unknownStringValue;
  if (Array.isArray(value)) return value.map(toProps);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toProps(v)]));
  return value;
}

const OPTIONS = (parent: string | null) => ({
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
  ...(parent ? { parent } : {}),
});

/** The stack as StackValidationArgs present it: resource objects linked to each other. */
function policyResources(resources: PlanResource[]): PolicyResource[] {
  const planByUrn = new Map(resources.map((r) => [r.urn, r]));
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((r) => {
    const resource = {
      type: r.type,
      props: proxy.unknownCheckingProxy(toProps(r.inputs)),
      urn: r.urn,
      name: r.name,
      opts: OPTIONS(r.parent),
      dependencies: [] as PolicyResource[],
      propertyDependencies: {} as Record<string, PolicyResource[]>,
      isType: () => false,
      asType: () => undefined,
    } as unknown as PolicyResource;
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const resource = built[i] as {
      parent?: PolicyResource;
      provider?: unknown;
      dependencies: PolicyResource[];
      propertyDependencies: Record<string, PolicyResource[]>;
    };
    if (r.parent && byUrn.has(r.parent)) resource.parent = byUrn.get(r.parent);
    const provider = planByUrn.get(providerUrnOf(r.provider));
    if (provider) resource.provider = { type: provider.type, props: toProps(provider.inputs), urn: provider.urn, name: provider.name };
    resource.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      resource.propertyDependencies[key] = urns.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
    }
  });
  return built;
}

/** Runs every enabled policy of the pack over the resources and reports what the engine would. */
export async function evaluatePack(pack: PackDefinition, resources: PlanResource[], config: Map<string, ResolvedPolicyConfig>): Promise<PolicyReport> {
  const violations: PolicyViolation[] = [];
  const stackResources = policyResources(resources);
  for (const policy of pack.policies) {
    const resolved = config.get(policy.name) ?? { enforcementLevel: policy.enforcementLevel ?? pack.enforcementLevel, properties: {} };
    if (resolved.enforcementLevel === "disabled") continue;
    // As the analyzer does: a remediation that still fails is reported as mandatory.
    const level = resolved.enforcementLevel === "remediate" ? "mandatory" : resolved.enforcementLevel;
    const getConfig = <T extends object>() => ({ ...resolved.properties }) as T;
    const run = async (urn: string | null, validate: (report: ReportViolation) => unknown) => {
      const report: ReportViolation = (message, violationUrn) => {
        violations.push({ policy: policy.name, level, urn: violationUrn ?? urn, message: message ? `${policy.description}\n${message}` : policy.description });
      };
      try {
        await validate(report);
      } catch (err) {
        if (err instanceof proxy.UnknownValueError) {
          violations.push({
            policy: policy.name,
            level: "advisory",
            urn,
            message: `can't run policy '${policy.name}' from policy pack '${pack.name}@v${pack.version}' during preview: ${err.message}`,
          });
        } else if (!(err instanceof NotApplicableError)) {
          throw new Error(`Error validating ${urn ?? "the stack"} with policy '${policy.name}': ${(err as Error).message}`);
        }
      }
    };
    if ("validateResource" in policy) {
      const validations = [(policy as ResourceValidationPolicy).validateResource].flat().filter((v) => v !== undefined);
      for (const resource of stackResources) {
        // The same view of the resource a stack policy gets, plus what resource policies are given.
        const args = { ...resource, stackTags: NO_STACK_TAGS, getConfig, notApplicable };
        for (const validate of validations) await run(resource.urn, (report) => validate(args as never, report));
      }
    } else {
      const args = { resources: stackResources, getConfig, stackTags: NO_STACK_TAGS, notApplicable };
      await run(null, (report) => (policy as StackValidationPolicy).validateStack(args as never, report));
    }
  }
  return policyReport(pack.name, violations);
}

/** The pack's verdict on a stack's resources, with that stack's policy config (or `configFile`). */
export function checkStack(resources: PlanResource[], stack: string, configFile?: string): Promise<PolicyReport> {
  return evaluatePack(TMS_PACK, resources, resolvePackConfig(TMS_PACK, loadStackPolicyConfig(stack, configFile)));
}
