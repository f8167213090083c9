/**
 * The optional Redis cache. Redis is a performance aid (the reference calls it
 * optional): a missing, slow or failing Redis degrades to no cache, never to
 * an error.
 */
import { createHash } from "crypto";
import { RedisConfig } from "./config";
import { logger } from "./log";
import { RespClient, respOptionsFromUrl } from "./resp";
import { getSecret } from "./secrets";

export interface Cache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Redis key per distinct question: the operation and every option that
 * shapes the answer, serialised as JSON (so no two questions share a key),
 * then hashed. Maps answers depend on these alone, not on who asked.
 */
export const cacheKey = (operation: string, options: unknown) =>
  `tms:maps:v2:${operation}:${createHash("sha256").update(JSON.stringify(options)).digest("hex")}`;

export async function createCache(config: RedisConfig | undefined): Promise<Cache | undefined> {
  if (!config) return undefined;
  const timeouts = { connectTimeoutMs: 1_000, commandTimeoutMs: 250 };
  const client = new RespClient(
    "url" in config
      ? respOptionsFromUrl(config.url, timeouts)
      : // ElastiCache requires TLS (transit encryption mode "required").
        { host: config.host, port: config.port, password: config.authSecretArn ? await getSecret(config.authSecretArn) : undefined, tls: true, ...timeouts },
  );
  const soft = async <T>(what: string, op: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      // Not `message`: Powertools reserves that key and would drop the reason.
      logger.warn(`redis ${what} failed; continuing without the cache`, { reason: (err as Error).message });
      return fallback;
    }
  };
  return {
    get: (key) => soft("get", async () => ((await client.command("GET", key)) as string | null) ?? undefined, undefined),
    set: (key, value, ttlSeconds) =>
      soft("set", async () => void (await client.command("SET", key, value, "EX", Math.max(1, Math.round(ttlSeconds)))), undefined),
    delete: (keys) => soft("del", async () => void (keys.length > 0 && (await client.command("DEL", ...keys))), undefined),
    close: async () => client.close(),
  };
}
