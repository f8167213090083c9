-- A vehicle's truck profile, for truck routing and snapping (Amazon Location).
-- Optional; the bounds are handlers/lib/vehicles.ts's TRUCK_LIMITS.
ALTER TABLE vehicles
  ADD COLUMN gross_weight_kg integer CHECK (gross_weight_kg BETWEEN 1 AND 100000),
  ADD COLUMN height_cm       integer CHECK (height_cm BETWEEN 100 AND 500),
  ADD COLUMN width_cm        integer CHECK (width_cm BETWEEN 100 AND 350),
  ADD COLUMN length_cm       integer CHECK (length_cm BETWEEN 200 AND 2500),
  ADD COLUMN axle_count      integer CHECK (axle_count BETWEEN 2 AND 20);
