/**
 * One trip: its track on the map (snapped to roads when the stack has Amazon
 * Location), the planned route and its ETA, its plan (editable by managers
 * until it is under way), and its documents: upload with a progress bar,
 * list, open.
 */
import { useCallback, useEffect, useState } from "react";
import type { Answer, Api } from "../api";
import { StatusBadge, Trip, TripConflict, patchTrip } from "../trips";
import { Notice, messageOf } from "../ui";
import { DocumentUpload } from "./DocumentUpload";
import { TrackMap } from "./TrackMap";
import { TripForm, TripPlan } from "./TripForm";

/** Statuses whose plan may still change: once a trip is under way, its plan is history. */
const EDITABLE: Trip["status"][] = ["planned", "dispatched"];
type Track = Answer<"/api/trips/{tripId}/track", "get">;
type Route = Answer<"/api/maps/route", "post">;
type Documents = Answer<"/api/trips/{tripId}/documents", "get">["documents"];

export function TripDetail({ api, tripId, canEdit }: { api: Api; tripId: string; canEdit: boolean }) {
  const [trip, setTrip] = useState<Trip>();
  const [track, setTrack] = useState<Track>();
  const [route, setRoute] = useState<Route>();
  const [documents, setDocuments] = useState<Documents>();
  const [error, setError] = useState<string>();
  const [conflict, setConflict] = useState<string>();
  const [saved, setSaved] = useState<string>();

  const loadDocuments = useCallback(
    () =>
      api("get", "/api/trips/{tripId}/documents", { params: { tripId } })
        .then(({ body }) => setDocuments(body.documents))
        .catch((err) => setError(messageOf(err))),
    [api, tripId],
  );
  /** The route from the trip's plan, for its line and ETA. */
  const planRoute = useCallback(
    (planned: Trip) =>
      api("post", "/api/maps/route", {
        body: {
          origin: { lat: planned.origin.lat, lng: planned.origin.lng },
          destination: { lat: planned.destination.lat, lng: planned.destination.lng },
          departAt: planned.actualStart ?? planned.plannedStart,
          ...(planned.vehicleId ? { vehicleId: planned.vehicleId } : {}),
        },
      }).then(({ body }) => setRoute(body)),
    [api],
  );
  useEffect(() => {
    api("get", "/api/trips/{tripId}", { params: { tripId } })
      .then(({ body }) => {
        setTrip(body);
        return planRoute(body);
      })
      .catch((err) => setError(messageOf(err)));
    api("get", "/api/trips/{tripId}/track", { params: { tripId }, query: { snap: "true" } })
      .then(({ body }) => setTrack(body))
      .catch((err) => setError(messageOf(err)));
    loadDocuments();
  }, [api, tripId, loadDocuments, planRoute]);

  const edit = async (plan: TripPlan) => {
    if (!trip) return;
    setError(undefined);
    setConflict(undefined);
    setSaved(undefined);
    try {
      const updated = await patchTrip(api, trip, { ...plan, reference: plan.reference ?? null });
      setTrip(updated);
      setSaved("Saved.");
      await planRoute(updated);
    } catch (err) {
      if (err instanceof TripConflict) {
        setTrip(err.fresh);
        setConflict(err.message);
      } else setError(messageOf(err));
    }
  };

  if (!trip)
    return error ? (
      <Notice kind="error" title="The trip could not be loaded">
        {error}
      </Notice>
    ) : (
      <Notice kind="loading" title="Loading the trip…" />
    );
  const drawn = track?.snapped?.geometry ?? track?.positions.map((p) => [p.lng, p.lat] as [number, number]) ?? [];
  const last = track?.positions.at(-1);
  return (
    <section aria-labelledby="trip-title">
      <p>
        <a href="#/trips">← Trips</a>
      </p>
      <h1 id="trip-title">
        Trip {trip.reference ?? trip.id.slice(0, 8)} <StatusBadge status={trip.status} />
      </h1>
      {error ? (
        <Notice kind="error" title="Something went wrong">
          {error}
        </Notice>
      ) : null}
      {conflict ? (
        <Notice kind="conflict" title="Someone else changed this trip">
          {conflict}
        </Notice>
      ) : null}
      <p>
        {trip.origin.address} → {trip.destination.address}
        <br />
        {route
          ? `Planned route ${(route.distanceMeters / 1000).toFixed(0)} km, ${(route.durationSeconds / 3600).toFixed(1)} h, ETA ${new Date(route.eta).toLocaleString()} (${route.source === "estimate" ? "estimated" : "Amazon Location"})`
          : "Planning the route…"}
        {trip.eta ? ` · tracked ETA ${new Date(trip.eta).toLocaleString()}` : ""}
        {trip.delayed ? " · delayed" : ""}
      </p>
      <TrackMap
        markers={[
          { id: "origin", lat: trip.origin.lat, lng: trip.origin.lng, label: `From ${trip.origin.address}` },
          { id: "destination", lat: trip.destination.lat, lng: trip.destination.lng, label: `To ${trip.destination.address}` },
          ...(last ? [{ id: "vehicle", lat: last.lat, lng: last.lng, label: `Vehicle, ${new Date(last.recordedAt).toLocaleString()}` }] : []),
        ]}
        line={drawn.length > 1 ? drawn : route?.geometry}
      />
      <p className="muted">
        {track
          ? `${track.positions.length} positions${track.snapped ? ", snapped to roads" : track.snapped === null ? " (not snapped: no maps provider)" : ""}`
          : "Loading the track…"}
      </p>
      {canEdit && EDITABLE.includes(trip.status) ? (
        <details className="edit-trip">
          <summary>Edit the plan</summary>
          {/* Keyed by version: a reloaded or saved trip refills the form. */}
          <TripForm key={trip.version} label={`Edit ${trip.reference ?? "trip"}`} trip={trip} submitLabel="Save changes" onSubmit={edit} />
          {saved ? (
            <p role="status" className="muted">
              {saved}
            </p>
          ) : null}
        </details>
      ) : null}
      <h2>Documents</h2>
      {canEdit ? <DocumentUpload api={api} tripId={tripId} onUploaded={loadDocuments} onError={setError} /> : null}
      {!documents ? (
        <Notice kind="loading" title="Loading documents…" />
      ) : documents.length === 0 ? (
        <Notice kind="empty" title="No documents yet" />
      ) : (
        <ul className="list">
          {documents.map((d) => (
            <li key={d.id}>
              <a href={d.downloadUrl} target="_blank" rel="noreferrer">
                {d.kind.replace(/_/g, " ")}
              </a>{" "}
              · {d.contentType} · {d.sizeBytes < 1024 ? `${d.sizeBytes} B` : `${(d.sizeBytes / 1024).toFixed(0)} KB`} ·{" "}
              {d.uploadedAt ? new Date(d.uploadedAt).toLocaleString() : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
