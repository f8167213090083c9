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
  /** Calls the external maps provider whose URL and key are in Secrets Manager. */
  mapsProvider: boolean;
  /**
   * Runs one at a time: when the stack reserves concurrency, this function
   * gets exactly 1, whatever the configured figure.
   */
  singleton: boolean;
}

const API = { trigger: "http", timeoutSeconds: 30, singleton: false } as const;

export const FUNCTIONS = {
  tracking: { ...API, database: true, redis: true, documents: false, mapsProvider: false },
  maps: { ...API, database: false, redis: true, documents: false, mapsProvider: true },
  trips: { ...API, database: true, redis: false, documents: true, mapsProvider: false },
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
    mapsProvider: false,
    singleton: true,
  },
  migrate: { trigger: "deploy", timeoutSeconds: 300, database: true, redis: false, documents: false, mapsProvider: false, singleton: true },
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

const DATABASE_ENV: EnvVar[] = [
  { name: "DB_HOST", description: "PostgreSQL writer endpoint", required: true },
  { name: "DB_PORT", description: "PostgreSQL port (default 5432)", required: false },
  { name: "DB_NAME", description: "database name", required: true },
  { name: "DB_SECRET_ARN", description: "Secrets Manager ARN of the RDS-managed master credentials ({username, password})", required: true },
  { name: "DB_POOL_MAX", description: `connections per container (${DB_POOL.min}-${DB_POOL.max}, default ${DB_POOL.default}; the stack's dbPoolSize)`, required: false },
  { name: "DB_SSL", description: '"verify" (TLS, certificate and host name checked against RDS\'s CAs shipped in the bundle) or "off" (local only)', required: false },
];
const REDIS_ENV: EnvVar[] = [
  { name: "REDIS_HOST", description: "Redis primary endpoint; unset runs without a cache", required: false },
  { name: "REDIS_PORT", description: "Redis port (default 6379)", required: false },
  { name: "REDIS_AUTH_SECRET_ARN", description: "Secrets Manager ARN of the Redis AUTH token", required: false },
];
const DOCUMENTS_ENV: EnvVar[] = [
  { name: "DOCUMENTS_BUCKET", description: "bucket for trip documents", required: true },
  { name: "UPLOAD_MAX_BYTES", description: "largest document accepted (default 10 MiB)", required: false },
  { name: "UPLOAD_URL_TTL_SECONDS", description: "lifetime of presigned URLs (default 300)", required: false },
];
const MAPS_ENV: EnvVar[] = [
  { name: "MAPS_PROVIDER_SECRET_ARN", description: "Secrets Manager ARN of {url, apiKey}; unset uses the built-in estimate", required: false },
  { name: "MAPS_TIMEOUT_MS", description: "provider call timeout (default 3000)", required: false },
  { name: "MAPS_CACHE_TTL_SECONDS", description: "how long maps answers are cached (default 3600)", required: false },
];
const COMMON_ENV: EnvVar[] = [
  { name: "POWERTOOLS_SERVICE_NAME", description: "service name in logs and metrics", required: false },
  { name: "POWERTOOLS_LOG_LEVEL", description: "log level (default INFO)", required: false },
  { name: "POWERTOOLS_METRICS_NAMESPACE", description: "CloudWatch namespace of the EMF metrics", required: false },
];
const API_ENV: EnvVar[] = [
  { name: "ORIGIN_VERIFY_SECRET_ARN", description: "Secrets Manager ARN of CloudFront's origin header values; unset accepts requests that did not come through CloudFront", required: false },
];
const SCHEDULED_ENV: EnvVar[] = [{ name: "POSITION_RETENTION_DAYS", description: `positions older than this are purged (default ${POSITION_RETENTION.defaultDays})`, required: false }];

/** Every environment variable `fn` reads. */
export function environmentOf(fn: FunctionName): EnvVar[] {
  const t: FunctionTraits = FUNCTIONS[fn];
  return [
    ...COMMON_ENV,
    ...(t.trigger === "http" ? API_ENV : []),
    ...(t.database ? DATABASE_ENV : []),
    ...(t.redis ? REDIS_ENV : []),
    ...(t.documents ? DOCUMENTS_ENV : []),
    ...(t.mapsProvider ? MAPS_ENV : []),
    ...(t.trigger === "schedule" ? SCHEDULED_ENV : []),
  ];
}
