/**
 * Applies the SQL files in ./migrations in name order, all in one transaction
 * under an advisory lock, so concurrent runs queue and a failure changes
 * nothing. Applied files are recorded with a checksum; running again applies
 * nothing, and an applied file that was edited afterwards is an error.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Db } from "../lib/db";

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

/** Where the SQL files are: next to this module in the repository and in the Lambda bundle alike. */
export const MIGRATIONS_DIR = path.join(__dirname, "migrations");
const LOCK_ID = 7_260_001; // arbitrary, fixed: one lock for the TMS schema

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), "utf8");
      return { version: file.replace(/\.sql$/, ""), sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** One hash of every migration: deploys re-run the migrate function exactly when it changes. */
export function migrationsHash(migrations = loadMigrations()): string {
  return createHash("sha256")
    .update(migrations.map((m) => `${m.version}:${m.checksum}`).join("\n"))
    .digest("hex");
}

export async function migrate(db: Db, migrations = loadMigrations()): Promise<{ applied: string[]; current: string | null }> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_ID]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Map(
      (await tx.query<{ version: string; checksum: string }>("SELECT version, checksum FROM schema_migrations")).rows.map((r) => [r.version, r.checksum]),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      const recorded = done.get(m.version);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) throw new Error(`migration ${m.version} was changed after it was applied; add a new migration instead`);
        continue;
      }
      await tx.query(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", [m.version, m.checksum]);
      applied.push(m.version);
    }
    return { applied, current: migrations.at(-1)?.version ?? null };
  });
}
