import * as z from "zod";

/**
 * The runtime contract: the platform's Lambda functions, what each needs, and
 * the environment variables it reads. The ApiTier deploys exactly these;
 * handlers/lib/config.ts parses exactly these; the config layer sizes the
 * database connection budget from them.
 */
/** What invokes a function: API Gateway (routes of the route table), EventBridge Scheduler, or `pulumi up`. */
export type Trigger = "http" | "schedule" | "deploy";

export interface FunctionTraits {
  trigger: Trigger;
  /** Lambda's timeout: API functions match API Gateway's 30 s; jobs and migrations may take longer. */
  timeoutSeconds: number;
  /** For scheduled functions: each task the scheduler sends (`{ "task": <name> }`) and its schedule expression, in Asia/Kolkata time. */
  schedules?: Readonly<Record<string, string>>;
  /** Opens PostgreSQL connections (and so counts against max_connections). */
  database: boolean;
  /** Uses Redis when one is configured (never required). */
  redis: boolean;
  /** Presigns and checks document uploads in the documents bucket. */
  documents: boolean;
  /**
   * The Amazon Location Service operations (IAM actions) the function calls,
   * when the stack's maps provider is Amazon Location. The ApiTier grants
   * exactly these, on the region's AWS-managed provider and nothing else.
   */
  location: readonly LocationAction[];
  /** The Cognito operations (IAM actions) the function calls on the stack's user pool; the ApiTier grants exactly these on it. */
  cognito: readonly CognitoAction[];
  /**
   * Runs one at a time: when the stack reserves concurrency, this function
   * gets exactly 1, whatever the configured figure.
   */
  singleton: boolean;
}

/** Amazon Location's current APIs (Places, Routes), as IAM names their operations. */
export const LOCATION_ACTIONS = ["geo-places:Geocode", "geo-places:ReverseGeocode", "geo-routes:CalculateRoutes", "geo-routes:SnapToRoads"] as const;
export type LocationAction = (typeof LOCATION_ACTIONS)[number];

/** The AWS-managed provider resource an Amazon Location action is granted on. */
export const locationProviderArn = (action: LocationAction, region: string) => `arn:aws:${action.split(":")[0]}:${region}::provider/default`;

/** What user management calls on the user pool: invite, group membership, disable and enable. */
export const COGNITO_ACTIONS = [
  "cognito-idp:AdminCreateUser",
  "cognito-idp:AdminAddUserToGroup",
  "cognito-idp:AdminRemoveUserFromGroup",
  "cognito-idp:AdminDisableUser",
  "cognito-idp:AdminEnableUser",
] as const;
export type CognitoAction = (typeof COGNITO_ACTIONS)[number];

const API = { trigger: "http", timeoutSeconds: 30, singleton: false, cognito: [] } as const;

export const FUNCTIONS = {
  // Tracking snaps a trip's track to roads on request.
  tracking: { ...API, database: true, redis: true, documents: false, location: ["geo-routes:SnapToRoads"] },
  // Maps reads a vehicle's dimensions for truck routing.
  maps: { ...API, database: true, redis: true, documents: false, location: ["geo-places:Geocode", "geo-places:ReverseGeocode", "geo-routes:CalculateRoutes"] },
  trips: { ...API, database: true, redis: false, documents: true, location: [] },
  // The organisation's users: Cognito is the identity, PostgreSQL the organisation's directory.
  users: { ...API, database: true, redis: false, documents: false, location: [], cognito: COGNITO_ACTIONS },
  jobs: {
    trigger: "schedule",
    timeoutSeconds: 300,
    schedules: {
      "mark-delayed-trips": "rate(5 minutes)",
      // Daily at 02:30 IST, between backups and maintenance.
      "purge-positions": "cron(30 2 * * ? *)",
    },
    database: true,
    redis: false,
    documents: false,
    location: [],
    cognito: [],
    singleton: true,
  },
  migrate: { trigger: "deploy", timeoutSeconds: 300, database: true, redis: false, documents: false, location: [], cognito: [], singleton: true },
} as const satisfies Record<string, FunctionTraits>;

/** The tasks the scheduled jobs function runs. */
export const TASKS = Object.keys(FUNCTIONS.jobs.schedules) as (keyof typeof FUNCTIONS.jobs.schedules)[];

/** Who invokes each trigger, in words (for the docs). */
export const INVOKED_BY: Record<Trigger, string> = { http: "API Gateway", schedule: "EventBridge Scheduler", deploy: "`pulumi up` (on new migrations)" };

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** The reserved concurrency a function gets when the stack reserves `configured` (0 = none). */
export function reservedConcurrencyOf(fn: FunctionName, configured: number): number | undefined {
  if (configured <= 0) return undefined;
  return FUNCTIONS[fn].singleton ? 1 : configured;
}

/** PostgreSQL connections each container's pool may open: the stack's dbPoolSize, the ApiTier and the handlers all read this. */
export const DB_POOL = { default: 2, min: 1, max: 2 } as const;

/** Days positions are kept before the purge job deletes them. */
export const POSITION_RETENTION = { defaultDays: 90, min: 1, max: 3650 } as const;

export interface EnvVar {
  name: string;
  description: string;
  /** Must be set for the function to start (optional ones have defaults or turn a feature off). */
  required: boolean;
}

/** Where maps answers come from: Amazon Location Service, or the built-in great-circle estimate. */
export const MAPS_PROVIDERS = ["amazon-location", "estimate"] as const;
export type MapsProvider = (typeof MAPS_PROVIDERS)[number];
/** Amazon Location's map styles (Maps V2), for the web app's base map. */
export const MAP_STYLES = ["Standard", "Monochrome", "Hybrid", "Satellite"] as const;
export type MapStyle = (typeof MAP_STYLES)[number];

const intFrom = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const arn = () => z.string().min(1);

/**
 * Every environment variable the functions read, declared once: the handlers
 * parse with these schemas (handlers/lib/config.ts), the ApiTier sets exactly
 * the ones a function's traits call for, and the docs list them.
 */
export const ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: z.string().optional().describe("service name in logs and metrics"),
  POWERTOOLS_LOG_LEVEL: z.string().optional().describe("log level (default INFO)"),
  POWERTOOLS_METRICS_NAMESPACE: z.string().optional().describe("CloudWatch namespace of the EMF metrics"),
  ORIGIN_VERIFY_SECRET_ARN: arn()
    .optional()
    .describe("Secrets Manager ARN of CloudFront's origin header values; unset accepts requests that did not come through CloudFront"),
  DB_HOST: z.string().min(1).describe("PostgreSQL writer endpoint"),
  DB_PORT: intFrom(5432, 1, 65535).describe("PostgreSQL port (default 5432)"),
  DB_NAME: z.string().min(1).describe("database name"),
  DB_SECRET_ARN: arn().describe("Secrets Manager ARN of the RDS-managed master credentials ({username, password})"),
  DB_POOL_MAX: intFrom(DB_POOL.default, DB_POOL.min, DB_POOL.max).describe(
    `connections per container (${DB_POOL.min}-${DB_POOL.max}, default ${DB_POOL.default}; the stack's dbPoolSize)`,
  ),
  DB_SSL: z
    .enum(["verify", "off"])
    .default("verify")
    .describe('"verify" (TLS, certificate and host name checked against RDS\'s CAs shipped in the bundle) or "off" (local only)'),
  REDIS_HOST: z.string().min(1).optional().describe("Redis primary endpoint; unset runs without a cache"),
  REDIS_PORT: intFrom(6379, 1, 65535).describe("Redis port (default 6379)"),
  REDIS_AUTH_SECRET_ARN: arn().optional().describe("Secrets Manager ARN of the Redis AUTH token"),
  DOCUMENTS_BUCKET: z.string().min(3).describe("bucket for trip documents"),
  UPLOAD_MAX_BYTES: intFrom(10 * 1024 * 1024, 1, 5 * 1024 ** 3).describe("largest document accepted (default 10 MiB)"),
  UPLOAD_URL_TTL_SECONDS: intFrom(300, 30, 3600).describe("lifetime of presigned URLs (default 300)"),
  MAPS_PROVIDER: z
    .enum(MAPS_PROVIDERS)
    .default("estimate")
    .describe('"amazon-location" (Places and Routes in the function\'s region, with its role) or "estimate" (great-circle figures, no AWS call; the default)'),
  MAPS_TIMEOUT_MS: intFrom(3000, 100, 25000).describe("timeout of each Amazon Location call (default 3000)"),
  MAPS_CACHE_TTL_SECONDS: intFrom(3600, 0, 86400).describe("how long maps answers are cached (default 3600)"),
  USER_POOL_ID: z
    .string()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/)
    .describe("the Cognito user pool users are invited into"),
  POSITION_RETENTION_DAYS: intFrom(POSITION_RETENTION.defaultDays, POSITION_RETENTION.min, POSITION_RETENTION.max).describe(
    `positions older than this are purged (default ${POSITION_RETENTION.defaultDays})`,
  ),
};
export type EnvName = keyof typeof ENVIRONMENT;

/** A zod object of the named variables, for a handler to parse its environment with. */
export function environmentSchema<K extends EnvName>(...names: K[]) {
  return z.object(Object.fromEntries(names.map((name) => [name, ENVIRONMENT[name]])) as { [N in K]: (typeof ENVIRONMENT)[N] });
}

/** Which variables each trait brings. */
const GROUPS = {
  common: ["POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE"],
  http: ["ORIGIN_VERIFY_SECRET_ARN"],
  database: ["DB_HOST", "DB_PORT", "DB_NAME", "DB_SECRET_ARN", "DB_POOL_MAX", "DB_SSL"],
  redis: ["REDIS_HOST", "REDIS_PORT", "REDIS_AUTH_SECRET_ARN"],
  documents: ["DOCUMENTS_BUCKET", "UPLOAD_MAX_BYTES", "UPLOAD_URL_TTL_SECONDS"],
  location: ["MAPS_PROVIDER", "MAPS_TIMEOUT_MS", "MAPS_CACHE_TTL_SECONDS"],
  schedule: ["POSITION_RETENTION_DAYS"],
  cognito: ["USER_POOL_ID"],
} as const satisfies Record<string, readonly EnvName[]>;

/** Every environment variable `fn` reads. */
export function environmentOf(fn: FunctionName): EnvVar[] {
  const t: FunctionTraits = FUNCTIONS[fn];
  const names: EnvName[] = [
    ...GROUPS.common,
    ...(t.trigger === "http" ? GROUPS.http : []),
    ...(t.database ? GROUPS.database : []),
    ...(t.redis ? GROUPS.redis : []),
    ...(t.documents ? GROUPS.documents : []),
    ...(t.location.length > 0 ? GROUPS.location : []),
    ...(t.cognito.length > 0 ? GROUPS.cognito : []),
    ...(t.trigger === "schedule" ? GROUPS.schedule : []),
  ];
  // Required: parsing an unset variable fails (no default, not optional).
  return names.map((name) => ({ name, description: ENVIRONMENT[name].description ?? "", required: !ENVIRONMENT[name].safeParse(undefined).success }));
}
