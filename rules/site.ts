/**
 * How the web app is served, wherever it is served from: the content type of
 * each file and the Content-Security-Policy. The Edge sets them on CloudFront
 * and S3; `npm run dev` sends the same, so a CSP the app breaks shows up
 * locally (and in the end-to-end run) before it does on a deployed stack.
 */
import * as path from "path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  // MapLibre's worker is an ES module file: browsers refuse module workers served as anything but JavaScript.
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The app's CSP: its own origin, plus the origins it calls (`connectOrigins`:
 * Cognito, the documents bucket, the map's tiles and identity pool). Workers
 * (MapLibre's) come from the app's own files.
 */
export function contentSecurityPolicy(connectOrigins: string[]): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ${connectOrigins.join(" ")}`.trim(),
    "worker-src 'self'",
    "img-src 'self' data: blob: https:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}
