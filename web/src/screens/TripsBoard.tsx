/**
 * Trips: filter by status and vehicle, page by keyset ("Load more"), create,
 * dispatch with a vehicle and a driver from the organisation's users, and
 * move along the lifecycle. Every change sends the trip's ETag in If-Match;
 * when someone else changed the trip first (412), the trip is reloaded and
 * what changed is shown, so nothing is overwritten blindly.
 */
import { FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError, Answer, Api } from "../api";
import { Notice, messageOf } from "../ui";

type Trip = Answer<"/api/trips/{tripId}", "get">;
type Vehicle = Answer<"/api/vehicles", "get">["vehicles"][number];
type User = Answer<"/api/users", "get">["users"][number];
const STATUSES = ["planned", "dispatched", "in_transit", "delivered", "cancelled"] as const;
const NEXT: Record<string, { status: Trip["status"]; label: string }[]> = {
  dispatched: [{ status: "in_transit", label: "Mark in transit" }],
  in_transit: [{ status: "delivered", label: "Mark delivered" }],
};

export function TripsBoard({ api, canEdit }: { api: Api; canEdit: boolean }) {
  const [filter, setFilter] = useState<{ status?: string; vehicleId?: string }>({});
  const [trips, setTrips] = useState<Trip[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [vehicles, setVehicles] = useState<Vehicle[]>([]);
  const [drivers, setDrivers] = useState<User[]>([]);
  const [error, setError] = useState<string>();
  const [conflict, setConflict] = useState<string>();

  const page = useCallback(
    async (after?: string) => {
      const { body } = await api("get", "/api/trips", { query: { ...filter, limit: "25", cursor: after } });
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

  /** PATCH with the ETag the board holds; on 412, reload and say what changed. */
  const update = async (trip: Trip, body: Record<string, unknown>) => {
    setError(undefined);
    setConflict(undefined);
    try {
      const { body: updated } = await api("patch", "/api/trips/{tripId}", { params: { tripId: trip.id }, headers: { "if-match": `"${trip.version}"` }, body });
      replace(updated);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        const { body: fresh } = await api("get", "/api/trips/{tripId}", { params: { tripId: trip.id } });
        replace(fresh);
        const changes = (["status", "vehicleId", "driverId", "plannedStart", "plannedEnd"] as const).filter((k) => fresh[k] !== trip[k]);
        setConflict(
          `${trip.reference ?? "The trip"} changed since you loaded it (${changes.map((k) => `${k}: ${String(trip[k])} → ${String(fresh[k])}`).join(", ") || "another edit"}). It has been reloaded; check it and try again.`,
        );
      } else setError(messageOf(err));
    }
  };

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const place = (prefix: string) => ({ address: String(d.get(`${prefix}Address`)), lat: Number(d.get(`${prefix}Lat`)), lng: Number(d.get(`${prefix}Lng`)) });
    setError(undefined);
    try {
      await api("post", "/api/trips", {
        body: {
          reference: String(d.get("reference")) || undefined,
          vehicleId: String(d.get("vehicleId")) || undefined,
          origin: place("origin"),
          destination: place("destination"),
          plannedStart: new Date(String(d.get("plannedStart"))).toISOString(),
          plannedEnd: new Date(String(d.get("plannedEnd"))).toISOString(),
        },
      });
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
              <option key={s}>{s}</option>
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
                  <span className={`status ${t.status}`}>{t.status}</span>
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

/** A place's fields, named `<prefix>Address`, `<prefix>Lat` and `<prefix>Lng` (what `create` reads). */
function PlaceFields({ legend, prefix }: { legend: string; prefix: "origin" | "destination" }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <label>
        Address <input name={`${prefix}Address`} required maxLength={300} />
      </label>
      <label>
        Latitude <input name={`${prefix}Lat`} type="number" step="any" min={-90} max={90} required />
      </label>
      <label>
        Longitude <input name={`${prefix}Lng`} type="number" step="any" min={-180} max={180} required />
      </label>
    </fieldset>
  );
}

function NewTrip({ vehicles, onSubmit }: { vehicles: Vehicle[]; onSubmit: (e: FormEvent<HTMLFormElement>) => void }) {
  return (
    <details className="new-trip">
      <summary>New trip</summary>
      <form onSubmit={onSubmit} aria-label="New trip">
        <label>
          Reference <input name="reference" maxLength={64} />
        </label>
        <PlaceFields legend="From" prefix="origin" />
        <PlaceFields legend="To" prefix="destination" />
        <label>
          Planned start <input name="plannedStart" type="datetime-local" required />
        </label>
        <label>
          Planned end <input name="plannedEnd" type="datetime-local" required />
        </label>
        <label>
          Vehicle{" "}
          <select name="vehicleId" defaultValue="">
            <option value="">later</option>
            <VehicleOptions vehicles={vehicles} />
          </select>
        </label>
        <button type="submit">Create trip</button>
      </form>
    </details>
  );
}
