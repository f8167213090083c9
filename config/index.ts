import * as pulumi from "@pulumi/pulumi";
import { StackConfig, parseStackConfig } from "./schema";

export { HOME_REGION, StackConfig, StackConfigError, parseStackConfig } from "./schema";

/** `isConfigSecret` is exported by the runtime but stripped from its typings. */
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/**
 * Pulumi hands every config value to the program as a string; structured
 * values and numbers arrive JSON-encoded. Decode them the way
 * `Config.requireObject` does, leaving plain strings alone.
 */
function decodeConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** All of a stack's config values, as the CLI hands them over, decoded. */
export function decodeConfigValues(values: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, decodeConfigValue(value)]));
}

/** Reads the running stack's configuration and validates it; throws StackConfigError on any bad value. */
export function loadStackConfig(): StackConfig {
  const all = pulumi.runtime.allConfig();
  const raw = decodeConfigValues(all);
  const secretKeys = new Set(Object.keys(all).filter((key) => isConfigSecret(key)));
  return parseStackConfig(raw, pulumi.getStack(), secretKeys);
}
