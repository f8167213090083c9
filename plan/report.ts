/**
 * The offline plan document (contract: ../shared/DESIGN.md, "Offline plan")
 * and its readable rendering.
 */
import * as fs from "fs";
import type { PlanResource, ProgramRun } from "./engine";
import { isPlainObject, JsonValue } from "./serialize";

/** The URN a provider reference (`<provider urn>::<provider id>`) names; empty for no reference. URNs hold `::` themselves, ids do not. */
export function providerUrnOf(reference: string): string {
  const separator = reference.lastIndexOf("::");
  return separator < 0 ? "" : reference.slice(0, separator);
}

export type EnforcementLevel = "mandatory" | "advisory";

export interface PolicyViolation {
  policy: string;
  level: EnforcementLevel;
  /** The resource's URN, or null for a finding about the whole stack. */
  urn: string | null;
  message: string;
}

export interface PolicyReport {
  /** The pack's name, or null when no pack is evaluated. */
  pack: string | null;
  violations: PolicyViolation[];
  summary: Record<EnforcementLevel, number>;
}

export interface Plan {
  project: string;
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, JsonValue>;
  policy: PolicyReport;
}

/** A pack's findings, with the counts by enforcement level derived from them. */
export function policyReport(pack: string | null, violations: PolicyViolation[]): PolicyReport {
  const summary = { mandatory: 0, advisory: 0 };
  for (const v of violations) summary[v.level] += 1;
  return { pack, violations, summary };
}

export const NO_POLICY_PACK: PolicyReport = policyReport(null, []);

export function buildPlan(run: ProgramRun, policy: PolicyReport = NO_POLICY_PACK): Plan {
  return { project: run.project, stack: run.stack, resources: run.resources, outputs: run.outputs, policy };
}

/** A plan file that cannot be read or is not a plan. Exit status 2. */
export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFileError";
  }
}

/**
 * Reads a plan file: one from `npm run plan -- --json`, or a hand-written or
 * mutated one. Fills the fields a hand-written plan may leave out; rejects
 * anything that is not a plan, naming the field.
 */
export function readPlanFile(file: string): Plan {
  let doc: any;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PlanFileError(`cannot read plan ${file}: ${(err as Error).message}`);
  }
  if (typeof doc?.stack !== "string" || !Array.isArray(doc.resources))
    throw new PlanFileError(`${file} is not a plan: expected { "stack": "...", "resources": [...] }`);
  const resources = doc.resources.map((r: any, i: number): PlanResource => {
    for (const key of ["urn", "type", "name"]) {
      if (typeof r?.[key] !== "string") throw new PlanFileError(`${file}: resources[${i}].${key} must be a string`);
    }
    for (const key of ["inputs", "secrets"]) {
      if (r[key] !== undefined && !isPlainObject(r[key])) throw new PlanFileError(`${file}: resources[${i}].${key} must be an object`);
    }
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      id: r.id ?? "",
      parent: r.parent ?? null,
      custom: r.custom ?? true,
      provider: r.provider ?? "",
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
      inputs: r.inputs ?? {},
      ...(r.secrets && { secrets: r.secrets }),
    };
  });
  const policy =
    isPlainObject<any>(doc.policy) && Array.isArray(doc.policy.violations) ? policyReport(doc.policy.pack ?? null, doc.policy.violations) : NO_POLICY_PACK;
  return {
    project: typeof doc.project === "string" ? doc.project : "",
    stack: doc.stack,
    resources,
    outputs: isPlainObject<JsonValue>(doc.outputs) ? doc.outputs : {},
    policy,
  };
}

/** 0 when no mandatory policy is violated, 1 otherwise. */
export function planExitCode(plan: Plan): 0 | 1 {
  return plan.policy.summary.mandatory > 0 ? 1 : 0;
}

function physicalName(resource: PlanResource): string {
  return resource.custom && resource.id && resource.id !== resource.name ? `  (${resource.id})` : "";
}

function renderTree(resources: PlanResource[]): string[] {
  const children = new Map<string | null, PlanResource[]>();
  for (const resource of resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    const level = [...(children.get(parent) ?? [])].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    for (const resource of level) {
      const below = countDescendants(resource.urn, children);
      const suffix = resource.custom ? physicalName(resource) : below > 0 ? `  [${below} resources]` : "";
      lines.push(`${"  ".repeat(depth)}${resource.type}  ${resource.name}${suffix}`);
      walk(resource.urn, depth + 1);
    }
  };
  walk(null, 1);
  return lines;
}

function countDescendants(urn: string, children: Map<string | null, PlanResource[]>): number {
  return (children.get(urn) ?? []).reduce((n, child) => n + 1 + countDescendants(child.urn, children), 0);
}

function renderOutputs(outputs: Record<string, JsonValue>): string[] {
  const keys = Object.keys(outputs).sort();
  if (keys.length === 0) return ["  (none)"];
  return keys.map((key) => `  ${key}: ${JSON.stringify(outputs[key])}`);
}

export function renderPolicy(policy: PolicyReport): string[] {
  if (policy.pack === null) return ["  no policy pack evaluated"];
  const lines = [`  pack ${policy.pack}: ${policy.summary.mandatory} mandatory, ${policy.summary.advisory} advisory violation(s)`];
  const ordered = [...policy.violations].sort((a, b) => (a.level === b.level ? a.policy.localeCompare(b.policy) : a.level === "mandatory" ? -1 : 1));
  for (const v of ordered) {
    lines.push(`  [${v.level}] ${v.policy}${v.urn ? ` — ${v.urn.split("::").pop()}` : ""}`);
    lines.push(...v.message.split("\n").map((line) => `      ${line}`));
  }
  return lines;
}

export function formatPlan(plan: Plan): string {
  const counts = new Map<string, number>();
  for (const resource of plan.resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  const countLines = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([type, n]) => `  ${String(n).padStart(4)}  ${type}`);
  return [
    `Offline plan for ${plan.project}/${plan.stack} (mock engine: no cloud calls, no credentials)`,
    "",
    "Resources, by component:",
    ...renderTree(plan.resources),
    "",
    "Counts by type:",
    ...countLines,
    `  ${String(plan.resources.length).padStart(4)}  total`,
    "",
    "Stack outputs:",
    ...renderOutputs(plan.outputs),
    "",
    "Policy:",
    ...renderPolicy(plan.policy),
    "",
  ].join("\n");
}
