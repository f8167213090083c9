/**
 * Scheduled work. Each task is idempotent (running it twice changes nothing
 * the first run did not) and bounded: it works in batches and stops when its
 * time budget is spent, leaving the rest to the next run.
 */
import { Db } from "../lib/db";
import { estimateRoute } from "../lib/geo";

export interface TaskContext {
  db: Db;
  now: () => Date;
  /** Milliseconds this run may still spend. */
  remainingMs: () => number;
}

const BATCH = 500;
/** Stop starting new batches when less than this is left. */
const SAFETY_MS = 5_000;

/**
 * Estimates each active trip's ETA from its latest position (or its origin)
 * and marks it delayed when that ETA, or the clock, passes the planned end.
 */
export async function markDelayedTrips({ db, now, remainingMs }: TaskContext) {
  let examined = 0;
  let markedDelayed = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  while (remainingMs() > SAFETY_MS) {
    const { rows } = await db.query(
      `SELECT t.id, t.org_id, t.planned_end, t.delayed, t.origin_lat, t.origin_lng, t.destination_lat, t.destination_lng, p.lat, p.lng
       FROM trips t
       LEFT JOIN LATERAL (
         SELECT lat, lng FROM positions WHERE trip_id = t.id ORDER BY recorded_at DESC LIMIT 1
       ) p ON true
       WHERE t.status IN ('dispatched', 'in_transit') AND t.id > $1
       ORDER BY t.id LIMIT $2`,
      [after, BATCH],
    );
    if (rows.length === 0) break;
    const at = now();
    const updates = rows.map((t) => {
      const from = t.lat === null ? { lat: t.origin_lat, lng: t.origin_lng } : { lat: t.lat, lng: t.lng };
      const eta = new Date(estimateRoute(from, { lat: t.destination_lat, lng: t.destination_lng }, at).eta);
      const late = eta > t.planned_end || at > t.planned_end;
      if (late && !t.delayed) markedDelayed += 1;
      return { id: t.id, orgId: t.org_id, eta: eta.toISOString(), late };
    });
    // Derived fields only: the trip's version (users' optimistic concurrency) is left alone.
    await db.query(
      `UPDATE trips SET eta = u.eta, delayed = trips.delayed OR u.late
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::boolean[]) AS u(id, org_id, eta, late)
       WHERE trips.id = u.id AND trips.org_id = u.org_id`,
      [updates.map((u) => u.id), updates.map((u) => u.orgId), updates.map((u) => u.eta), updates.map((u) => u.late)],
    );
    examined += rows.length;
    after = rows[rows.length - 1].id;
    if (rows.length < BATCH) break;
  }
  return { examined, markedDelayed };
}

/** Deletes positions recorded before the retention period, a batch at a time. */
export async function purgeOldPositions({ db, now, remainingMs }: TaskContext, retentionDays: number) {
  const cutoff = new Date(now().getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  while (remainingMs() > SAFETY_MS) {
    const { rowCount } = await db.query(
      `DELETE FROM positions WHERE (vehicle_id, recorded_at) IN (
         SELECT vehicle_id, recorded_at FROM positions WHERE recorded_at < $1 LIMIT $2
       )`,
      [cutoff, BATCH * 10],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH * 10) break;
  }
  return { deleted, cutoff: cutoff.toISOString() };
}
