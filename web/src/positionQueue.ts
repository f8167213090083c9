/**
 * The driver's positions waiting to be sent: kept in localStorage, so they
 * survive going offline, a reload or a closed tab, and sent in batches of at
 * most 500 (the API's limit). A failed batch stays queued for the next try;
 * the API stores a re-sent position once, so retrying is always safe.
 */
import type { Api, Body } from "./api";

export type QueuedPosition = Body<"/api/positions", "post">["positions"][number];

const KEY = "tms.positions.queue";
const BATCH = 500;

export class PositionQueue {
  constructor(private readonly storage: Storage = window.localStorage) {}

  get size(): number {
    return this.read().length;
  }

  add(position: QueuedPosition): void {
    this.write([...this.read(), position]);
  }

  /** Sends what is queued, batch by batch; stops at the first failure and keeps the rest. Resolves with how many were sent. */
  async flush(api: Api): Promise<number> {
    let sent = 0;
    for (;;) {
      const queued = this.read();
      if (queued.length === 0) return sent;
      const batch = queued.slice(0, BATCH);
      await api("post", "/api/positions", { body: { positions: batch } });
      // Positions added while the batch was in flight stay queued.
      this.write(this.read().slice(batch.length));
      sent += batch.length;
    }
  }

  private read(): QueuedPosition[] {
    try {
      return JSON.parse(this.storage.getItem(KEY) ?? "[]") as QueuedPosition[];
    } catch {
      return [];
    }
  }

  private write(positions: QueuedPosition[]): void {
    this.storage.setItem(KEY, JSON.stringify(positions));
  }
}
