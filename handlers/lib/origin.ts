/**
 * Only CloudFront may call the API: where the stack has a WAF, CloudFront adds
 * a secret header to every request it forwards, and the functions refuse
 * requests without it (403), so the execute-api URL cannot be used to go
 * around the WAF and the security headers.
 *
 * The secret holds two values, `{"a": "...", "b": "..."}`; CloudFront sends one
 * and either is accepted, so one can be replaced while the other is in use
 * (docs/operations.md, "Rotating the origin secret"). A value that matches
 * neither makes the container read the secret again, at most every
 * REREAD_AFTER_MS, so a rotated value is picked up without a restart.
 */
import { createHash, timingSafeEqual } from "crypto";
import { HttpError } from "./errors";
import { forgetSecret, getSecret } from "./secrets";

export const ORIGIN_HEADER = "x-origin-verify";
export const REREAD_AFTER_MS = 30_000;

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
const same = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

export function originGuard(secretArn: string, now: () => number = Date.now) {
  let readAt = now();
  const accepted = async () =>
    Object.values(JSON.parse(await getSecret(secretArn)) as Record<string, string>).filter((v) => typeof v === "string" && v.length > 0);
  const matches = async (given: string) => (await accepted()).reduce((found, value) => same(given, value) || found, false);

  return async (headers: Record<string, string>): Promise<void> => {
    const given = headers[ORIGIN_HEADER] ?? "";
    if (given && (await matches(given))) return;
    if (given && now() - readAt >= REREAD_AFTER_MS) {
      forgetSecret(secretArn);
      readAt = now();
      if (await matches(given)) return;
    }
    throw new HttpError(403, "direct_access_forbidden", "call the API through the site's address, not the API Gateway URL");
  };
}
