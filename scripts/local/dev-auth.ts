/**
 * Development tokens: HS256 JWTs signed with a secret that exists only on this
 * machine. Only the local dev server verifies them. They carry the issuer
 * `tms-local-dev`, which the deployed API's Cognito authorizer refuses, and the
 * Lambda functions never read tokens at all, so they cannot open anything real.
 */
import { createHmac, randomBytes, timingSafeEqual } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROLES, Role } from "../../handlers/routes";

export const DEV_ISSUER = "tms-local-dev";
const SECRET_FILE = path.resolve(__dirname, "..", "..", ".tms-dev", "jwt-secret");

/** TMS_DEV_JWT_SECRET, or a random secret kept in .tms-dev/ (git-ignored). */
export function devSecret(): string {
  if (process.env.TMS_DEV_JWT_SECRET) return process.env.TMS_DEV_JWT_SECRET;
  if (!fs.existsSync(SECRET_FILE)) {
    fs.mkdirSync(path.dirname(SECRET_FILE), { recursive: true });
    fs.writeFileSync(SECRET_FILE, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return fs.readFileSync(SECRET_FILE, "utf8").trim();
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const sign = (data: string, secret: string) => createHmac("sha256", secret).update(data).digest("base64url");

export function signDevToken(
  claims: { org: string; role: Role; roles?: readonly Role[]; sub?: string; email?: string; ttlSeconds?: number },
  secret = devSecret(),
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: DEV_ISSUER,
    sub: claims.sub ?? `${claims.role}@${claims.org}`,
    "custom:org_id": claims.org,
    "cognito:groups": claims.roles ?? [claims.role],
    ...(claims.email ? { email: claims.email } : {}),
    iat: now,
    exp: now + (claims.ttlSeconds ?? 8 * 3600),
  };
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return `${unsigned}.${sign(unsigned, secret)}`;
}

/** The token's claims, or an error saying why it is refused. */
export function verifyDevToken(token: string, secret = devSecret()): Record<string, unknown> {
  const [header, payload, signature, extra] = token.split(".");
  if (!header || !payload || !signature || extra !== undefined) throw new Error("malformed token");
  const expected = Buffer.from(sign(`${header}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new Error("bad signature");
  const { alg } = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  if (alg !== "HS256") throw new Error("unexpected algorithm");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  if (claims.iss !== DEV_ISSUER) throw new Error("not a local development token");
  if (typeof claims.exp !== "number" || claims.exp < Date.now() / 1000) throw new Error("expired");
  return claims;
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
