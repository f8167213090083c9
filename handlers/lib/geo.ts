/** Great-circle geometry: the built-in route estimate when no maps provider is configured. */
export interface Point {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_M = 6_371_000;
/** Roads are longer than the great circle; this factor is typical for Indian intercity routes. */
export const ROAD_FACTOR = 1.3;
/** Average goods-vehicle speed used for estimates. */
export const AVERAGE_SPEED_KMH = 40;

export function haversineMeters(a: Point, b: Point): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function estimateRoute(origin: Point, destination: Point, departAt: Date) {
  const distanceMeters = Math.round(haversineMeters(origin, destination) * ROAD_FACTOR);
  const durationSeconds = Math.round(distanceMeters / ((AVERAGE_SPEED_KMH * 1000) / 3600));
  return { distanceMeters, durationSeconds, eta: new Date(departAt.getTime() + durationSeconds * 1000).toISOString() };
}
