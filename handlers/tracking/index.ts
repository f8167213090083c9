/** Lambda entry point of the tracking function. */
import { createCache } from "../lib/cache";
import { databaseConfig, mapsConfig, redisConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { apiHandler } from "../lib/http";
import { amazonLocation } from "../lib/location";
import { trackingOperations } from "./api";

export const handler = apiHandler("tracking", trackingOperations, async () => {
  const maps = mapsConfig();
  return {
    db: createDb(databaseConfig()),
    cache: await createCache(redisConfig()),
    location: maps.provider === "amazon-location" ? amazonLocation({ region: maps.region, timeoutMs: maps.timeoutMs }) : undefined,
    cacheTtlSeconds: maps.cacheTtlSeconds,
  };
});
