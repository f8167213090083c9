/** The runtime environment of each function, parsed with the schemas the contract declares (rules/functions.ts). */
import * as z from "zod";
import { environmentSchema } from "../../rules/functions";
import { HOME_REGION } from "../../rules/region";

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  // A misconfigured function is a deployment fault: fail loudly, naming the variables.
  throw new Error(`invalid environment: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
}

export type DatabaseConfig =
  | { kind: "url"; connectionString: string; poolMax: number }
  | {
      kind: "rds";
      host: string;
      port: number;
      database: string;
      secretArn: string;
      poolMax: number;
      ssl: boolean;
      /** Trusted CAs; default: RDS's, shipped with the code. */ ca?: string[];
    };

/** DATABASE_URL (local runs and tests) or the RDS endpoint plus its managed secret. */
export function databaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const poolMax = parseEnv(environmentSchema("DB_POOL_MAX"), env).DB_POOL_MAX;
  if (env.DATABASE_URL) return { kind: "url", connectionString: env.DATABASE_URL, poolMax };
  const e = parseEnv(environmentSchema("DB_HOST", "DB_PORT", "DB_NAME", "DB_SECRET_ARN", "DB_SSL"), env);
  return { kind: "rds", host: e.DB_HOST, port: e.DB_PORT, database: e.DB_NAME, secretArn: e.DB_SECRET_ARN, poolMax, ssl: e.DB_SSL === "verify" };
}

export type RedisConfig = { url: string } | { host: string; port: number; authSecretArn?: string };

/** REDIS_URL (local) or the ElastiCache endpoint; undefined runs without a cache. */
export function redisConfig(env: NodeJS.ProcessEnv = process.env): RedisConfig | undefined {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  if (!env.REDIS_HOST) return undefined;
  const e = parseEnv(environmentSchema("REDIS_PORT", "REDIS_AUTH_SECRET_ARN"), env);
  return { host: env.REDIS_HOST, port: e.REDIS_PORT, authSecretArn: e.REDIS_AUTH_SECRET_ARN };
}

export function documentsConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(environmentSchema("DOCUMENTS_BUCKET", "UPLOAD_MAX_BYTES", "UPLOAD_URL_TTL_SECONDS"), env);
  return { bucket: e.DOCUMENTS_BUCKET, maxBytes: e.UPLOAD_MAX_BYTES, urlTtlSeconds: e.UPLOAD_URL_TTL_SECONDS };
}

/** The maps provider and its limits; Amazon Location is called in the function's own region (Lambda sets AWS_REGION). */
export function mapsConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(environmentSchema("MAPS_PROVIDER", "MAPS_TIMEOUT_MS", "MAPS_CACHE_TTL_SECONDS"), env);
  return { provider: e.MAPS_PROVIDER, region: env.AWS_REGION ?? HOME_REGION, timeoutMs: e.MAPS_TIMEOUT_MS, cacheTtlSeconds: e.MAPS_CACHE_TTL_SECONDS };
}

/** The user pool the users function manages, in the function's own region. */
export function usersConfig(env: NodeJS.ProcessEnv = process.env) {
  return { userPoolId: parseEnv(environmentSchema("USER_POOL_ID"), env).USER_POOL_ID, region: env.AWS_REGION ?? HOME_REGION };
}

/** The secret of CloudFront's origin header; unset (dev, local runs) accepts requests from anywhere. */
export function originConfig(env: NodeJS.ProcessEnv = process.env): { secretArn?: string } {
  return { secretArn: parseEnv(environmentSchema("ORIGIN_VERIFY_SECRET_ARN"), env).ORIGIN_VERIFY_SECRET_ARN };
}

export function jobsConfig(env: NodeJS.ProcessEnv = process.env) {
  return { positionRetentionDays: parseEnv(environmentSchema("POSITION_RETENTION_DAYS"), env).POSITION_RETENTION_DAYS };
}
