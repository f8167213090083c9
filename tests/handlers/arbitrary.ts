/**
 * Requests shaped the way a route accepts them, with adversarial leaves:
 * fast-check arbitraries derived from a route's own zod schemas (through zod's
 * JSON Schema), so most requests get past the shape checks and their values
 * reach the code and the database behind them.
 *
 * Leaves: strings from all of Unicode (control characters, NUL and lone
 * surrogates included) at and around their length limits; numbers at their
 * bounds, just inside and outside them; ISO timestamps across years 0000-9999,
 * every offset and fraction length; keyset cursors with tampered contents; known ids of the test's fixtures, random
 * ids and non-ids; enum values and near-misses; unknown keys.
 */
import fc from "fast-check";
import * as z from "zod";

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

/** Ids the fixtures hold, by property name (tripId, vehicleId, ...): a request about a real row reaches further. */
export type KnownIds = (property: string) => string[];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Any UTF-16 code unit, lone surrogates and controls included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const codePoint = fc
  .integer({ min: 0, max: 0x10ffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCodePoint(c));
const nasty = fc.constantFrom(
  "\u0000",
  "\u0007",
  "\n",
  "\t",
  "\u007f",
  "\u0085",
  "\ud800",
  "\udfff",
  "\ufeff",
  "\u200b",
  "\u202e",
  "😀",
  " ",
  "'",
  '"',
  "\\",
  "%",
  "$1",
  "--",
);

export function adversarialString(minLength = 0, maxLength = 64): fc.Arbitrary<string> {
  const max = Math.min(maxLength, 400);
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: Math.max(minLength, 1), maxLength: Math.min(max, 40) }) },
    { weight: 2, arbitrary: fc.string({ unit: fc.oneof(codeUnit, codePoint, nasty), minLength, maxLength: Math.min(max, 40) }) },
    // At the limit and one past it, in characters that count as one or two UTF-16 units.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("a", "é", "😀", "\u0000", " "), fc.constantFrom(max, max + 1, minLength, Math.max(0, minLength - 1)))
        .map(([c, n]) => c.repeat(n)),
    },
    // A reasonable value with one bad character inside, or padded with spaces to the limit.
    { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), nasty, fc.string({ maxLength: 10 })).map(([a, b, c]) => `${a}${b}${c}`) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).map((s) => `  ${s}${" ".repeat(Math.max(0, max - s.length))}  `) },
  );
}

/** ISO 8601 date-times: valid ones across the whole calendar and every offset, and near-misses. */
export const timestamp: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 1969, 1970, 9999)),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        fraction: fc.oneof(
          fc.constant(""),
          fc.integer({ min: 1, max: 9 }).chain((n) => fc.stringMatching(new RegExp(`^\\d{${n}}$`)).map((d) => `.${d}`)),
        ),
        offset: fc.oneof(
          fc.constant("Z"),
          fc
            .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
            .map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`),
        ),
      })
      .map((t) => `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${t.fraction}${t.offset}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "0000-01-01T00:00:00Z",
      "0000-12-31T23:00:00-05:00",
      "0001-01-01T00:00:00Z",
      "0001-01-01T00:00:00+05:30",
      "9999-12-31T23:59:59.999Z",
      "9999-12-31T23:59:59-23:59",
      "2026-01-01T10:00:00+15:59",
      "2026-01-01T10:00:00-16:00",
      "2026-02-29T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T10:00:00.1234567890123Z",
      "+002026-01-01T10:00:00Z",
      "2026-01-01 10:00:00Z",
      "1970-01-01T00:00:00Z",
    ),
  },
  { weight: 1, arbitrary: adversarialString(0, 40) },
);

function numberFor(s: JsonSchema): fc.Arbitrary<number> {
  const integer = s.type === "integer";
  const min = s.minimum ?? s.exclusiveMinimum ?? (integer ? -1e6 : -1e6);
  const max = s.maximum ?? s.exclusiveMaximum ?? (integer ? 1e6 : 1e6);
  const edges = [min, max, 0, -0, 1, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 63];
  const near = [min, max].flatMap((v) => [v - 1, v + 1, v - 1e-9, v + 1e-9, v - 1e-7, v + 1e-7, integer ? v + 0.5 : v * (1 - 1e-12)]);
  const inside = integer
    ? fc.integer({ min: Math.max(Math.ceil(min), -(2 ** 31)), max: Math.min(Math.floor(max), 2 ** 31) })
    : fc.double({
        min,
        max,
        noNaN: true,
        noDefaultInfinity: true,
        minExcluded: s.exclusiveMinimum !== undefined,
        maxExcluded: s.exclusiveMaximum !== undefined,
      });
  return fc.oneof({ weight: 4, arbitrary: inside }, { weight: 1, arbitrary: fc.constantFrom(...edges) }, { weight: 2, arbitrary: fc.constantFrom(...near) });
}

function stringFor(s: JsonSchema, property: string, known: KnownIds): fc.Arbitrary<string> {
  if (s.format === "date-time") return timestamp;
  if (s.format === "uuid") {
    const ids = known(property);
    return fc.oneof(
      ...(ids.length ? [{ weight: 6, arbitrary: fc.constantFrom(...ids) }] : []),
      { weight: 2, arbitrary: fc.uuid() },
      {
        weight: 1,
        arbitrary: fc.constantFrom("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "3F2B8C1E-9A4D-4E7F-8B2A-1C5D6E7F8A9B"),
      },
      { weight: 1, arbitrary: adversarialString(0, 40) },
    );
  }
  if (property === "cursor") {
    // Keyset cursors are base64url JSON [createdAt, id]: tamper with what is inside, not only with the wrapping.
    const inside = fc.tuple(fc.oneof(timestamp, fc.jsonValue()), fc.oneof(fc.uuid(), adversarialString(0, 40), fc.jsonValue()));
    return fc.oneof(
      { weight: 3, arbitrary: inside.map((parts) => Buffer.from(JSON.stringify(parts)).toString("base64url")) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? "").toString("base64url")) },
      { weight: 1, arbitrary: adversarialString(0, s.maxLength ?? 200) },
    );
  }
  if (s.enum) return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(s.enum as string[])) }, { weight: 1, arbitrary: adversarialString(0, 20) });
  if (s.pattern)
    return fc.oneof({ weight: 3, arbitrary: fc.stringMatching(new RegExp(s.pattern)) }, { weight: 1, arbitrary: adversarialString(s.minLength, s.maxLength) });
  return adversarialString(s.minLength ?? 0, s.maxLength ?? 64);
}

function fromJsonSchema(s: JsonSchema, property: string, known: KnownIds): fc.Arbitrary<unknown> {
  if (s.anyOf) return fc.oneof(...s.anyOf.map((branch) => fromJsonSchema(branch, property, known)));
  switch (s.type) {
    case "object": {
      const properties = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      const fields = Object.fromEntries(properties.map(([name, schema]) => [name, fromJsonSchema(schema, name, known)]));
      const record = fc.record(fields, { requiredKeys: properties.map(([n]) => n).filter((n) => required.has(n)) });
      // Now and then a key the schema does not know, or a required one missing.
      return fc.oneof(
        { weight: 12, arbitrary: record },
        { weight: 1, arbitrary: record.map((r) => ({ ...r, unexpected: "x" })) },
        {
          weight: 1,
          arbitrary: record.chain((r) =>
            Object.keys(r).length
              ? fc.constantFrom(...Object.keys(r)).map((k) => Object.fromEntries(Object.entries(r).filter(([key]) => key !== k)))
              : fc.constant(r),
          ),
        },
      );
    }
    case "array": {
      const items = fromJsonSchema(s.items ?? {}, property, known);
      const max = s.maxItems ?? 10;
      return fc.oneof(
        { weight: 8, arbitrary: fc.array(items, { minLength: s.minItems ?? 0, maxLength: Math.min(max, 6) }) },
        { weight: 1, arbitrary: fc.constant([]) },
        // At the limit and past it: one element repeated, so a 500-item batch costs no more to generate than one.
        { weight: 1, arbitrary: fc.tuple(items, fc.constantFrom(max, max + 1)).map(([item, n]) => Array.from({ length: n }, () => item)) },
      );
    }
    case "string":
      return stringFor(s, property, known);
    case "number":
    case "integer":
      return numberFor(s);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue();
  }
}

/** Values the schema's input accepts the shape of, with adversarial leaves. */
export function requestPart(schema: z.ZodType, known: KnownIds): fc.Arbitrary<unknown> {
  return fromJsonSchema(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema, "", known);
}

/** A query's values as a URL carries them: strings. */
export const asQuery = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));

/** A path segment as a client would encode it; one with a lone surrogate goes as the raw bytes a broken client sends. */
export const pathSegment = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
};
