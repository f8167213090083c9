/** How config problems read: the key, the value given (never a secret's), and what was expected. */
import * as z from "zod";
import { formatPath } from "../rules/problems";

export type RawStackConfig = Record<string, unknown>;

export function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== "object" || !(part in (node as object))) return { found: false };
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return { found: true, value: node };
}

export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function describeIssue(issue: z.core.$ZodIssue, raw: RawStackConfig, secretKeys: ReadonlySet<string>): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const where = formatPath([...issue.path, key]);
      const hint = issue.path.length === 0 ? "unknown tms:* config key" : "unknown key";
      return `${where}: ${hint}; check the spelling against the README's configuration reference`;
    });
  }
  const key = formatPath(issue.path);
  const { found, value } = valueAt(raw, issue.path);
  let given: string;
  if (secretKeys.has(String(issue.path[0]))) given = "got [secret]";
  else if (found && value !== undefined) given = `got ${show(value)}`;
  // Not in the stack file: a refinement saw the default.
  else if (issue.input !== undefined) given = `got ${show(issue.input)} (the default)`;
  else given = "missing";
  return [`${key}: ${given}; ${expectation(issue)}`];
}

/** Zod's built-in messages start with "Invalid ..." or "Too ..."; ours say what is expected. */
function expectation(issue: z.core.$ZodIssue): string {
  const ownMessage = /^(Invalid|Too )/.test(issue.message) ? undefined : issue.message;
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "invalid_value": {
      const options = issue.values.length === 1 ? show(issue.values[0]) : `one of ${issue.values.map(show).join(", ")}`;
      return `expected ${options}${ownMessage ? ` (${ownMessage})` : ""}`;
    }
    case "too_small":
      return `expected ${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}${issue.origin === "array" ? " item(s)" : ""}`;
    case "too_big":
      return `expected ${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}${issue.origin === "array" ? " item(s)" : ""}`;
    default:
      return ownMessage ?? issue.message;
  }
}
