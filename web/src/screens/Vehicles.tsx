import { FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError, Answer, Api } from "../api";
import { Notice, messageOf } from "../ui";

type Vehicle = Answer<"/api/vehicles", "get">["vehicles"][number];

export function Vehicles({ api, canEdit }: { api: Api; canEdit: boolean }) {
  const [vehicles, setVehicles] = useState<Vehicle[]>();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const load = useCallback(
    () =>
      api("get", "/api/vehicles")
        .then(({ body }) => setVehicles(body.vehicles))
        .catch((err) => setError(messageOf(err))),
    [api],
  );
  useEffect(() => void load(), [load]);

  const add = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const number = (name: string) => (data.get(name) ? Number(data.get(name)) : undefined);
    setSaving(true);
    setError(undefined);
    try {
      await api("post", "/api/vehicles", {
        body: { registration: String(data.get("registration")), grossWeightKg: number("grossWeightKg"), heightCm: number("heightCm") },
      });
      form.reset();
      await load();
    } catch (err) {
      setError(err instanceof ApiError && err.code === "duplicate_vehicle" ? err.message : messageOf(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="vehicles-title">
      <h1 id="vehicles-title">Vehicles</h1>
      {error ? (
        <Notice kind="error" title="Something went wrong">
          {error}
        </Notice>
      ) : null}
      {canEdit ? (
        <form onSubmit={add} aria-label="Add a vehicle" className="inline">
          <label>
            Registration <input name="registration" required pattern="[A-Za-z0-9][A-Za-z0-9 \-]{1,19}" />
          </label>
          <label>
            Gross weight (kg) <input name="grossWeightKg" type="number" min={1} max={100000} />
          </label>
          <label>
            Height (cm) <input name="heightCm" type="number" min={100} max={500} />
          </label>
          <button type="submit" disabled={saving}>
            Add vehicle
          </button>
        </form>
      ) : null}
      {!vehicles ? (
        <Notice kind="loading" title="Loading vehicles…" />
      ) : vehicles.length === 0 ? (
        <Notice kind="empty" title="No vehicles yet" />
      ) : (
        <ul className="list">
          {vehicles.map((v) => (
            <li key={v.id}>
              <strong>{v.registration}</strong>
              {v.grossWeightKg ? ` · ${v.grossWeightKg} kg` : ""}
              {v.heightCm ? ` · ${v.heightCm} cm high` : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
