/** Request validation with zod: every failure is a 400 with the offending fields. */
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

export const uuid = z.uuid();
export const isoTimestamp = z.iso.datetime({ offset: true });
export const latitude = z.number().min(-90).max(90);
export const longitude = z.number().min(-180).max(180);
export const point = z.strictObject({ lat: latitude, lng: longitude });
