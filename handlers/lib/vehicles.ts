/**
 * A vehicle's truck profile: the dimensions and weight Amazon Location's
 * truck routing and snapping take, stored with the vehicle. The bounds are
 * the migration's CHECK constraints (002_vehicle_dimensions.sql): what the
 * API accepts, the database stores.
 */
import * as z from "zod";
import type { Queryable } from "./db";
import { badRequest } from "./errors";
import type { TruckProfile } from "./location";

/** Inclusive bounds: Indian goods vehicles, inside what Routes accepts. */
export const TRUCK_LIMITS = {
  grossWeightKg: { min: 1, max: 100_000, column: "gross_weight_kg" },
  heightCm: { min: 100, max: 500, column: "height_cm" },
  widthCm: { min: 100, max: 350, column: "width_cm" },
  lengthCm: { min: 200, max: 2_500, column: "length_cm" },
  axleCount: { min: 2, max: 20, column: "axle_count" },
} as const;
type TruckField = keyof typeof TRUCK_LIMITS;
const FIELDS = Object.keys(TRUCK_LIMITS) as TruckField[];

/** The optional truck fields of a vehicle in a request body. */
export const truckFields = Object.fromEntries(FIELDS.map((f) => [f, z.number().int().min(TRUCK_LIMITS[f].min).max(TRUCK_LIMITS[f].max).optional()])) as {
  [F in TruckField]: z.ZodOptional<z.ZodNumber>;
};

/** The SQL columns of the truck fields, in FIELDS order. */
export const TRUCK_COLUMNS = FIELDS.map((f) => TRUCK_LIMITS[f].column);

/** The truck profile of a row carrying TRUCK_COLUMNS; only the fields the record has. */
export function truckProfileOf(row: Record<string, unknown>): TruckProfile {
  return Object.fromEntries(FIELDS.filter((f) => row[TRUCK_LIMITS[f].column] != null).map((f) => [f, Number(row[TRUCK_LIMITS[f].column])]));
}

/** The values of TRUCK_COLUMNS for an insert, from a parsed body. */
export const truckValues = (body: Partial<Record<TruckField, number>>) => FIELDS.map((f) => body[f] ?? null);

/** The truck profile of a vehicle of the organisation; a 400 when the organisation has no such vehicle. */
export async function vehicleTruckProfile(db: Queryable, orgId: string, vehicleId: string): Promise<TruckProfile> {
  const { rows } = await db.query(`SELECT ${TRUCK_COLUMNS.join(", ")} FROM vehicles WHERE org_id = $1 AND id = $2`, [orgId, vehicleId]);
  if (!rows[0]) throw badRequest("unknown_vehicle", "no such vehicle in your organisation", [{ path: "body.vehicleId", message: "unknown vehicle" }]);
  return truckProfileOf(rows[0]);
}
