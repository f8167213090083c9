import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { locationStatements } from "../../components/api";
import { Cache } from "../../handlers/lib/cache";
import { estimateRoute } from "../../handlers/lib/geo";
import { apiHandler } from "../../handlers/lib/http";
import { LocationService, amazonLocation } from "../../handlers/lib/location";
import { mapsOperations } from "../../handlers/maps/api";
import { SNAP_CHUNK_METERS, chunksWithin, trackingOperations } from "../../handlers/tracking/api";
import { FUNCTIONS } from "../../rules/functions";
import { LOCATION_CREDENTIALS, LOCATION_REGION, LocationEndpoint, startLocationEndpoint } from "./location-endpoint";
import { Statement } from "./s3-endpoint";
import { call, claims, fleet, memoryCache, newOrg, newTrip, testDb, tripsApp } from "./support";

const MUMBAI = { lat: 19.076, lng: 72.8777 };
const PUNE = { lat: 18.5204, lng: 73.8567 };
/** The role statements the ApiTier gives each function, evaluated by the stand-in. */
const roleOf = (fn: "maps" | "tracking") => locationStatements(FUNCTIONS[fn].location, LOCATION_REGION) as Statement[];
const locationAt = (endpoint: LocationEndpoint, timeoutMs = 1_000): LocationService =>
  amazonLocation({ region: LOCATION_REGION, endpoint: endpoint.url, timeoutMs, credentials: LOCATION_CREDENTIALS });

async function mapsApp(location: LocationService | undefined, cache?: Cache) {
  const db = await testDb();
  return apiHandler("maps", mapsOperations, async () => ({ location, db, cache, cacheTtlSeconds: cache ? 60 : 0 }));
}

describe("handlers: maps on the estimate", () => {
  const user = claims(newOrg(), "dispatcher");

  it("estimates routes along the great circle, with a straight line to draw, and says so", async () => {
    const res = await call(await mapsApp(undefined), "POST", "/api/maps/route", {
      claims: user,
      body: { origin: MUMBAI, destination: PUNE, departAt: "2026-12-01T04:00:00.000Z" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      ...estimateRoute(MUMBAI, PUNE, new Date("2026-12-01T04:00:00.000Z")),
      geometry: [
        [MUMBAI.lng, MUMBAI.lat],
        [PUNE.lng, PUNE.lat],
      ],
      travelMode: "Truck",
      truck: {},
      source: "estimate",
    });
  });

  it("geocodes only coordinates, refuses the rest and reverse geocoding with a 422", async () => {
    const app = await mapsApp(undefined);
    const ok = await call(app, "GET", "/api/maps/geocode", { claims: user, query: { q: "19.07, 72.87" } });
    assert.deepEqual(ok.body, { results: [{ lat: 19.07, lng: 72.87, label: "19.07, 72.87" }], source: "estimate" });
    const no = await call(app, "GET", "/api/maps/geocode", { claims: user, query: { q: "Chakan, Pune" } });
    assert.equal(no.status, 422);
    assert.equal(no.body.error.code, "geocoding_unavailable");
    const reverse = await call(app, "GET", "/api/maps/reverse-geocode", { claims: user, query: { lat: "18.76", lng: "73.86" } });
    assert.equal(reverse.status, 422);
    const readme = fs.readFileSync(path.resolve(__dirname, "../../docs/api.md"), "utf8").replace(/\s+/g, " ");
    assert.match(readme, /geocoding can answer only a `lat,lng` query[^.]*; any other text is a 422 `geocoding_unavailable`/);
  });
});

describe("handlers: maps on Amazon Location (a local stand-in of Places and Routes)", () => {
  let endpoint: LocationEndpoint;
  beforeEach(async () => (endpoint = await startLocationEndpoint(roleOf("maps"))));
  afterEach(async () => endpoint.close());

  it("geocodes in India near a position, as [lng, lat] on the wire, caching under Storage use", async () => {
    const user = claims(newOrg(), "dispatcher");
    const cache = memoryCache();
    const app = await mapsApp(locationAt(endpoint), cache);
    const res = await call(app, "GET", "/api/maps/geocode", { claims: user, query: { q: "Chakan", near: "18.52,73.85" } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      results: [{ lat: 18.7606, lng: 73.8631, label: "Chakan, Pune, Maharashtra, India", placeId: "AQA-chakan", placeType: "Locality" }],
      source: "amazon-location",
    });
    assert.deepEqual(endpoint.requests[0], {
      action: "geo-places:Geocode",
      // Cached answers must be asked for as "Storage" (Amazon Location's terms), even a cache's.
      body: { QueryText: "Chakan", MaxResults: 5, BiasPosition: [73.85, 18.52], Filter: { IncludeCountries: ["IND"] }, IntendedUse: "Storage" },
    });
    await call(app, "GET", "/api/maps/geocode", { claims: claims(newOrg(), "viewer"), query: { q: "CHAKAN", near: "18.52,73.85" } });
    assert.equal(endpoint.requests.length, 1, "the same question, from another organisation, is answered from the cache");
    await call(app, "GET", "/api/maps/geocode", { claims: user, query: { q: "Chakan", near: "19.07,72.87" } });
    assert.equal(endpoint.requests.length, 2, "another bias is another question: another key");
    assert.equal(new Set(cache.store.keys()).size, 2);
  });

  it("biases geocoding to the organisation's area (its newest trip's origin) when the caller gives no position", async () => {
    const trips = await tripsApp();
    const { dispatcher } = await fleet(trips);
    const app = await mapsApp(locationAt(endpoint));
    await call(app, "GET", "/api/maps/geocode", { claims: dispatcher, query: { q: "Pune" } });
    assert.equal(endpoint.requests[0].body.BiasPosition, undefined, "an organisation with no trips has no known area");
    await call(trips, "POST", "/api/trips", { claims: dispatcher, body: newTrip() });
    await call(app, "GET", "/api/maps/geocode", { claims: dispatcher, query: { q: "Pune" } });
    assert.deepEqual(endpoint.requests[1].body.BiasPosition, [newTrip().origin.lng, newTrip().origin.lat]);
  });

  it("asks for single use without a cache, and names a position by reverse geocoding", async () => {
    const app = await mapsApp(locationAt(endpoint));
    const user = claims(newOrg(), "driver");
    await call(app, "GET", "/api/maps/geocode", { claims: user, query: { q: "Bhiwandi" } });
    assert.equal(endpoint.requests[0].body.IntendedUse, "SingleUse");
    const reverse = await call(app, "GET", "/api/maps/reverse-geocode", { claims: user, query: { lat: "18.765", lng: "73.86" } });
    assert.equal(reverse.status, 200);
    assert.equal(reverse.body.result.label, "Chakan, Pune, Maharashtra, India");
    assert.deepEqual(endpoint.requests[1].body.QueryPosition, [73.86, 18.765]);
    const sea = await call(app, "GET", "/api/maps/reverse-geocode", { claims: user, query: { lat: "15", lng: "65" } });
    assert.deepEqual(sea.body, { result: null, source: "amazon-location" });
  });

  it("routes a truck with the vehicle's dimensions and weight, honouring the departure time, with a line to draw", async () => {
    const trips = await tripsApp();
    const { dispatcher } = await fleet(trips);
    const tall = await call(trips, "POST", "/api/vehicles", {
      claims: dispatcher,
      body: { registration: `MH14TR${Math.floor(Math.random() * 1e4)}`, grossWeightKg: 25_000, heightCm: 420, widthCm: 250, lengthCm: 1_200, axleCount: 3 },
    });
    assert.equal(tall.status, 201, JSON.stringify(tall.body));
    assert.equal(tall.body.heightCm, 420);
    const app = await mapsApp(locationAt(endpoint));
    const body = { origin: MUMBAI, destination: PUNE, departAt: "2026-12-01T04:07:00.000Z" };
    const plain = await call(app, "POST", "/api/maps/route", { claims: dispatcher, body });
    const truck = await call(app, "POST", "/api/maps/route", { claims: dispatcher, body: { ...body, vehicleId: tall.body.id } });
    assert.equal(truck.status, 200, JSON.stringify(truck.body));
    assert.deepEqual(endpoint.requests[1], {
      action: "geo-routes:CalculateRoutes",
      body: {
        Origin: [MUMBAI.lng, MUMBAI.lat],
        Destination: [PUNE.lng, PUNE.lat],
        TravelMode: "Truck",
        TravelModeOptions: { Truck: { GrossWeight: 25_000, Height: 420, Width: 250, Length: 1_200, AxleCount: 3 } },
        DepartureTime: "2026-12-01T04:00:00.000Z",
        LegGeometryFormat: "Simple",
      },
    });
    assert.equal(endpoint.requests[0].body.TravelModeOptions, undefined, "a vehicle-less route sends no truck options");
    assert.ok(truck.body.distanceMeters > plain.body.distanceMeters, "the tall truck's route differs");
    assert.ok(plain.body.distanceMeters > 150_000 && plain.body.distanceMeters < 250_000, String(plain.body.distanceMeters));
    assert.equal(plain.body.eta, new Date(Date.parse(body.departAt) + plain.body.durationSeconds * 1000).toISOString());
    assert.deepEqual(plain.body.geometry[0], [MUMBAI.lng, MUMBAI.lat]);
    assert.deepEqual(truck.body.truck, { grossWeightKg: 25_000, heightCm: 420, widthCm: 250, lengthCm: 1_200, axleCount: 3 });
    assert.equal(truck.body.source, "amazon-location");

    const stranger = await call(app, "POST", "/api/maps/route", { claims: claims(newOrg(), "dispatcher"), body: { ...body, vehicleId: tall.body.id } });
    assert.equal(stranger.status, 400, "another organisation's vehicle is unknown");
  });

  it("is refused where a request drifts from the API: positions sent as [lat, lng] find no route", async () => {
    // What a [lat, lng] mistake would send for Mumbai → Pune: a point in the Arctic, outside any road network.
    const swapped = await call(await mapsApp(locationAt(endpoint)), "POST", "/api/maps/route", {
      claims: claims(newOrg(), "dispatcher"),
      body: { origin: { lat: MUMBAI.lng, lng: MUMBAI.lat }, destination: { lat: PUNE.lng, lng: PUNE.lat } },
    });
    assert.equal(swapped.status, 422);
    assert.equal(swapped.body.error.code, "no_route");
  });

  it("turns throttling into a 503 with Retry-After, a stall into a 504, and failures into 502s, each as JSON", async () => {
    const user = claims(newOrg(), "dispatcher");
    // Long enough for the SDK's one retry after a throttle (it backs off about half a second), short for a stall.
    const app = await mapsApp(locationAt(endpoint, 1_500));
    const route = () => call(app, "POST", "/api/maps/route", { claims: user, body: { origin: MUMBAI, destination: PUNE } });

    endpoint.misbehave("throttle", 2); // the SDK retries once
    const throttled = await route();
    assert.equal(throttled.status, 503);
    assert.equal(throttled.body.error.code, "maps_throttled");
    assert.equal(throttled.headers["retry-after"], "1");

    endpoint.misbehave("stall"); // the abort ends the call: no retry
    const started = Date.now();
    const slow = await route();
    assert.equal(slow.status, 504);
    assert.equal(slow.body.error.code, "maps_timeout");
    assert.ok(Date.now() - started < 4_000);

    for (const how of ["internal", "garbage", "close"] as const) {
      endpoint.misbehave(how, 2);
      const failed = await route();
      assert.equal(failed.status, 502, `${how}: ${JSON.stringify(failed.body)}`);
      assert.equal(failed.body.error.code, "maps_provider_error");
    }
    const gone = amazonLocation({ region: LOCATION_REGION, endpoint: "http://127.0.0.1:1", timeoutMs: 1_000, credentials: LOCATION_CREDENTIALS });
    const unreachable = await call(await mapsApp(gone), "GET", "/api/maps/geocode", { claims: user, query: { q: "Pune" } });
    assert.equal(unreachable.status, 502);
    assert.match(unreachable.body.error.message, /could not be reached/);
  });

  it("may call only what its role allows: with tracking's role (SnapToRoads alone), geocoding is denied", async () => {
    const trackingRole = await startLocationEndpoint(roleOf("tracking"));
    try {
      const denied = await call(await mapsApp(locationAt(trackingRole)), "GET", "/api/maps/geocode", {
        claims: claims(newOrg(), "viewer"),
        query: { q: "Pune" },
      });
      assert.equal(denied.status, 502);
      assert.match(denied.body.error.message, /refused this function's credentials/);
      assert.equal(trackingRole.requests.length, 0);
    } finally {
      await trackingRole.close();
    }
  });
});

describe("handlers: a trip's track snapped to roads", () => {
  let endpoint: LocationEndpoint;
  beforeEach(async () => (endpoint = await startLocationEndpoint(roleOf("tracking"))));
  afterEach(async () => endpoint.close());

  async function tripWithTrack(points: { lat: number; lng: number }[], vehicle: Record<string, unknown> = {}) {
    const trips = await tripsApp();
    const { dispatcher } = await fleet(trips);
    const created = await call(trips, "POST", "/api/vehicles", {
      claims: dispatcher,
      body: { registration: `KA01${Math.floor(Math.random() * 1e6)}`, ...vehicle },
    });
    const trip = await call(trips, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId: created.body.id, driverId: "driver-snap" }) });
    await call(trips, "PATCH", `/api/trips/${trip.body.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { status: "dispatched" } });
    const db = await testDb();
    const tracking = (location?: LocationService) => apiHandler("tracking", trackingOperations, async () => ({ db, location, cacheTtlSeconds: 0 }));
    const positions = points.map((p, i) => ({
      vehicleId: created.body.id,
      recordedAt: new Date(Date.now() - (points.length - i) * 60_000).toISOString(),
      ...p,
    }));
    const posted = await call(tracking(), "POST", "/api/positions", { claims: dispatcher, body: { positions } });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    return { tripId: trip.body.id as string, dispatcher, tracking };
  }

  it("returns the raw positions always, and the snapped line on request, for the trip's truck", async () => {
    const { tripId, dispatcher, tracking } = await tripWithTrack(
      [
        { lat: 19.07612, lng: 72.87771 },
        { lat: 19.05033, lng: 72.93021 },
        { lat: 18.99044, lng: 73.11068 },
      ],
      { heightCm: 380, axleCount: 3 },
    );
    const raw = await call(tracking(locationAt(endpoint)), "GET", `/api/trips/${tripId}/track`, { claims: dispatcher });
    assert.equal(raw.body.snapped, undefined);
    assert.equal(endpoint.requests.length, 0);
    const snapped = await call(tracking(locationAt(endpoint)), "GET", `/api/trips/${tripId}/track`, { claims: dispatcher, query: { snap: "true" } });
    assert.equal(snapped.status, 200, JSON.stringify(snapped.body));
    assert.equal(snapped.body.positions.length, 3);
    assert.deepEqual(snapped.body.snapped, {
      geometry: [
        [72.878, 19.076],
        [72.93, 19.05],
        [73.111, 18.99],
      ],
      source: "amazon-location",
    });
    const sent = endpoint.requests[0].body;
    assert.deepEqual(sent.TracePoints[0].Position, [72.87771, 19.07612]);
    assert.equal(sent.TravelMode, "Truck");
    assert.deepEqual(sent.TravelModeOptions, { Truck: { Height: 380 } }, "SnapToRoads takes no axle count");
    assert.equal(sent.SnappedGeometryFormat, "Simple");
    const estimate = await call(tracking(undefined), "GET", `/api/trips/${tripId}/track`, { claims: dispatcher, query: { snap: "true" } });
    assert.equal(estimate.body.snapped, null, "without Amazon Location the track is not snapped, and says so");
  });

  it("splits a trace longer than SnapToRoads takes (500 km) into chunks that share their ends", async () => {
    const { tripId, dispatcher, tracking } = await tripWithTrack([
      MUMBAI,
      PUNE,
      { lat: 17.6599, lng: 75.9064 },
      { lat: 15.8497, lng: 74.4977 },
      { lat: 12.9716, lng: 77.5946 },
    ]);
    const res = await call(tracking(locationAt(endpoint)), "GET", `/api/trips/${tripId}/track`, { claims: dispatcher, query: { snap: "true" } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(endpoint.requests.length >= 2, `${endpoint.requests.length} requests`);
    const chunks = chunksWithin([MUMBAI, PUNE, { lat: 12.9716, lng: 77.5946 }], SNAP_CHUNK_METERS);
    assert.deepEqual(chunks[0].at(-1), chunks[1][0]);
  });
});
