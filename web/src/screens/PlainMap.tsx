/**
 * Markers and lines on a plain background, fitted to what they show: the map
 * with no tiles (no network, tests, offline development), and the fallback
 * while MapLibre loads. Every marker is a button with its label, so the map
 * works by keyboard and screen reader.
 */
export interface MapMarker {
  id: string;
  lat: number;
  lng: number;
  label: string;
  stale?: boolean;
}

export function PlainMap({
  markers,
  line,
  selected,
  onSelect,
}: {
  markers: MapMarker[];
  line?: [number, number][];
  selected?: string;
  onSelect?: (id: string) => void;
}) {
  const points = [...markers.map((m) => [m.lng, m.lat] as [number, number]), ...(line ?? [])];
  if (points.length === 0) return <div className="plain-map empty">No positions to show yet.</div>;
  const lngs = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const pad = 0.02;
  const [minX, maxX] = [Math.min(...lngs) - pad, Math.max(...lngs) + pad];
  const [minY, maxY] = [Math.min(...lats) - pad, Math.max(...lats) + pad];
  const x = (lng: number) => ((lng - minX) / (maxX - minX)) * 100;
  const y = (lat: number) => (1 - (lat - minY) / (maxY - minY)) * 100;
  return (
    <div className="plain-map" role="group" aria-label="Map">
      <svg viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
        {line && line.length > 1 ? <polyline points={line.map(([lng, lat]) => `${x(lng)},${y(lat)}`).join(" ")} /> : null}
      </svg>
      {markers.map((m) => (
        <button
          key={m.id}
          type="button"
          className={`marker${m.stale ? " stale" : ""}${m.id === selected ? " selected" : ""}`}
          style={{ left: `${x(m.lng)}%`, top: `${y(m.lat)}%` }}
          aria-label={m.label}
          aria-pressed={m.id === selected}
          data-lat={m.lat}
          data-lng={m.lng}
          onClick={() => onSelect?.(m.id)}
        />
      ))}
    </div>
  );
}
