/**
 * Turns property values as the SDK serializes them for the engine into plain
 * JSON for the plan: secrets become "[secret]", values not known at plan time
 * "[unknown]", resource references their URN, assets and archives a summary.
 */
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

export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

export function toPlanJson(value: unknown): JsonValue {
  if (value === unknownValue) return UNKNOWN;
  if (value === undefined) return null;
  if (value === null || typeof value !== "object") return value as JsonValue;
  if (Array.isArray(value)) return value.map(toPlanJson);
  const obj = value as Record<string, unknown>;
  switch (obj[specialSigKey]) {
    case specialSecretSig:
      return SECRET;
    case specialResourceSig:
      return String(obj.urn);
    case specialOutputValueSig:
      if (obj.secret) return SECRET;
      return "value" in obj ? toPlanJson(obj.value) : UNKNOWN;
    case specialAssetSig:
      return { $asset: toPlanJson(obj.hash ?? obj.path ?? obj.uri ?? UNKNOWN) };
    case specialArchiveSig:
      return { $archive: toPlanJson(obj.hash ?? obj.path ?? obj.uri ?? UNKNOWN) };
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, inner] of Object.entries(obj)) {
    if (inner !== undefined) out[key] = toPlanJson(inner);
  }
  return out;
}
