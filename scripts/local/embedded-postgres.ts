/**
 * An embedded PostgreSQL (PGlite) served over the PostgreSQL wire protocol, so
 * the handlers' `pg` pool talks to it exactly as to RDS. For `npm run dev`,
 * the tests and the benchmarks when no DATABASE_URL is given.
 */
import * as fs from "fs";
import * as path from "path";

export interface EmbeddedPostgres {
  url: string;
  /** Stops and restarts the server on the same port: every client connection drops, as in a database restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `dataDir` keeps the data between runs; without it the database lives in memory. */
export async function startEmbeddedPostgres(options: { dataDir?: string; maxConnections?: number } = {}): Promise<EmbeddedPostgres> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  if (options.dataDir) fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const pglite = await PGlite.create(options.dataDir);
  const listen = async (port: number) => {
    const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port, maxConnections: options.maxConnections ?? 16 });
    await server.start();
    return server;
  };
  let server = await listen(0);
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await server.stop();
      server = await listen(port);
    },
    stop: async () => {
      await server.stop();
      await pglite.close();
    },
  };
}
