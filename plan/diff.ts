/**
 * What changed between two offline plans: resources added, removed and
 * changed (with the input paths that changed), outputs, and policy findings.
 * Works on plan documents alone, so a reviewer compares the base branch's
 * plan with the head's without credentials; secrets stay "[secret]", and a
 * changed secret shows as changed through the plan's secret digests.
 */
import type { PlanResource } from "./engine";
import { Plan, PolicyViolation } from "./report";
import { isPlainObject, JsonValue, SECRET } from "./serialize";

export interface ValueChange {
  /** `instanceClass`, `environment.variables.DB_POOL_MAX`, `policy.Statement[0].Action` (inside a JSON string). */
  path: string;
  /** Absent when the path did not exist on that side. */
  before?: JsonValue;
  after?: JsonValue;
}

export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

export interface ResourceChange extends ResourceRef {
  changes: ValueChange[];
}

export interface PlanDiff {
  before: { project: string; stack: string };
  after: { project: string; stack: string };
  /** Set when the plans are of different stacks: the old stack's name, read as the new one, so only real differences show. */
  renamed: { from: string; to: string } | null;
  added: ResourceRef[];
  removed: ResourceRef[];
  changed: ResourceChange[];
  unchanged: number;
  outputs: ValueChange[];
  policy: {
    before: Plan["policy"]["summary"];
    after: Plan["policy"]["summary"];
    /** Findings the new plan has and the old one had not, and the reverse. */
    added: PolicyViolation[];
    resolved: PolicyViolation[];
  };
}

export type Renamer = <T>(value: T) => T;

/** Replaces the stack name where it stands as a word (`tms-dev-db`, `urn:pulumi:dev::`, `stack: dev`), never inside one (`devices`). */
export function stackRenamer(from: string, to: string): Renamer {
  const word = new RegExp(`(?<![A-Za-z0-9])${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`, "g");
  const rename = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(word, to);
    if (Array.isArray(value)) return value.map(rename);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), rename(v)]));
    return value;
  };
  return rename as Renamer;
}

const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

/** A string holding a JSON document (an IAM policy, a container definition) is compared as that document. */
function parsedJson(value: JsonValue | undefined): JsonValue | undefined {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return undefined;
  }
}

/**
 * The paths where `before` and `after` differ: objects are compared key by
 * key, arrays of one length element by element, anything else as a whole. Two
 * redacted values differ when their digests do (and both plans carry them).
 */
export function changedPaths(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  secrets: { before?: Record<string, string>; after?: Record<string, string> } = {},
  at = "",
  out: ValueChange[] = [],
): ValueChange[] {
  if (isPlainObject<JsonValue>(before) && isPlainObject<JsonValue>(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      changedPaths(before[key], after[key], secrets, join(at, key), out);
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, i) => changedPaths(item, after[i], secrets, `${at}[${i}]`, out));
    return out;
  }
  const documents = [parsedJson(before), parsedJson(after)];
  if (documents[0] !== undefined && documents[1] !== undefined && before !== after) {
    return changedPaths(documents[0], documents[1], {}, at, out);
  }
  if (before === SECRET && after === SECRET) {
    const [was, is] = [secrets.before?.[at], secrets.after?.[at]];
    if (was !== undefined && is !== undefined && was !== is) out.push({ path: at, before, after });
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ path: at, ...(before !== undefined && { before }), ...(after !== undefined && { after }) });
  }
  return out;
}

const ref = (r: PlanResource): ResourceRef => ({ urn: r.urn, type: r.type, name: r.name });
const findingKey = (v: PolicyViolation) => `${v.policy}\u0000${v.urn ?? ""}\u0000${v.message}`;

/** How `after` differs from `before`. Plans of different stacks are compared with the old stack's name read as the new one. */
export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const renamed = before.stack !== after.stack ? { from: before.stack, to: after.stack } : null;
  const rename: Renamer = renamed ? stackRenamer(renamed.from, renamed.to) : (value) => value;
  const old = new Map(before.resources.map((r) => rename(r)).map((r) => [r.urn, r]));
  const now = new Map(after.resources.map((r) => [r.urn, r]));

  const changed: ResourceChange[] = [];
  let unchanged = 0;
  for (const [urn, resource] of now) {
    const was = old.get(urn);
    if (!was) continue;
    const changes = changedPaths(was.inputs, resource.inputs, { before: was.secrets, after: resource.secrets });
    if (was.provider !== resource.provider) changes.unshift({ path: "(provider)", before: was.provider, after: resource.provider });
    if (changes.length > 0) changed.push({ ...ref(resource), changes });
    else unchanged++;
  }

  const oldFindings = new Map(before.policy.violations.map((v) => [findingKey(rename(v)), v]));
  const newFindings = new Map(after.policy.violations.map((v) => [findingKey(v), v]));
  return {
    before: { project: before.project, stack: before.stack },
    after: { project: after.project, stack: after.stack },
    renamed,
    added: after.resources.filter((r) => !old.has(r.urn)).map(ref),
    removed: [...old.values()].filter((r) => !now.has(r.urn)).map(ref),
    changed,
    unchanged,
    outputs: changedPaths(rename(before.outputs), after.outputs),
    policy: {
      before: before.policy.summary,
      after: after.policy.summary,
      added: [...newFindings].filter(([key]) => !oldFindings.has(key)).map(([, v]) => v),
      resolved: [...oldFindings].filter(([key]) => !newFindings.has(key)).map(([, v]) => v),
    },
  };
}

const MAX_VALUE = 72;

function show(value: JsonValue | undefined, skip = 0): string {
  if (value === undefined) return "(none)";
  if (value === SECRET) return SECRET;
  const text = skip > 0 ? `"…${(value as string).slice(skip)}"` : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function showChange({ path, before, after }: ValueChange): string {
  if (before === SECRET && after === SECRET) return `${path}: [secret] changed`;
  // Long strings that differ only near the end (ARNs, URLs) show from a little before the first difference.
  let skip = 0;
  if (typeof before === "string" && typeof after === "string" && Math.max(before.length, after.length) > MAX_VALUE - 2) {
    let common = 0;
    while (common < before.length && before[common] === after[common]) common++;
    skip = Math.max(0, common - 16);
  }
  return `${path}: ${show(before, skip)} → ${show(after, skip)}`;
}

const finding = (v: PolicyViolation) => `[${v.level}] ${v.policy}${v.urn ? ` — ${v.urn.split("::").pop()}` : ""}`;

/**
 * The diff as text. Lines of added resources start with "+", removed "-",
 * changed "~", so a ```diff block on GitHub colours them.
 */
export function formatDiff(diff: PlanDiff, against: string): string {
  const lines = [`Plan diff: ${diff.after.project}/${diff.after.stack} against ${against} (${diff.before.project}/${diff.before.stack})`];
  if (diff.renamed) lines.push(`(the old plan's stack name "${diff.renamed.from}" is read as "${diff.renamed.to}", so only real differences show)`);
  lines.push(`${diff.added.length} to add, ${diff.removed.length} to remove, ${diff.changed.length} to change, ${diff.unchanged} unchanged`, "");
  const byType = <T extends ResourceRef>(list: T[]) => [...list].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  for (const r of byType(diff.added)) lines.push(`+ ${r.type}  ${r.name}`);
  for (const r of byType(diff.removed)) lines.push(`- ${r.type}  ${r.name}`);
  for (const r of byType(diff.changed)) {
    lines.push(`~ ${r.type}  ${r.name}`);
    lines.push(...r.changes.map((c) => `      ${showChange(c)}`));
  }
  if (diff.outputs.length > 0) lines.push("", "Stack outputs:", ...diff.outputs.map((c) => `~ ${showChange(c)}`));
  const { before, after } = diff.policy;
  lines.push("", `Policy: mandatory ${before.mandatory} → ${after.mandatory}, advisory ${before.advisory} → ${after.advisory}`);
  lines.push(...diff.policy.added.map((v) => `+ ${finding(v)}`), ...diff.policy.resolved.map((v) => `- ${finding(v)}`));
  return `${lines.join("\n")}\n`;
}
