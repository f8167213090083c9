/**
 * PostgreSQL access: a small pool per container (1-2 connections; the stack's
 * connection budget), TLS to RDS, the RDS-managed secret read once. It
 * recovers by itself: a connection the server dropped (restart, failover) is
 * discarded and the query retried once; a password RDS rotated is re-read.
 */
import { Pool, PoolClient, QueryResult, QueryResultRow } from "pg";
import { DatabaseConfig } from "./config";
import { logger } from "./log";
import { cachedUntilFailure } from "./once";
import { rdsCertificates } from "./rds-ca";
import { forgetSecret, getSecret } from "./secrets";

export interface Queryable {
  query<R extends QueryResultRow = any>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** Errors after which a fresh connection may succeed. */
const RETRYABLE = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "57P01", "57P02", "57P03", "08000", "08003", "08006"]);
const isRetryable = (err: any) =>
  RETRYABLE.has(err?.code) || /Connection terminated|connection ended|Client has encountered a connection error/i.test(String(err?.message));
const INVALID_PASSWORD = "28P01";

export function createDb(config: DatabaseConfig): Db {
  const common = { max: config.poolMax, idleTimeoutMillis: 60_000, connectionTimeoutMillis: 5_000, allowExitOnIdle: true };
  const build = async (): Promise<Pool> => {
    const pool =
      config.kind === "url"
        ? new Pool({ ...common, connectionString: config.connectionString })
        : new Pool({
            ...common,
            host: config.host,
            port: config.port,
            database: config.database,
            user: JSON.parse(await getSecret(config.secretArn)).username,
            // Called for every new connection: the secret is cached, and re-read after a rotation.
            password: async () => JSON.parse(await getSecret(config.secretArn)).password as string,
            // Verified against RDS's CAs shipped with the code, the host name checked too.
            ssl: config.ssl ? { ca: config.ca ?? rdsCertificates(), rejectUnauthorized: true } : false,
          });
    // An idle client losing its connection must not crash the container.
    pool.on("error", (err) => logger.warn("idle database connection lost", { error: err }));
    return pool;
  };
  const pools = cachedUntilFailure(build);
  const pool = () => pools.get();

  async function withRetry<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err: any) {
      if (config.kind === "rds" && err?.code === INVALID_PASSWORD) {
        forgetSecret(config.secretArn);
      } else if (!isRetryable(err)) {
        throw err;
      }
      logger.warn("retrying after a database connection error", { code: err?.code, reason: err?.message });
      return run();
    }
  }

  return {
    query: (text, params) => withRetry(async () => (await pool()).query(text, params as unknown[])),
    async transaction(work) {
      const client: PoolClient = await withRetry(async () => (await pool()).connect());
      try {
        await client.query("BEGIN");
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    end: async () => {
      const created = pools.peek();
      if (created) await (await created).end();
    },
  };
}
