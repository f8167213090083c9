/** Lambda entry point of the maps function. */
import { createCache } from "../lib/cache";
import { databaseConfig, mapsConfig, redisConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { apiHandler } from "../lib/http";
import { amazonLocation } from "../lib/location";
import { mapsOperations } from "./api";

export const handler = apiHandler("maps", mapsOperations, async () => {
  const config = mapsConfig();
  return {
    location: config.provider === "amazon-location" ? amazonLocation({ region: config.region, timeoutMs: config.timeoutMs }) : undefined,
    db: createDb(databaseConfig()),
    cache: await createCache(redisConfig()),
    cacheTtlSeconds: config.cacheTtlSeconds,
  };
});
