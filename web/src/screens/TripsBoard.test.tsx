import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, type Api } from "../api";
import { TripsBoard } from "./TripsBoard";

const trip = (id: string, reference: string, status: string, version: number) => ({
  id,
  reference,
  status,
  vehicleId: null,
  driverId: null,
  origin: { lat: 19.28, lng: 73.05, address: "Bhiwandi" },
  destination: { lat: 18.76, lng: 73.86, address: "Chakan" },
  plannedStart: "2030-01-01T03:30:00.000Z",
  plannedEnd: "2030-01-01T09:30:00.000Z",
  actualStart: null,
  actualEnd: null,
  eta: null,
  delayed: false,
  version,
  createdAt: "2029-12-30T10:00:00.000Z",
  updatedAt: "2029-12-30T10:00:00.000Z",
});

/** An API whose PATCH answers as `patch` says; records every call. */
function fakeApi(patch: (call: { headers: Record<string, string>; body: { status?: string } }) => unknown, fresh?: unknown) {
  const calls: { method: string; path: string; call: any }[] = [];
  const api = (async (method: string, path: string, call: any = {}) => {
    calls.push({ method, path, call });
    const answer = (body: unknown) => ({ body, headers: new Headers() });
    if (path === "/api/trips" && method === "get")
      return answer({ trips: [trip("t-1", "MUM-1", "dispatched", 2), trip("t-2", "MUM-2", "planned", 1)], nextCursor: null });
    if (path === "/api/vehicles") return answer({ vehicles: [] });
    if (path === "/api/users") return answer({ users: [] });
    if (path === "/api/trips/{tripId}" && method === "patch") return answer(patch(call));
    if (path === "/api/trips/{tripId}" && method === "get") return answer(fresh);
    throw new Error(`unexpected ${method} ${path}`);
  }) as unknown as Api;
  return { api, calls };
}

describe("the trips board", () => {
  afterEach(cleanup);

  it("offers each trip only its next steps, and sends a transition with the trip's ETag", async () => {
    const { api, calls } = fakeApi((call) => ({ ...trip("t-1", "MUM-1", call.body.status!, 3) }));
    render(<TripsBoard api={api} canEdit />);
    const dispatched = (await screen.findByText("MUM-1")).closest("tr")!;
    const planned = screen.getByText("MUM-2").closest("tr")!;
    expect(within(dispatched).queryByRole("button", { name: "Dispatch" })).toBeNull();
    expect(within(planned).getByRole("button", { name: "Dispatch" })).toBeTruthy();
    expect(within(planned).queryByRole("button", { name: "Mark in transit" })).toBeNull();

    fireEvent.click(within(dispatched).getByRole("button", { name: "Mark in transit" }));
    await waitFor(() => expect(within(dispatched).getByText("In transit")).toBeTruthy());
    const sent = calls.find((c) => c.method === "patch")!;
    expect(sent.call).toEqual({ params: { tripId: "t-1" }, headers: { "if-match": '"2"' }, body: { status: "in_transit" } });
    expect(within(dispatched).getByRole("button", { name: "Mark delivered" })).toBeTruthy();
  });

  it("on a 412, reloads the trip and says what changed instead of overwriting it", async () => {
    const { api } = fakeApi(
      () => {
        throw new ApiError(412, "version_mismatch", "the trip changed since you read it; fetch it again");
      },
      trip("t-1", "MUM-1", "cancelled", 3),
    );
    render(<TripsBoard api={api} canEdit />);
    const row = (await screen.findByText("MUM-1")).closest("tr")!;
    fireEvent.click(within(row).getByRole("button", { name: "Mark in transit" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Someone else changed this trip");
    expect(alert.textContent).toContain("status: Dispatched → Cancelled");
    expect(within(row).getByText("Cancelled")).toBeTruthy();
    expect(within(row).queryByRole("button", { name: "Mark in transit" })).toBeNull();
  });

  it("filters by planned dates, from the start of the first day to the end of the last, in the browser's time zone", async () => {
    const { api, calls } = fakeApi(() => undefined);
    render(<TripsBoard api={api} canEdit={false} />);
    await screen.findByText("MUM-1");
    fireEvent.change(screen.getByLabelText("Planned from"), { target: { value: "2030-01-01" } });
    fireEvent.change(screen.getByLabelText("to"), { target: { value: "2030-01-02" } });
    await waitFor(() => expect(calls.filter((c) => c.path === "/api/trips").at(-1)!.call.query.to).toBeDefined());
    const { query } = calls.filter((c) => c.path === "/api/trips").at(-1)!.call;
    expect(query.from).toBe(new Date(2030, 0, 1).toISOString());
    expect(query.to).toBe(new Date(2030, 0, 3).toISOString());
    expect(query.limit).toBe("25");
  });
});
