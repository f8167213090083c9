/** Small pieces every screen uses: a notice for loading, empty and error states, and relative times. */
import type { ReactNode } from "react";

export function Notice({ kind, title, children }: { kind: "loading" | "empty" | "error" | "conflict"; title: string; children?: ReactNode }) {
  return (
    <div className={`notice ${kind}`} role={kind === "error" || kind === "conflict" ? "alert" : "status"}>
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

/** "3 min ago", for staleness. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
