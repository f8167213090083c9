/**
 * What every trip screen shares: how a status reads, and changing a trip
 * safely. Every change sends the trip's ETag in If-Match; when someone else
 * changed the trip first (412), the trip is reloaded and what changed is
 * reported, so nothing is overwritten blindly.
 */
import type { Answer, Api, Body } from "./api";
import { ApiError } from "./api";

export type Trip = Answer<"/api/trips/{tripId}", "get">;
export type TripStatus = Trip["status"];

export const STATUS_LABELS: Record<TripStatus, string> = {
  planned: "Planned",
  dispatched: "Dispatched",
  in_transit: "In transit",
  delivered: "Delivered",
  cancelled: "Cancelled",
};
export const STATUSES = Object.keys(STATUS_LABELS) as TripStatus[];

export function StatusBadge({ status }: { status: TripStatus }) {
  return <span className={`status ${status}`}>{STATUS_LABELS[status]}</span>;
}

/** The trip as it is now, after someone else changed it, and what they changed. */
export class TripConflict extends Error {
  constructor(
    readonly fresh: Trip,
    readonly changes: string[],
  ) {
    super(
      `${fresh.reference ?? "The trip"} changed since you loaded it (${changes.join(", ") || "another edit"}). It has been reloaded; check it and try again.`,
    );
  }
}

const COMPARED: [string, (t: Trip) => unknown][] = [
  ["status", (t) => STATUS_LABELS[t.status]],
  ["reference", (t) => t.reference],
  ["vehicle", (t) => t.vehicleId],
  ["driver", (t) => t.driverId],
  ["from", (t) => t.origin.address],
  ["to", (t) => t.destination.address],
  ["planned start", (t) => t.plannedStart],
  ["planned end", (t) => t.plannedEnd],
];

/** "status: Dispatched → Cancelled", for each field that differs. */
export function changesBetween(before: Trip, after: Trip): string[] {
  return COMPARED.filter(([, read]) => read(before) !== read(after)).map(
    ([name, read]) => `${name}: ${String(read(before) ?? "—")} → ${String(read(after) ?? "—")}`,
  );
}

/** PATCHes the trip as the caller last saw it; throws TripConflict (with the trip reloaded) on 412. */
export async function patchTrip(api: Api, trip: Trip, body: Body<"/api/trips/{tripId}", "patch">): Promise<Trip> {
  try {
    const { body: updated } = await api("patch", "/api/trips/{tripId}", { params: { tripId: trip.id }, headers: { "if-match": `"${trip.version}"` }, body });
    return updated;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 412)) throw err;
    const { body: fresh } = await api("get", "/api/trips/{tripId}", { params: { tripId: trip.id } });
    throw new TripConflict(fresh, changesBetween(trip, fresh));
  }
}
