/** The runtime environment of each function (the contract in ../functions.ts), parsed once. */
import * as z from "zod";
import { DB_POOL, POSITION_RETENTION } from "../../rules/functions";

const intFrom = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  // A misconfigured function is a deployment fault: fail loudly, naming the variables.
  throw new Error(`invalid environment: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
}

export type DatabaseConfig =
  | { kind: "url"; connectionString: string; poolMax: number }
  | { kind: "rds"; host: string; port: number; database: string; secretArn: string; poolMax: number; ssl: boolean; /** Trusted CAs; default: RDS's, shipped with the code. */ ca?: string[] };

/** DATABASE_URL (local runs and tests) or the RDS endpoint plus its managed secret. */
export function databaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const poolMax = parseEnv(z.object({ DB_POOL_MAX: intFrom(DB_POOL.default, DB_POOL.min, DB_POOL.max) }), env).DB_POOL_MAX;
  if (env.DATABASE_URL) return { kind: "url", connectionString: env.DATABASE_URL, poolMax };
  const e = parseEnv(
    z.object({
      DB_HOST: z.string().min(1),
      DB_PORT: intFrom(5432, 1, 65535),
      DB_NAME: z.string().min(1),
      DB_SECRET_ARN: z.string().min(1),
      DB_SSL: z.enum(["verify", "off"]).default("verify"),
    }),
    env,
  );
  return { kind: "rds", host: e.DB_HOST, port: e.DB_PORT, database: e.DB_NAME, secretArn: e.DB_SECRET_ARN, poolMax, ssl: e.DB_SSL === "verify" };
}

export type RedisConfig = { url: string } | { host: string; port: number; authSecretArn?: string };

/** REDIS_URL (local) or the ElastiCache endpoint; undefined runs without a cache. */
export function redisConfig(env: NodeJS.ProcessEnv = process.env): RedisConfig | undefined {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  if (!env.REDIS_HOST) return undefined;
  const e = parseEnv(z.object({ REDIS_PORT: intFrom(6379, 1, 65535), REDIS_AUTH_SECRET_ARN: z.string().optional() }), env);
  return { host: env.REDIS_HOST, port: e.REDIS_PORT, authSecretArn: e.REDIS_AUTH_SECRET_ARN };
}

export function documentsConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(
    z.object({
      DOCUMENTS_BUCKET: z.string().min(3),
      UPLOAD_MAX_BYTES: intFrom(10 * 1024 * 1024, 1, 5 * 1024 ** 3),
      UPLOAD_URL_TTL_SECONDS: intFrom(300, 30, 3600),
    }),
    env,
  );
  return { bucket: e.DOCUMENTS_BUCKET, maxBytes: e.UPLOAD_MAX_BYTES, urlTtlSeconds: e.UPLOAD_URL_TTL_SECONDS };
}

export function mapsConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(
    z.object({
      MAPS_PROVIDER_SECRET_ARN: z.string().optional(),
      MAPS_PROVIDER_URL: z.url().optional(),
      MAPS_API_KEY: z.string().optional(),
      MAPS_TIMEOUT_MS: intFrom(3000, 100, 25000),
      MAPS_CACHE_TTL_SECONDS: intFrom(3600, 0, 86400),
    }),
    env,
  );
  return {
    providerSecretArn: e.MAPS_PROVIDER_SECRET_ARN,
    // Local runs point at a provider directly; deployed functions read it from Secrets Manager.
    provider: e.MAPS_PROVIDER_URL ? { url: e.MAPS_PROVIDER_URL, apiKey: e.MAPS_API_KEY ?? "" } : undefined,
    timeoutMs: e.MAPS_TIMEOUT_MS,
    cacheTtlSeconds: e.MAPS_CACHE_TTL_SECONDS,
  };
}

/** The secret of CloudFront's origin header; unset (dev, local runs) accepts requests from anywhere. */
export function originConfig(env: NodeJS.ProcessEnv = process.env): { secretArn?: string } {
  return { secretArn: parseEnv(z.object({ ORIGIN_VERIFY_SECRET_ARN: z.string().min(1).optional() }), env).ORIGIN_VERIFY_SECRET_ARN };
}

export function jobsConfig(env: NodeJS.ProcessEnv = process.env) {
  return { positionRetentionDays: parseEnv(z.object({ POSITION_RETENTION_DAYS: intFrom(POSITION_RETENTION.defaultDays, POSITION_RETENTION.min, POSITION_RETENTION.max) }), env).POSITION_RETENTION_DAYS };
}
