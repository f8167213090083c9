import { beforeEach, describe, expect, it } from "vitest";
import { ApiError, type Api } from "./api";
import { PositionQueue, type QueuedPosition } from "./positionQueue";

const at = (i: number): QueuedPosition => ({
  vehicleId: "3f2b9c1e-7a4d-4c1e-9b8a-2d6e5f4a1c07",
  recordedAt: new Date(Date.UTC(2026, 11, 1, 5, 0, i)).toISOString(),
  lat: 19,
  lng: 73,
});

describe("the driver's position queue", () => {
  beforeEach(() => localStorage.clear());

  it("keeps positions across a reload, and sends them in batches of at most 500", async () => {
    new PositionQueue().add(at(0));
    const queue = new PositionQueue(); // as after a reload
    for (let i = 1; i < 1201; i++) queue.add(at(i));
    const batches: number[] = [];
    const api = (async (_m: string, _p: string, call: { body: { positions: unknown[] } }) => {
      batches.push(call.body.positions.length);
      return { body: { accepted: call.body.positions.length, duplicates: 0 }, headers: new Headers() };
    }) as unknown as Api;
    expect(await queue.flush(api)).toBe(1201);
    expect(batches).toEqual([500, 500, 201]);
    expect(queue.size).toBe(0);
  });

  it("keeps what did not go when the connection drops, and sends it on the next try", async () => {
    const queue = new PositionQueue();
    for (let i = 0; i < 600; i++) queue.add(at(i));
    let calls = 0;
    const flaky = (async () => {
      calls++;
      if (calls === 2) throw new ApiError(0, "offline", "the TMS API cannot be reached");
      return { body: { accepted: 1, duplicates: 0 }, headers: new Headers() };
    }) as unknown as Api;
    await expect(queue.flush(flaky)).rejects.toThrow("cannot be reached");
    expect(queue.size).toBe(100);
    expect(await queue.flush(flaky)).toBe(100);
    expect(queue.size).toBe(0);
  });

  it("keeps a position recorded while a batch was in flight, and sends it next", async () => {
    const queue = new PositionQueue();
    queue.add(at(0));
    const sent: string[][] = [];
    const api = (async (_m: string, _p: string, call: { body: { positions: QueuedPosition[] } }) => {
      if (sent.length === 0) queue.add(at(1)); // the geolocation callback fires during the first request
      sent.push(call.body.positions.map((p) => p.recordedAt));
      return { body: { accepted: call.body.positions.length, duplicates: 0 }, headers: new Headers() };
    }) as unknown as Api;
    expect(await queue.flush(api)).toBe(2);
    expect(sent).toEqual([[at(0).recordedAt], [at(1).recordedAt]]);
    expect(queue.size).toBe(0);
  });
});
