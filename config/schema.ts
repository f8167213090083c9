/**
 * The stack configuration: every `tms:*` key and the `aws:*` keys the program
 * relies on, with defaults, validated in one pass. Pure: it takes the raw
 * config map and returns typed values or a StackConfigError naming every bad
 * key, the value given and what was expected.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { LOG_RETENTION_DAYS, formatPath } from "../components/common";
import { NETWORK_DEFAULTS, subnetLayoutProblems } from "../components/network";

/** Data residency (reference: "All data stored in ap-south-1 (Mumbai)"). */
export const HOME_REGION = "ap-south-1";

/** Tags the provider puts on every resource; the stack files must carry them. */
export const REQUIRED_TAG_KEYS = ["project", "stack", "managed-by"] as const;

const cidrList = (fallback: string[]) => z.array(z.string()).min(1).default(fallback);

const subnetLayoutFields = {
  cidrBlock: z.string().default(NETWORK_DEFAULTS.cidrBlock),
  availabilityZones: z.array(z.string()).min(2).default(NETWORK_DEFAULTS.availabilityZones),
  publicSubnetCidrs: cidrList(NETWORK_DEFAULTS.publicSubnetCidrs),
  privateSubnetCidrs: cidrList(NETWORK_DEFAULTS.privateSubnetCidrs),
  databaseSubnetCidrs: cidrList(NETWORK_DEFAULTS.databaseSubnetCidrs),
};
const subnetLayoutShape = z.object(subnetLayoutFields);

const networkSchema = z
  .strictObject({
    ...subnetLayoutFields,
    // Required: the NAT layout is the network's biggest cost and availability
    // trade-off, so each stack states it.
    natGateways: z.enum(["OnePerAz", "Single"]),
    flowLogs: z
      .strictObject({ trafficType: z.enum(["ALL", "ACCEPT", "REJECT"]).default("ALL") })
      .default({ trafficType: "ALL" }),
  })
  .superRefine(
    (layout, ctx) => {
      for (const problem of subnetLayoutProblems(layout)) {
        ctx.addIssue({ code: "custom", path: problem.path, message: problem.message, input: valueAt(layout, problem.path).value });
      }
    },
    // Check the address plan even when another field is wrong, as long as the plan itself is well-typed.
    { when: (payload) => subnetLayoutShape.safeParse(payload.value).success },
  );

const stackConfigSchema = z
  .strictObject({
    "aws:region": z.literal(HOME_REGION, {
      error: `the platform keeps all data in ${HOME_REGION} (data residency); set aws:region: ${HOME_REGION}`,
    }),
    "aws:defaultTags": z.object({ tags: z.record(z.string(), z.string()) }),
    "tms:logRetentionDays": z
      .number()
      .int()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `expected a retention CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
      }),
    "tms:network": networkSchema,
  })
  .superRefine((config, ctx) => {
    config["tms:network"].availabilityZones.forEach((zone, i) => {
      if (!new RegExp(`^${config["aws:region"]}[a-z]$`).test(zone)) {
        ctx.addIssue({
          code: "custom",
          path: ["tms:network", "availabilityZones", i],
          message: `expected an availability zone of ${config["aws:region"]} (e.g. ${config["aws:region"]}a)`,
        });
      }
    });
  });

export type RawStackConfig = Record<string, unknown>;

export interface StackConfig {
  stack: string;
  region: string;
  defaultTags: Record<string, string>;
  logRetentionDays: number;
  network: z.output<typeof networkSchema>;
}

export class StackConfigError extends pulumi.RunError {
  constructor(
    public readonly stack: string,
    public readonly problems: string[],
  ) {
    super(`Invalid configuration for stack "${stack}":\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackConfigError";
  }
}

/**
 * Validates the raw config (values already decoded from Pulumi's strings).
 * `secretKeys` are never echoed back in an error.
 */
export function parseStackConfig(raw: RawStackConfig, stack: string, secretKeys: ReadonlySet<string> = new Set()): StackConfig {
  const ours = Object.fromEntries(Object.entries(raw).filter(([key]) => key.startsWith("tms:") || key in stackConfigSchema.shape));
  const result = stackConfigSchema.safeParse(ours, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, ours, secretKeys));
  if (result.success) problems.push(...tagProblems(result.data["aws:defaultTags"].tags, stack));
  if (!result.success || problems.length > 0) throw new StackConfigError(stack, problems);

  const config = result.data;
  return {
    stack,
    region: config["aws:region"],
    defaultTags: config["aws:defaultTags"].tags,
    logRetentionDays: config["tms:logRetentionDays"],
    network: config["tms:network"],
  };
}

function tagProblems(tags: Record<string, string>, stack: string): string[] {
  const expected: Record<(typeof REQUIRED_TAG_KEYS)[number], string | undefined> = {
    project: "tms",
    stack,
    "managed-by": undefined,
  };
  return REQUIRED_TAG_KEYS.flatMap((key) => {
    const value = tags[key];
    if (value === undefined || value === "") {
      return [`aws:defaultTags.tags.${key}: missing; every resource must carry a "${key}" tag`];
    }
    const want = expected[key];
    return want !== undefined && value !== want ? [`aws:defaultTags.tags.${key}: got ${JSON.stringify(value)}; expected "${want}"`] : [];
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== "object" || !(part in (node as object))) return { found: false };
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return { found: true, value: node };
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function describeIssue(issue: z.core.$ZodIssue, raw: RawStackConfig, secretKeys: ReadonlySet<string>): string[] {
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
      return `expected at least ${String(issue.minimum)}${issue.origin === "array" ? " item(s)" : ""}`;
    case "too_big":
      return `expected at most ${String(issue.maximum)}${issue.origin === "array" ? " item(s)" : ""}`;
    default:
      return ownMessage ?? issue.message;
  }
}
