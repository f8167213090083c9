/**
 * Request validation with zod: every failure is a 400 with the offending
 * fields. The field types here accept exactly what PostgreSQL will store, and
 * normalise it, so anything the API accepts it also echoes in a form it would
 * accept again.
 */
import * as z from "zod";
import { badRequest } from "./errors";

export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "path"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(
    "invalid_request",
    `invalid ${where}`,
    result.error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join("."), message: issue.message })),
  );
}

/** What an operation accepts: its path parameters, query and body (each a zod schema), and whether it needs If-Match. */
export interface RequestSchemas {
  path?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  ifMatch?: true;
}

/** Control characters (C0, DEL, C1); multi-line text may keep tab, line feed and carriage return. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROLS_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Text as PostgreSQL's `text` can hold it: well-formed Unicode (a lone
 * surrogate has no UTF-8 form) and no NUL; and, as people type it, no control
 * characters (single-line text has none at all). Trimmed before the length is
 * checked, so what is stored and echoed is what was counted.
 */
export function text(options: { max: number; min?: number; multiline?: boolean }) {
  const controls = options.multiline ? CONTROLS_BUT_LINE_BREAKS : CONTROLS;
  return z
    .string()
    .trim()
    .min(options.min ?? 1)
    .max(options.max)
    .refine((s) => s.isWellFormed(), { message: "expected well-formed Unicode text (it has a lone surrogate)" })
    .refine((s) => !controls.test(s), {
      message: options.multiline ? "expected text without control characters other than line breaks and tabs" : "expected text without control characters",
    });
}

const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * An ISO 8601 instant with an offset, normalised to UTC with millisecond
 * precision. The instant must fall in years 0001-9999 once the offset is
 * applied: PostgreSQL refuses year 0000 and offsets beyond ±15:59, and an
 * instant past 9999 has no four-digit ISO form to echo back.
 */
export const isoTimestamp = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) >= EARLIEST && Date.parse(v) <= LATEST, { message: "expected an instant between 0001-01-01 and 9999-12-31 (UTC)" })
  .transform((v) => new Date(Date.parse(v)).toISOString());

/**
 * A number stored as PostgreSQL `real` (float4), sent as the single-precision
 * value it will be stored as: the bounds hold for that value too (359.99999999
 * rounds to 360.0 and would break a `< 360` check), and a double too small for
 * float4 (5e-324) becomes 0 instead of an "underflow" error.
 */
export function real(bounds: { min: number; max?: number; lt?: number }) {
  const within = (v: number) => v >= bounds.min && (bounds.max === undefined || v <= bounds.max) && (bounds.lt === undefined || v < bounds.lt);
  let schema = z.number().min(bounds.min);
  if (bounds.max !== undefined) schema = schema.max(bounds.max);
  if (bounds.lt !== undefined) schema = schema.lt(bounds.lt);
  return schema
    .refine((v) => within(Math.fround(v)), { message: `expected a value that stays within bounds at single precision` })
    .transform((v) => Math.fround(v));
}

export const uuid = z.uuid();
export const latitude = z.number().min(-90).max(90);
export const longitude = z.number().min(-180).max(180);
export const point = z.strictObject({ lat: latitude, lng: longitude });
