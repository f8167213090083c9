/**
 * Turns property values as the SDK serializes them for the engine into plain
 * JSON for the plan: secrets become "[secret]", values not known at plan time
 * "[unknown]", resource references their URN, assets and archives a summary.
 */
import { createHash } from "crypto";
import {
  specialArchiveSig,
  specialAssetSig,
  specialOutputValueSig,
  specialResourceSig,
  specialSecretSig,
  specialSigKey,
  unknownValue,
} from "@pulumi/pulumi/runtime/rpc";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An object that is not an array or null: a JSON object, or a map of config values. */
export function isPlainObject<V = unknown>(value: unknown): value is Record<string, V> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

/**
 * Where a redacted value sat (`environment.variables.KEY`, `rules[0].token`)
 * and a digest of it. Offline, a secret's value is never a real one: config
 * secrets are placeholders derived from the stack file's ciphertext (see
 * plan/engine.ts), the rest are mock answers or constants in the code. So the
 * digest reveals nothing, yet changes when the secret does.
 */
export type SecretDigests = Record<string, string>;

export function toPlanJson(value: unknown, secrets?: SecretDigests, at = ""): JsonValue {
  if (value === unknownValue) return UNKNOWN;
  if (value === undefined) return null;
  if (value === null || typeof value !== "object") return value as JsonValue;
  if (Array.isArray(value)) return value.map((item, i) => toPlanJson(item, secrets, `${at}[${i}]`));
  const obj = value as Record<string, unknown>;
  const redact = (inner: unknown) => {
    if (secrets && inner !== undefined && inner !== unknownValue) secrets[at] = digest(inner);
    return SECRET;
  };
  switch (obj[specialSigKey]) {
    case specialSecretSig:
      return redact(obj.value);
    case specialResourceSig:
      return String(obj.urn);
    case specialOutputValueSig:
      if (obj.secret) return redact(obj.value);
      return "value" in obj ? toPlanJson(obj.value, secrets, at) : UNKNOWN;
    case specialAssetSig:
    case specialArchiveSig: {
      // Show where the content comes from, or a digest of it: the plan stays small, and a change shows.
      const label = obj[specialSigKey] === specialAssetSig ? "$asset" : "$archive";
      const source = obj.path ?? obj.uri;
      return { [label]: typeof source === "string" ? source : digest(obj) };
    }
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, inner] of Object.entries(obj)) {
    if (inner !== undefined) out[key] = toPlanJson(inner, secrets, at ? `${at}.${key}` : key);
  }
  return out;
}

function digest(value: unknown): string {
  return `sha256:${createHash("sha256").update(stableJson(value)).digest("hex")}`;
}

/** JSON with object keys sorted, so equal content always hashes the same. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`)
    .join(",")}}`;
}
