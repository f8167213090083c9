/** Lambda entry point of the maps function. */
import { createCache } from "../lib/cache";
import { mapsConfig, redisConfig } from "../lib/config";
import { apiHandler } from "../lib/http";
import { getSecret } from "../lib/secrets";
import { MapsProvider, mapsOperations } from "./api";

export const handler = apiHandler("maps", mapsOperations, async () => {
  const config = mapsConfig();
  const fromSecret = async (): Promise<MapsProvider | undefined> => {
    if (config.provider) return config.provider;
    if (!config.providerSecretArn) return undefined;
    const { url, apiKey } = JSON.parse(await getSecret(config.providerSecretArn));
    return { url, apiKey };
  };
  return { provider: fromSecret, cache: await createCache(redisConfig()), timeoutMs: config.timeoutMs, cacheTtlSeconds: config.cacheTtlSeconds };
});
