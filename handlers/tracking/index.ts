/** Lambda entry point of the tracking function. */
import { createCache } from "../lib/cache";
import { databaseConfig, redisConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { apiHandler } from "../lib/http";
import { trackingOperations } from "./api";

export const handler = apiHandler("tracking", trackingOperations, async () => ({
  db: createDb(databaseConfig()),
  cache: await createCache(redisConfig()),
}));
