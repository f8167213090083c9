/**
 * Trips: filter by status, vehicle and planned dates, page by keyset ("Load
 * more"), create, dispatch with a vehicle and a driver from the
 * organisation's users, and move along the lifecycle. Every change sends the
 * trip's ETag in If-Match; on a 412 the trip is reloaded and what changed is
 * shown (trips.tsx).
 */
import { FormEvent, useCallback, useEffect, useState } from "react";
import type { Answer, Api } from "../api";
import { STATUSES, STATUS_LABELS, StatusBadge, Trip, TripConflict, patchTrip } from "../trips";
import { Notice, messageOf } from "../ui";
import { TripForm, TripPlan } from "./TripForm";

type Vehicle = Answer<"/api/vehicles", "get">["vehicles"][number];
type User = Answer<"/api/users", "get">["users"][number];
interface Filter {
  status?: string;
  vehicleId?: string;
  /** Planned to start on or after this day, and before the day after `to` (dates as the inputs give them). */
  from?: string;
  to?: string;
}
/** A date input's day, as the start of that day in the browser's time zone. */
const startOfDay = (day: string) => new Date(`${day}T00:00`).toISOString();
const NEXT: Record<string, { status: Trip["status"]; label: string }[]> = {
  dispatched: [{ status: "in_transit", label: "Mark in transit" }],
  in_transit: [{ status: "delivered", label: "Mark delivered" }],
};

export function TripsBoard({ api, canEdit }: { api: Api; canEdit: boolean }) {
  const [filter, setFilter] = useState<Filter>({});
  const [trips, setTrips] = useState<Trip[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [vehicles, setVehicles] = useState<Vehicle[]>([]);
  const [drivers, setDrivers] = useState<User[]>([]);
  const [error, setError] = useState<string>();
  const [conflict, setConflict] = useState<string>();

  const page = useCallback(
    async (after?: string) => {
      const { from, to, ...rest } = filter;
      const dates = {
        ...(from ? { from: startOfDay(from) } : {}),
        ...(to ? { to: new Date(Date.parse(startOfDay(to)) + 86_400_000).toISOString() } : {}),
      };
      const { body } = await api("get", "/api/trips", { query: { ...rest, ...dates, limit: "25", cursor: after } });
      setTrips((previous) => (after ? [...(previous ?? []), ...body.trips] : body.trips));
      setCursor(body.nextCursor);
    },
    [api, filter],
  );

  useEffect(() => {
    setTrips(undefined);
    page().catch((err) => setError(messageOf(err)));
  }, [page]);
  useEffect(() => {
    api("get", "/api/vehicles")
      .then(({ body }) => setVehicles(body.vehicles))
      .catch(() => undefined);
    if (canEdit)
      api("get", "/api/users", { query: { role: "driver", enabled: "true" } })
        .then(({ body }) => setDrivers(body.users))
        .catch(() => undefined);
  }, [api, canEdit]);

  const replace = (trip: Trip) => setTrips((all) => all?.map((t) => (t.id === trip.id ? trip : t)));

  /** A change to a trip as the board shows it; on 412 the board shows the trip as it is now, and why. */
  const update = async (trip: Trip, body: Record<string, unknown>) => {
    setError(undefined);
    setConflict(undefined);
    try {
      replace(await patchTrip(api, trip, body));
    } catch (err) {
      if (err instanceof TripConflict) {
        replace(err.fresh);
        setConflict(err.message);
      } else setError(messageOf(err));
    }
  };

  const create = async (plan: TripPlan, form: HTMLFormElement, data: FormData) => {
    setError(undefined);
    try {
      await api("post", "/api/trips", { body: { ...plan, vehicleId: String(data.get("vehicleId")) || undefined } });
      form.reset();
      await page();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const registration = (id: string | null) => vehicles.find((v) => v.id === id)?.registration ?? (id ? id.slice(0, 8) : "—");
  const driverName = (sub: string | null) => drivers.find((u) => u.sub === sub)?.email ?? (sub ? sub.slice(0, 8) : "—");

  return (
    <section aria-labelledby="trips-title">
      <h1 id="trips-title">Trips</h1>
      <form className="inline" aria-label="Filter trips" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status{" "}
          <select value={filter.status ?? ""} onChange={(e) => setFilter({ ...filter, status: e.target.value || undefined })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Vehicle{" "}
          <select value={filter.vehicleId ?? ""} onChange={(e) => setFilter({ ...filter, vehicleId: e.target.value || undefined })}>
            <option value="">any</option>
            <VehicleOptions vehicles={vehicles} />
          </select>
        </label>
        <label>
          Planned from <input type="date" value={filter.from ?? ""} onChange={(e) => setFilter({ ...filter, from: e.target.value || undefined })} />
        </label>
        <label>
          to <input type="date" value={filter.to ?? ""} onChange={(e) => setFilter({ ...filter, to: e.target.value || undefined })} />
        </label>
      </form>
      {conflict ? (
        <Notice kind="conflict" title="Someone else changed this trip">
          {conflict}
        </Notice>
      ) : null}
      {error ? (
        <Notice kind="error" title="Something went wrong">
          {error}
        </Notice>
      ) : null}
      {canEdit ? <NewTrip vehicles={vehicles} onSubmit={create} /> : null}
      {!trips ? (
        <Notice kind="loading" title="Loading trips…" />
      ) : trips.length === 0 ? (
        <Notice kind="empty" title="No trips match" />
      ) : (
        <table>
          <caption>Trips, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Trip</th>
              <th scope="col">Status</th>
              <th scope="col">Vehicle</th>
              <th scope="col">Driver</th>
              <th scope="col">Planned</th>
              <th scope="col">ETA</th>
              {canEdit ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {trips.map((t) => (
              <tr key={t.id} data-trip={t.id}>
                <th scope="row">
                  <a href={`#/trips/${t.id}`}>{t.reference ?? t.id.slice(0, 8)}</a>
                  <div className="muted">
                    {t.origin.address} → {t.destination.address}
                  </div>
                </th>
                <td>
                  <StatusBadge status={t.status} />
                  {t.delayed ? <span className="status delayed">delayed</span> : null}
                </td>
                <td>{registration(t.vehicleId)}</td>
                <td>{driverName(t.driverId)}</td>
                <td>
                  {new Date(t.plannedStart).toLocaleString()} – {new Date(t.plannedEnd).toLocaleString()}
                </td>
                <td>{t.eta ? new Date(t.eta).toLocaleString() : "—"}</td>
                {canEdit ? (
                  <td>
                    {t.status === "planned" ? <Dispatch trip={t} vehicles={vehicles} drivers={drivers} onDispatch={(b) => update(t, b)} /> : null}
                    {(NEXT[t.status] ?? []).map((n) => (
                      <button key={n.status} type="button" onClick={() => update(t, { status: n.status })}>
                        {n.label}
                      </button>
                    ))}
                    {t.status !== "delivered" && t.status !== "cancelled" ? (
                      <button type="button" className="secondary" onClick={() => update(t, { status: "cancelled" })}>
                        Cancel trip
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor ? (
        <button type="button" onClick={() => page(cursor).catch((err) => setError(messageOf(err)))}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

function Dispatch({
  trip,
  vehicles,
  drivers,
  onDispatch,
}: {
  trip: Trip;
  vehicles: Vehicle[];
  drivers: User[];
  onDispatch: (body: Record<string, unknown>) => void;
}) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    onDispatch({ vehicleId: String(d.get("vehicleId")), driverId: String(d.get("driverId")), status: "dispatched" });
  };
  return (
    <form className="inline" onSubmit={submit} aria-label={`Dispatch ${trip.reference ?? "trip"}`}>
      <label>
        Vehicle{" "}
        <select name="vehicleId" required defaultValue={trip.vehicleId ?? ""}>
          <option value="" disabled>
            choose
          </option>
          <VehicleOptions vehicles={vehicles} />
        </select>
      </label>
      <label>
        Driver{" "}
        <select name="driverId" required defaultValue={trip.driverId ?? ""}>
          <option value="" disabled>
            choose
          </option>
          {drivers.map((u) => (
            <option key={u.sub} value={u.sub}>
              {u.name ?? u.email}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Dispatch</button>
    </form>
  );
}

/** The organisation's vehicles as a select's options, by registration. */
function VehicleOptions({ vehicles }: { vehicles: Vehicle[] }) {
  return (
    <>
      {vehicles.map((v) => (
        <option key={v.id} value={v.id}>
          {v.registration}
        </option>
      ))}
    </>
  );
}

function NewTrip({ vehicles, onSubmit }: { vehicles: Vehicle[]; onSubmit: (plan: TripPlan, form: HTMLFormElement, data: FormData) => void }) {
  return (
    <details className="new-trip">
      <summary>New trip</summary>
      <TripForm label="New trip" submitLabel="Create trip" onSubmit={onSubmit}>
        <label>
          Vehicle{" "}
          <select name="vehicleId" defaultValue="">
            <option value="">later</option>
            <VehicleOptions vehicles={vehicles} />
          </select>
        </label>
      </TripForm>
    </details>
  );
}
