/**
 * What an operation answers: its success status and body, and each error
 * status with the error codes it can carry. Together with the route table
 * (handlers/routes.ts) and the request schemas, this is the API's contract:
 * handlers/openapi.ts writes the OpenAPI document from it, and the tests
 * check every response against that document.
 */
import * as z from "zod";

export interface ResponseSpec {
  /** The success status and its body; `headers` names the response headers it sets. */
  ok: { status: number; body: z.ZodType; description: string; headers?: Record<string, string> };
  /** The operation's own errors: status → the `error.code` values it may carry. */
  errors?: Record<number, readonly string[]>;
}

/** A date-time as the API writes it (UTC, milliseconds). */
export const instant = z.iso.datetime();

/** The error envelope every non-2xx answer has; `codes` narrows `error.code`. */
export const errorEnvelope = (codes: readonly string[]) =>
  z.strictObject({
    error: z.strictObject({
      code: z.enum(codes as [string, ...string[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  });

/** A point as the API writes it. */
export const pointOut = z.strictObject({ lat: z.number(), lng: z.number() });
/** A line to draw: `[longitude, latitude]` pairs, as GeoJSON orders them. */
export const lineString = z.array(z.tuple([z.number(), z.number()])).describe("[longitude, latitude] pairs, as in GeoJSON");
