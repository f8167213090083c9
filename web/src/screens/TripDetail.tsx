/**
 * One trip: its track on the map (snapped to roads when the stack has Amazon
 * Location), the planned route and its ETA, and its documents: upload with a
 * progress bar, list, open.
 */
import { useCallback, useEffect, useState } from "react";
import type { Answer, Api } from "../api";
import { Notice, messageOf } from "../ui";
import { DocumentUpload } from "./DocumentUpload";
import { TrackMap } from "./TrackMap";

type Trip = Answer<"/api/trips/{tripId}", "get">;
type Track = Answer<"/api/trips/{tripId}/track", "get">;
type Route = Answer<"/api/maps/route", "post">;
type Documents = Answer<"/api/trips/{tripId}/documents", "get">["documents"];

export function TripDetail({ api, tripId, canUpload }: { api: Api; tripId: string; canUpload: boolean }) {
  const [trip, setTrip] = useState<Trip>();
  const [track, setTrack] = useState<Track>();
  const [route, setRoute] = useState<Route>();
  const [documents, setDocuments] = useState<Documents>();
  const [error, setError] = useState<string>();

  const loadDocuments = useCallback(
    () =>
      api("get", "/api/trips/{tripId}/documents", { params: { tripId } })
        .then(({ body }) => setDocuments(body.documents))
        .catch((err) => setError(messageOf(err))),
    [api, tripId],
  );
  useEffect(() => {
    api("get", "/api/trips/{tripId}", { params: { tripId } })
      .then(({ body }) => {
        setTrip(body);
        return api("post", "/api/maps/route", {
          body: {
            origin: { lat: body.origin.lat, lng: body.origin.lng },
            destination: { lat: body.destination.lat, lng: body.destination.lng },
            departAt: body.actualStart ?? body.plannedStart,
            ...(body.vehicleId ? { vehicleId: body.vehicleId } : {}),
          },
        }).then(({ body: planned }) => setRoute(planned));
      })
      .catch((err) => setError(messageOf(err)));
    api("get", "/api/trips/{tripId}/track", { params: { tripId }, query: { snap: "true" } })
      .then(({ body }) => setTrack(body))
      .catch((err) => setError(messageOf(err)));
    loadDocuments();
  }, [api, tripId, loadDocuments]);

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
        Trip {trip.reference ?? trip.id.slice(0, 8)} <span className={`status ${trip.status}`}>{trip.status}</span>
      </h1>
      {error ? (
        <Notice kind="error" title="Something went wrong">
          {error}
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
      <h2>Documents</h2>
      {canUpload ? <DocumentUpload api={api} tripId={tripId} onUploaded={loadDocuments} onError={setError} /> : null}
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
