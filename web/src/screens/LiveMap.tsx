/**
 * MapLibre on Amazon Location's base map. Tiles are SigV4-signed with
 * credentials from the stack's Cognito identity pool, given the user's ID
 * token (Amazon Location's auth helper signs only tile requests: styles,
 * glyphs and sprites are public). The worker is this build's own file, so the
 * CSP needs no blob: workers. Markers are buttons with their labels, as on the
 * plain map, so the map works by keyboard and screen reader.
 */
import { withIdentityPoolId } from "@aws/amazon-location-utilities-auth-helper";
import { LngLatBounds, Map as MapLibreMap, Marker, NavigationControl, setWorkerUrl } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useRef } from "react";
import type { BaseMapSettings, TrackMapProps } from "./TrackMap";

setWorkerUrl(workerUrl);

const LINE_SOURCE = "track";

export default function LiveMap({
  markers,
  line,
  selected,
  onSelect,
  settings,
  onFailure,
}: TrackMapProps & { settings: BaseMapSettings; onFailure: (message: string) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | undefined>(undefined);
  const placed = useRef(new Map<string, Marker>());
  const fitted = useRef(false);

  // The map itself: once per settings (a new session gets new credentials).
  useEffect(() => {
    let live = true;
    const { styleUrl, identityPoolId, loginProvider, idToken } = settings;
    withIdentityPoolId(identityPoolId, { logins: { [loginProvider]: async () => idToken() } })
      .then((auth) => {
        if (!live || !container.current) return;
        const created = new MapLibreMap({
          container: container.current,
          style: styleUrl,
          center: [78.9, 21.1],
          zoom: 4,
          ...auth.getMapAuthenticationOptions(),
        });
        created.addControl(new NavigationControl({ showCompass: false }), "top-right");
        // Without a listener MapLibre logs every failed request as a console error; one failure is reported once.
        created.on("error", (event) => live && onFailure(event.error?.message ?? "the map failed"));
        created.on("load", () => {
          created.addSource(LINE_SOURCE, { type: "geojson", data: lineFeature(undefined) });
          created.addLayer({ id: LINE_SOURCE, type: "line", source: LINE_SOURCE, paint: { "line-color": "#0b5cad", "line-width": 4 } });
          map.current = created;
          draw();
        });
      })
      .catch((err: Error) => live && onFailure(`no map credentials: ${err.message}`));
    return () => {
      live = false;
      placed.current.forEach((m) => m.remove());
      placed.current.clear();
      map.current?.remove();
      map.current = undefined;
      fitted.current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `draw` reads the latest props through refs.
  }, [settings]);

  const latest = useRef({ markers, line, selected, onSelect });
  latest.current = { markers, line, selected, onSelect };

  /** Places, moves and removes the markers, redraws the line, and fits the view once to what is shown. */
  function draw() {
    const current = map.current;
    if (!current) return;
    const { markers, line, selected } = latest.current;
    const seen = new Set<string>();
    for (const m of markers) {
      seen.add(m.id);
      let marker = placed.current.get(m.id);
      if (!marker) {
        const button = document.createElement("button");
        button.type = "button";
        button.addEventListener("click", () => latest.current.onSelect?.(m.id));
        marker = new Marker({ element: button }).setLngLat([m.lng, m.lat]).addTo(current);
        placed.current.set(m.id, marker);
      }
      marker.setLngLat([m.lng, m.lat]);
      const button = marker.getElement() as HTMLButtonElement;
      button.className = `marker${m.stale ? " stale" : ""}${m.id === selected ? " selected" : ""}`;
      button.setAttribute("aria-label", m.label);
      button.setAttribute("aria-pressed", String(m.id === selected));
      button.dataset.lat = String(m.lat);
      button.dataset.lng = String(m.lng);
    }
    for (const [id, marker] of placed.current) if (!seen.has(id)) (marker.remove(), placed.current.delete(id));
    (current.getSource(LINE_SOURCE) as { setData?: (data: unknown) => void } | undefined)?.setData?.(lineFeature(line));
    const points = [...markers.map((m) => [m.lng, m.lat] as [number, number]), ...(line ?? [])];
    if (!fitted.current && points.length > 0) {
      const bounds = points.reduce((b, p) => b.extend(p), new LngLatBounds(points[0], points[0]));
      current.fitBounds(bounds, { padding: 48, maxZoom: 14, duration: 0 });
      fitted.current = true;
    }
  }

  useEffect(draw, [markers, line, selected, onSelect]);

  return <div ref={container} className="live-map" role="group" aria-label="Map" />;
}

function lineFeature(line: [number, number][] | undefined) {
  return { type: "Feature" as const, properties: {}, geometry: { type: "LineString" as const, coordinates: line && line.length > 1 ? line : [] } };
}
