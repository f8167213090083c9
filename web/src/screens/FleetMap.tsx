/** Every vehicle's latest position, refreshed every 10 seconds, with how old each one is and its active trip. */
import { useEffect, useState } from "react";
import type { Answer, Api } from "../api";
import { STATUS_LABELS } from "../trips";
import { Notice, ago, messageOf } from "../ui";
import { TrackMap } from "./TrackMap";

type Fleet = Answer<"/api/fleet", "get">;
const REFRESH_MS = 10_000;
/** A position older than this is shown as stale. */
const STALE_MS = 15 * 60_000;

export function FleetMap({ api }: { api: Api }) {
  const [fleet, setFleet] = useState<Fleet>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();

  useEffect(() => {
    let live = true;
    const load = () =>
      api("get", "/api/fleet")
        .then(({ body }) => live && (setFleet(body), setError(undefined)))
        .catch((err) => live && setError(messageOf(err)));
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);

  if (!fleet)
    return error ? (
      <Notice kind="error" title="The fleet could not be loaded">
        {error}
      </Notice>
    ) : (
      <Notice kind="loading" title="Loading the fleet…" />
    );
  if (fleet.vehicles.length === 0)
    return (
      <Notice kind="empty" title="No vehicles yet">
        Add one under Vehicles.
      </Notice>
    );
  const now = Date.now();
  const located = fleet.vehicles.filter((v) => v.position);
  const chosen = fleet.vehicles.find((v) => v.id === selected);
  return (
    <section aria-labelledby="fleet-title" className="fleet">
      <h1 id="fleet-title">Fleet map</h1>
      {error ? (
        <Notice kind="error" title="Showing the last positions received">
          {error}
        </Notice>
      ) : null}
      <TrackMap
        markers={located.map((v) => ({
          id: v.id,
          lat: v.position!.lat,
          lng: v.position!.lng,
          label: `${v.registration}, ${ago(v.position!.recordedAt, now)}`,
          stale: now - Date.parse(v.position!.recordedAt) > STALE_MS,
        }))}
        selected={selected}
        onSelect={setSelected}
      />
      <table>
        <caption>
          Vehicles ({fleet.vehicles.length}), updated {ago(fleet.generatedAt, now)}
        </caption>
        <thead>
          <tr>
            <th scope="col">Vehicle</th>
            <th scope="col">Last position</th>
            <th scope="col">Active trip</th>
          </tr>
        </thead>
        <tbody>
          {fleet.vehicles.map((v) => (
            <tr key={v.id} aria-selected={v.id === selected} onClick={() => setSelected(v.id)}>
              <th scope="row">
                <button type="button" className="link" onClick={() => setSelected(v.id)}>
                  {v.registration}
                </button>
              </th>
              <td className={v.position && now - Date.parse(v.position.recordedAt) > STALE_MS ? "stale" : undefined}>
                {v.position ? `${v.position.lat.toFixed(4)}, ${v.position.lng.toFixed(4)} · ${ago(v.position.recordedAt, now)}` : "none yet"}
              </td>
              <td>
                {v.activeTrip
                  ? `${v.activeTrip.reference ?? v.activeTrip.id.slice(0, 8)} · ${STATUS_LABELS[v.activeTrip.status]}${v.activeTrip.delayed ? " · delayed" : ""}`
                  : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {chosen ? (
        <p className="detail" aria-live="polite">
          {chosen.registration}:{" "}
          {chosen.activeTrip ? <a href={`#/trips/${chosen.activeTrip.id}`}>trip {chosen.activeTrip.reference ?? chosen.activeTrip.id}</a> : "no active trip"}
          {chosen.activeTrip?.eta ? `, ETA ${new Date(chosen.activeTrip.eta).toLocaleString()}` : ""}
        </p>
      ) : null}
    </section>
  );
}
