-- TMS schema. Every row belongs to an organisation, and references between
-- rows carry the organisation too, so no row can ever point at another
-- tenant's data.

CREATE TABLE vehicles (
  id            uuid PRIMARY KEY,
  org_id        text NOT NULL,
  registration  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  UNIQUE (org_id, registration)
);

CREATE TABLE trips (
  id                  uuid PRIMARY KEY,
  org_id              text NOT NULL,
  reference           text,
  status              text NOT NULL DEFAULT 'planned'
                      CHECK (status IN ('planned', 'dispatched', 'in_transit', 'delivered', 'cancelled')),
  vehicle_id          uuid,
  driver_id           text,
  origin_lat          double precision NOT NULL CHECK (origin_lat BETWEEN -90 AND 90),
  origin_lng          double precision NOT NULL CHECK (origin_lng BETWEEN -180 AND 180),
  origin_address      text NOT NULL,
  destination_lat     double precision NOT NULL CHECK (destination_lat BETWEEN -90 AND 90),
  destination_lng     double precision NOT NULL CHECK (destination_lng BETWEEN -180 AND 180),
  destination_address text NOT NULL,
  planned_start       timestamptz NOT NULL,
  planned_end         timestamptz NOT NULL,
  actual_start        timestamptz,
  actual_end          timestamptz,
  eta                 timestamptz,
  delayed             boolean NOT NULL DEFAULT false,
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (planned_end > planned_start),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, vehicle_id) REFERENCES vehicles (org_id, id)
);
CREATE INDEX trips_by_org_created ON trips (org_id, created_at DESC, id DESC);
CREATE INDEX trips_by_org_status ON trips (org_id, status);
CREATE INDEX trips_by_org_vehicle ON trips (org_id, vehicle_id);
CREATE INDEX trips_active_by_driver ON trips (org_id, driver_id) WHERE status IN ('dispatched', 'in_transit');

-- One row per vehicle and instant: re-sending a position stores it once.
CREATE TABLE positions (
  vehicle_id   uuid NOT NULL,
  recorded_at  timestamptz NOT NULL,
  org_id       text NOT NULL,
  trip_id      uuid,
  lat          double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng          double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  speed_kmh    real CHECK (speed_kmh BETWEEN 0 AND 300),
  heading      real CHECK (heading >= 0 AND heading < 360),
  accuracy_m   real CHECK (accuracy_m >= 0),
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vehicle_id, recorded_at),
  FOREIGN KEY (org_id, vehicle_id) REFERENCES vehicles (org_id, id),
  FOREIGN KEY (org_id, trip_id) REFERENCES trips (org_id, id)
);
CREATE INDEX positions_by_trip ON positions (trip_id, recorded_at);
CREATE INDEX positions_by_age ON positions (recorded_at);

CREATE TABLE documents (
  id            uuid PRIMARY KEY,
  org_id        text NOT NULL,
  trip_id       uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('proof_of_delivery', 'invoice', 'photo', 'other')),
  content_type  text NOT NULL,
  size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
  object_key    text NOT NULL UNIQUE,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'uploaded')),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  uploaded_at   timestamptz,
  FOREIGN KEY (org_id, trip_id) REFERENCES trips (org_id, id)
);
CREATE INDEX documents_by_trip ON documents (org_id, trip_id, created_at);
