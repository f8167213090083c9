/**
 * Driver mode, for a phone: my current trip with start and deliver, and
 * sharing my location. Positions come from the browser's geolocation, wait in
 * a queue that survives going offline, and are sent every 15 seconds (and as
 * soon as the connection comes back).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, Api } from "../api";
import { PositionQueue } from "../positionQueue";
import { StatusBadge, Trip, TripConflict, patchTrip } from "../trips";
import { Notice, ago, messageOf } from "../ui";
import { DocumentUpload } from "./DocumentUpload";

const SEND_EVERY_MS = 15_000;

export function DriverMode({ api }: { api: Api }) {
  const [trip, setTrip] = useState<Trip | null>();
  const [error, setError] = useState<string>();
  const [sharing, setSharing] = useState(false);
  const [queued, setQueued] = useState(0);
  const [lastSent, setLastSent] = useState<string>();
  const [attached, setAttached] = useState(0);
  const queue = useRef(new PositionQueue());

  const load = useCallback(async () => {
    // Drivers see only their own trips: the current one is dispatched or in transit.
    const [inTransit, dispatched] = await Promise.all(
      (["in_transit", "dispatched"] as const).map((status) => api("get", "/api/trips", { query: { status, limit: "1" } })),
    );
    setTrip(inTransit.body.trips[0] ?? dispatched.body.trips[0] ?? null);
  }, [api]);
  useEffect(() => {
    load().catch((err) => setError(messageOf(err)));
  }, [load]);

  const send = useCallback(async () => {
    try {
      const sent = await queue.current.flush(api);
      if (sent > 0) setLastSent(new Date().toISOString());
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 0)) setError(messageOf(err));
    } finally {
      setQueued(queue.current.size);
    }
  }, [api]);

  useEffect(() => {
    if (!sharing || !trip?.vehicleId) return;
    const vehicleId = trip.vehicleId;
    const watch = navigator.geolocation.watchPosition(
      (p) => {
        queue.current.add({
          vehicleId,
          recordedAt: new Date(p.timestamp).toISOString(),
          lat: p.coords.latitude,
          lng: p.coords.longitude,
          ...(p.coords.speed !== null && p.coords.speed >= 0 ? { speedKmh: Math.min(300, p.coords.speed * 3.6) } : {}),
          ...(p.coords.heading !== null && p.coords.heading >= 0 && p.coords.heading < 360 ? { heading: p.coords.heading } : {}),
          ...(p.coords.accuracy <= 10_000 ? { accuracyM: p.coords.accuracy } : {}),
        });
        setQueued(queue.current.size);
      },
      (err) => setError(`location unavailable: ${err.message}`),
      { enableHighAccuracy: true, maximumAge: 5_000 },
    );
    const timer = setInterval(send, SEND_EVERY_MS);
    window.addEventListener("online", send);
    return () => {
      navigator.geolocation.clearWatch(watch);
      clearInterval(timer);
      window.removeEventListener("online", send);
    };
  }, [sharing, trip, send]);

  const move = async (status: "in_transit" | "delivered") => {
    if (!trip) return;
    setError(undefined);
    try {
      setTrip(await patchTrip(api, trip, { status }));
      if (status === "delivered") {
        setSharing(false);
        await send();
      }
    } catch (err) {
      if (err instanceof TripConflict) {
        await load();
        setError(`Your trip was changed by the dispatcher (${err.changes.join(", ")}); it has been reloaded.`);
      } else setError(messageOf(err));
    }
  };

  if (trip === undefined)
    return error ? (
      <Notice kind="error" title="Your trip could not be loaded">
        {error}
      </Notice>
    ) : (
      <Notice kind="loading" title="Loading your trip…" />
    );
  return (
    <section aria-labelledby="driver-title" className="driver">
      <h1 id="driver-title">My trip</h1>
      {error ? (
        <Notice kind="error" title="Something needs attention">
          {error}
        </Notice>
      ) : null}
      {!trip ? (
        <Notice kind="empty" title="No trip assigned to you right now" />
      ) : (
        <>
          <p className="trip-card">
            <strong>{trip.reference ?? trip.id.slice(0, 8)}</strong> · <StatusBadge status={trip.status} />
            <br />
            {trip.origin.address} → {trip.destination.address}
          </p>
          {trip.status === "dispatched" ? (
            <button type="button" className="big" onClick={() => move("in_transit")}>
              Start trip
            </button>
          ) : null}
          {trip.status === "in_transit" ? (
            <button type="button" className="big" onClick={() => move("delivered")}>
              Delivered
            </button>
          ) : null}
          <label className="toggle">
            <input type="checkbox" checked={sharing} disabled={!trip.vehicleId} onChange={(e) => setSharing(e.target.checked)} /> Share my location
          </label>
          <p aria-live="polite" className="muted">
            {queued} position{queued === 1 ? "" : "s"} waiting to be sent{lastSent ? ` · last sent ${ago(lastSent)}` : ""}
          </p>
          <button type="button" className="secondary" onClick={send}>
            Send now
          </button>
          <h2>Proof of delivery</h2>
          <DocumentUpload api={api} tripId={trip.id} kinds={["proof_of_delivery", "photo"]} onUploaded={() => setAttached((n) => n + 1)} onError={setError} />
          {attached > 0 ? (
            <p aria-live="polite" className="muted">
              {attached} document{attached === 1 ? "" : "s"} attached
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
