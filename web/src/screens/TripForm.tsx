/**
 * A trip's plan: reference, from, to and the planned times. One form creates
 * a trip (empty) and edits one (filled in); the caller sends what it returns.
 */
import type { FormEvent, ReactNode } from "react";
import type { Trip } from "../trips";

export interface TripPlan {
  reference?: string;
  origin: Trip["origin"];
  destination: Trip["destination"];
  plannedStart: string;
  plannedEnd: string;
}

/** An ISO timestamp as a datetime-local input's value, in the browser's time zone. */
const localInput = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export function TripForm({
  label,
  trip,
  submitLabel,
  onSubmit,
  children,
}: {
  label: string;
  trip?: Trip;
  submitLabel: string;
  onSubmit: (plan: TripPlan, form: HTMLFormElement, data: FormData) => void;
  /** More fields (the vehicle, on a new trip). */
  children?: ReactNode;
}) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const place = (prefix: string) => ({ address: String(d.get(`${prefix}Address`)), lat: Number(d.get(`${prefix}Lat`)), lng: Number(d.get(`${prefix}Lng`)) });
    onSubmit(
      {
        reference: String(d.get("reference")) || undefined,
        origin: place("origin"),
        destination: place("destination"),
        plannedStart: new Date(String(d.get("plannedStart"))).toISOString(),
        plannedEnd: new Date(String(d.get("plannedEnd"))).toISOString(),
      },
      e.currentTarget,
      d,
    );
  };
  return (
    <form onSubmit={submit} aria-label={label}>
      <label>
        Reference <input name="reference" maxLength={64} defaultValue={trip?.reference ?? ""} />
      </label>
      <PlaceFields legend="From" prefix="origin" place={trip?.origin} />
      <PlaceFields legend="To" prefix="destination" place={trip?.destination} />
      <label>
        Planned start <input name="plannedStart" type="datetime-local" required defaultValue={trip ? localInput(trip.plannedStart) : undefined} />
      </label>
      <label>
        Planned end <input name="plannedEnd" type="datetime-local" required defaultValue={trip ? localInput(trip.plannedEnd) : undefined} />
      </label>
      {children}
      <button type="submit">{submitLabel}</button>
    </form>
  );
}

function PlaceFields({ legend, prefix, place }: { legend: string; prefix: "origin" | "destination"; place?: Trip["origin"] }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <label>
        Address <input name={`${prefix}Address`} required maxLength={300} defaultValue={place?.address} />
      </label>
      <label>
        Latitude <input name={`${prefix}Lat`} type="number" step="any" min={-90} max={90} required defaultValue={place?.lat} />
      </label>
      <label>
        Longitude <input name={`${prefix}Lng`} type="number" step="any" min={-180} max={180} required defaultValue={place?.lng} />
      </label>
    </fieldset>
  );
}
