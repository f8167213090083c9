/**
 * The stack configuration: every `tms:*` key and the `aws:*` keys the program
 * relies on, with defaults, validated in one pass. Pure: it takes the raw
 * config map and returns typed values or a StackConfigError naming every bad
 * key, the value given and what was expected.
 */
import * as fs from "fs";
import * as path from "path";
import * as z from "zod";
import { DB_DEFAULTS, connectionDemand, defaultMaxConnections, postgresProblems } from "../rules/database";
import { DB_POOL, FUNCTIONS, FUNCTION_NAMES, FunctionName, MAP_STYLES, MAPS_PROVIDERS, POSITION_RETENTION, reservedConcurrencyOf } from "../rules/functions";
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from "../rules/logs";
import { NETWORK_DEFAULTS, subnetLayoutProblems } from "../rules/network";
import { RawStackConfig, describeIssue, valueAt } from "./errors";
import { replicaRegionProblems } from "../rules/storage";
import { HOME_REGION } from "../rules/region";

const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Data residency (reference: "All data stored in ap-south-1 (Mumbai)"). */
export { HOME_REGION };

/** Tags the provider puts on every resource; the stack files must carry them. */
export const REQUIRED_TAG_KEYS = ["project", "stack", "managed-by"] as const;

/**
 * Reports a problem found by a refinement. `input` is required (even when
 * undefined): without it zod reports the whole config as the value given.
 */
function problem(ctx: z.core.$RefinementCtx, path: (string | number)[], message: string, input: unknown): void {
  ctx.addIssue({ code: "custom", path, message, input });
}

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
    flowLogs: z.strictObject({ trafficType: z.enum(["ALL", "ACCEPT", "REJECT"]).default("ALL") }).default({ trafficType: "ALL" }),
  })
  .superRefine(
    (layout, ctx) => {
      for (const found of subnetLayoutProblems(layout)) {
        problem(ctx, found.path, found.message, valueAt(layout, found.path).value);
      }
    },
    // Check the address plan even when another field is wrong, as long as the plan itself is well-typed.
    { when: (payload) => subnetLayoutShape.safeParse(payload.value).success },
  );

const positiveInt = z.number().int().positive();

const databaseSchema = z.strictObject({
  instanceClass: z.string(),
  allocatedStorageGb: z.number().int().min(20).max(65536).default(DB_DEFAULTS.allocatedStorageGb),
  maxAllocatedStorageGb: z.number().int().max(65536).optional(),
  multiAz: z.boolean(),
  backupRetentionDays: z.number().int().min(0).max(35),
  deletionProtection: z.boolean(),
  finalSnapshot: z.boolean().default(DB_DEFAULTS.finalSnapshot),
  readReplicas: z.number().int().min(0).max(5).default(DB_DEFAULTS.readReplicas),
  slowStatementMs: positiveInt.default(DB_DEFAULTS.slowStatementMs),
  maxConnections: z.number().int().min(20).max(5000).optional(),
  restoreFromSnapshot: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9:-]{0,254}$/, { message: "expected an RDS snapshot identifier or ARN" })
    .optional(),
  backupWindow: z.string().default(DB_DEFAULTS.backupWindow),
  maintenanceWindow: z.string().default(DB_DEFAULTS.maintenanceWindow),
});

const cacheSchema = z.discriminatedUnion("enabled", [
  z.strictObject({ enabled: z.literal(false) }),
  z.strictObject({
    enabled: z.literal(true),
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { message: 'expected a node type like "cache.t4g.micro"' }),
    nodes: z.number().int().min(1).max(6).default(1),
    snapshotRetentionDays: z.number().int().min(0).max(35).default(0),
  }),
]);

const documentsSchema = z.strictObject({
  /** Extra browser origins for presigned uploads (e.g. a local SPA dev server); the site's own origin is added by the program. */
  corsOrigins: z.array(z.url({ protocol: /^https?$/ })).default([]),
  replicaRegion: z
    .string()
    .regex(/^[a-z]{2}-[a-z]+-\d$/, { message: 'expected a region name like "ap-south-2"' })
    .optional(),
  /** Record every read and write of a document (CloudTrail data events), kept tms:logRetentionDays. */
  accessAudit: z.boolean().default(false),
});

const functionName = z.enum(FUNCTION_NAMES as [FunctionName, ...FunctionName[]]);

const functionsSchema = z.strictObject({
  /** Per API function; 0 turns reserved concurrency off (small accounts cannot reserve). */
  reservedConcurrency: z.number().int().min(0).max(1000),
  provisionedConcurrency: z.number().int().min(0).max(100).default(0),
  provisionedFunctions: z.array(functionName).default(["tracking", "trips"]),
  memoryMb: z.partialRecord(functionName, z.number().int().min(512).max(1024)).default({}),
  dbPoolSize: z.number().int().min(DB_POOL.min).max(DB_POOL.max).default(DB_POOL.default),
  connectionHeadroom: z.number().int().min(0).default(20),
});

const authSchema = z.strictObject({
  mfa: z.enum(["OFF", "OPTIONAL", "ON"]).default("OPTIONAL"),
  deletionProtection: z.boolean(),
  threatProtection: z.enum(["off", "audit", "enforced"]).default("off"),
  callbackUrls: z.array(z.url({ protocol: /^https?$/ })).default([]),
  /** Cognito's email through SES (the default sender allows about 50 a day); omit for the default sender. */
  email: z
    .strictObject({
      from: z
        .string()
        .regex(/^(?:[^<>]*<)?[^@<>\s]+@([^@<>\s]+)>?$/, { message: 'expected an address, optionally with a name: "TMS <no-reply@tms.example.in>"' }),
      sesIdentity: z.string().min(3),
    })
    .refine((e) => sesIdentityCovers(e.sesIdentity, e.from), { message: "expected the from address to be the SES identity or at its domain", path: ["from"] })
    .optional(),
});

/** An SES identity (an address, or a domain and its subdomains) that may send as `from`. */
export function sesIdentityCovers(identity: string, from: string): boolean {
  const address = (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
  const id = identity.toLowerCase();
  if (id.includes("@")) return address === id;
  const domain = address.split("@")[1] ?? "";
  return domain === id || domain.endsWith(`.${id}`);
}

const apiSchema = z.strictObject({
  throttlingRateLimit: z.number().positive().default(1000),
  throttlingBurstLimit: z.number().int().positive().default(500),
});

const mapsSchema = z.strictObject({
  /**
   * Where geocoding, routing and snapped tracks come from: Amazon Location
   * Service in the stack's region (no key: the functions' roles), or the
   * great-circle estimate (no AWS call, no geocoding of addresses).
   */
  provider: z.enum(MAPS_PROVIDERS).default("amazon-location"),
  /**
   * The web app's base map, from Amazon Location (with the amazon-location
   * provider; the estimate provider draws positions on a plain background).
   */
  style: z.enum(MAP_STYLES).default("Standard"),
});

const edgeSchema = z.strictObject({
  /** A domain in a Route 53 hosted zone of this account; omit to serve on the CloudFront domain. */
  domain: z
    .strictObject({
      name: z.string().regex(/^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/, { message: 'expected a lower-case domain name like "tms.example.in"' }),
      hostedZoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, { message: 'expected a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ"' }),
    })
    .optional(),
  /** A WAF web ACL of AWS managed rules in front of the site. */
  waf: z.boolean(),
  /**
   * CloudFront proves itself to the API with a secret header, and the
   * functions refuse requests without it, so nobody can go around the WAF and
   * the security headers through the execute-api URL. `activeSecret` is the one
   * of two secrets CloudFront sends (both are accepted: see the rotation runbook).
   */
  originVerify: z.strictObject({ activeSecret: z.enum(["a", "b"]).default("a") }).optional(),
  /** A built SPA to upload, relative to the project (e.g. "../web/dist"); omit when the SPA's pipeline deploys it. */
  spaDirectory: z
    .string()
    .refine((dir) => fs.existsSync(path.resolve(PROJECT_ROOT, dir)), { message: "expected an existing directory" })
    .optional(),
  priceClass: z.enum(["PriceClass_200", "PriceClass_All"]).default("PriceClass_200"),
});

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
      })
      .default(DEFAULT_LOG_RETENTION_DAYS),
    "tms:network": networkSchema,
    "tms:protectStatefulResources": z.boolean().default(false),
    "tms:database": databaseSchema,
    "tms:cache": cacheSchema,
    "tms:documents": documentsSchema.default({ corsOrigins: [], accessAudit: false }),
    "tms:functions": functionsSchema,
    "tms:auth": authSchema,
    "tms:api": apiSchema.default({ throttlingRateLimit: 1000, throttlingBurstLimit: 500 }),
    "tms:maps": mapsSchema.default({ provider: "amazon-location", style: "Standard" }),
    "tms:positionRetentionDays": z.number().int().min(POSITION_RETENTION.min).max(POSITION_RETENTION.max).default(POSITION_RETENTION.defaultDays),
    "tms:observability": z.strictObject({ alarmEmail: z.email().optional() }).default({}),
    "tms:edge": edgeSchema,
  })
  .superRefine((config, ctx) => {
    const at = (key: string, problems: { path: (string | number)[]; message: string }[], input: unknown) => {
      for (const p of problems) problem(ctx, [key, ...p.path], p.message, valueAt(input, p.path).value);
    };
    const postgres = config["tms:database"];
    at("tms:database", postgresProblems(postgres), postgres);
    const documents = config["tms:documents"];
    at("tms:documents", replicaRegionProblems(documents.replicaRegion, config["aws:region"]), documents);
    budgetProblem(config["tms:functions"], postgres, ctx);
    const edge = config["tms:edge"];
    if (edge.waf && !edge.originVerify) {
      problem(
        ctx,
        ["tms:edge", "originVerify"],
        "expected the origin secret with a WAF ({ activeSecret: a }): without it, the API's own URL goes around the WAF",
        undefined,
      );
    }
    config["tms:network"].availabilityZones.forEach((zone, i) => {
      if (!new RegExp(`^${config["aws:region"]}[a-z]$`).test(zone)) {
        problem(ctx, ["tms:network", "availabilityZones", i], `expected an availability zone of ${config["aws:region"]} (e.g. ${config["aws:region"]}a)`, zone);
      }
    });
  });

/**
 * The connection budget: every container of every function that talks to
 * PostgreSQL may hold a full pool, and some connections stay free for RDS,
 * migrations and people. With reserved concurrency off the demand is
 * unbounded, so there is nothing to check.
 */
function budgetProblem(functions: z.output<typeof functionsSchema>, postgres: z.output<typeof databaseSchema>, ctx: z.core.$RefinementCtx) {
  if (functions.reservedConcurrency === 0) return;
  const maxConnections = postgres.maxConnections ?? defaultMaxConnections(postgres.instanceClass);
  if (maxConnections === undefined) return; // the instance class itself is reported
  const dbFunctions = (Object.keys(FUNCTIONS) as FunctionName[]).filter((fn) => FUNCTIONS[fn].database);
  const reserved = dbFunctions.map((fn) => reservedConcurrencyOf(fn, functions.reservedConcurrency) ?? 0);
  const { demand, fits } = connectionDemand({
    reservedConcurrency: reserved,
    poolSize: functions.dbPoolSize,
    headroom: functions.connectionHeadroom,
    maxConnections,
  });
  if (fits) return;
  const containers = reserved.reduce((a, b) => a + b, 0);
  problem(
    ctx,
    ["tms:functions", "reservedConcurrency"],
    `expected a connection budget that fits max_connections: ${containers} containers (${dbFunctions.join(", ")}) × dbPoolSize ${functions.dbPoolSize} + headroom ${functions.connectionHeadroom} = ${demand}, ` +
      `but ${postgres.maxConnections ? "tms:database.maxConnections is" : `${postgres.instanceClass} allows`} ${maxConnections}; lower reservedConcurrency or dbPoolSize, or choose a larger instance class`,
    functions.reservedConcurrency,
  );
}

type EffectiveConfig = z.output<typeof stackConfigSchema>;

/**
 * The program's view of the config: the `tms:*` keys without their namespace
 * (`tms:database` → `database`), plus the stack, region and default tags.
 * Derived from the schema, so a new key needs no second declaration.
 */
export type StackConfig = { stack: string; region: string; defaultTags: Record<string, string> } & {
  [K in keyof EffectiveConfig as K extends `tms:${infer Name}` ? Name : never]: EffectiveConfig[K];
};

/**
 * A RunError in Pulumi's terms, without importing the SDK (validating a stack
 * file must stay light): the CLI recognises one by this field, by design across
 * SDK copies, and prints its message without a stack trace.
 */
export class StackConfigError extends Error {
  readonly __pulumiRunError = true;

  constructor(
    public readonly stack: string,
    public readonly problems: string[],
  ) {
    super(`Invalid configuration for stack "${stack}":\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackConfigError";
  }
}

/**
 * The stack's config as the program uses it, keyed by config key: validated,
 * with every default filled in. Throws StackConfigError listing every problem;
 * `secretKeys` are never echoed back in an error.
 */
export function effectiveStackConfig(raw: RawStackConfig, stack: string, secretKeys: ReadonlySet<string> = new Set()): EffectiveConfig {
  const ours = Object.fromEntries(Object.entries(raw).filter(([key]) => key.startsWith("tms:") || key in stackConfigSchema.shape));
  const result = stackConfigSchema.safeParse(ours, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, ours, secretKeys));
  if (result.success) problems.push(...tagProblems(result.data["aws:defaultTags"].tags, stack));
  if (!result.success || problems.length > 0) throw new StackConfigError(stack, problems);
  return result.data;
}

/** Validates the raw config (values already decoded from Pulumi's strings) into the program's typed view. */
export function parseStackConfig(raw: RawStackConfig, stack: string, secretKeys: ReadonlySet<string> = new Set()): StackConfig {
  const config = effectiveStackConfig(raw, stack, secretKeys);
  const ours = Object.entries(config)
    .filter(([key]) => key.startsWith("tms:"))
    .map(([key, value]) => [key.slice("tms:".length), value]);
  return { stack, region: config["aws:region"], defaultTags: config["aws:defaultTags"].tags, ...Object.fromEntries(ours) } as StackConfig;
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

/** Visits every key path the schema accepts, with the default it gives that path, if any. */
function walkConfigSchema(visit: (path: string, defaultValue: unknown) => void): void {
  const walk = (schema: z.ZodType, at: string, defaultValue?: unknown) => {
    const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
    // The outermost default of a key is the one that applies.
    const ownDefault = defaultValue ?? (def.type === "default" ? def.defaultValue : undefined);
    if (def.type !== "default" && def.type !== "optional" && def.type !== "nullable" && def.type !== "pipe") visit(at, ownDefault);
    switch (def.type) {
      case "default":
      case "optional":
      case "nullable":
        return walk(def.innerType, at, ownDefault);
      case "pipe":
        return walk(def.in, at, ownDefault);
      case "object":
        for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>))
          walk(value, `${at}.${key}`, (ownDefault as Record<string, unknown> | undefined)?.[key]);
        return;
      case "union":
        for (const option of def.options as z.ZodType[]) walk(option, at, ownDefault);
        return;
      case "record":
        for (const key of (def.keyType as z.ZodEnum)?.options ?? []) walk(def.valueType, `${at}.${String(key)}`);
        return;
    }
  };
  for (const [key, value] of Object.entries(stackConfigSchema.shape)) walk(value as z.ZodType, key);
}

/**
 * Every config key path the schema accepts (`tms:database.instanceClass`,
 * `tms:functions.memoryMb.trips`, ...), for checking documentation against it.
 */
export function configKeyPaths(): Set<string> {
  const paths = new Set<string>();
  walkConfigSchema((path) => paths.add(path));
  return paths;
}

/** The default of every key path that has one: the one home the docs are checked against. */
export function configDefaults(): Map<string, unknown> {
  const defaults = new Map<string, unknown>();
  walkConfigSchema((path, value) => value !== undefined && !defaults.has(path) && defaults.set(path, value));
  return defaults;
}
