/** Applies the database migrations; the ApiTier invokes it during `pulumi up` whenever they change. */
import { databaseConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { logger } from "../lib/log";
import { migrate } from "./runner";

export const handler = async () => {
  const db = createDb({ ...databaseConfig(), poolMax: 1 });
  try {
    const result = await migrate(db);
    logger.info("migrations done", result);
    return result;
  } finally {
    await db.end();
  }
};
