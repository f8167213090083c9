/**
 * Who is calling, from the claims API Gateway's JWT authorizer verified. The
 * Lambda never reads an Authorization header itself: a token reaches it only
 * through the authorizer, so no token the authorizer would refuse (such as a
 * local development token) can ever be accepted here.
 */
import { ROLES, Role } from "../routes";
import { forbidden, unauthorized } from "./errors";

export interface AuthContext {
  userId: string;
  orgId: string;
  roles: Role[];
  /** The verified token's `email` claim, when it has one. */
  email?: string;
}

type Claims = Record<string, unknown>;

/**
 * `cognito:groups` arrives as an array, a JSON array string, or (from the HTTP
 * API authorizer) a bracketed, space-separated string: "[admin dispatcher]".
 */
function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string" || value.trim() === "") return [];
  const text = value.trim();
  if (text.startsWith('["')) {
    try {
      return (JSON.parse(text) as unknown[]).map(String);
    } catch {
      /* fall through to the bracketed form */
    }
  }
  return text
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function authContextFrom(claims: Claims | undefined): AuthContext {
  // Cognito's subjects are UUIDs; anything unprintable cannot be a subject this API stores.
  if (!claims || typeof claims.sub !== "string" || !/^[\x21-\x7e]{1,128}$/.test(claims.sub)) throw unauthorized();
  const orgId = claims["custom:org_id"];
  if (typeof orgId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(orgId)) throw forbidden("the caller belongs to no organisation");
  const roles = groupsOf(claims["cognito:groups"]).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  const email = typeof claims.email === "string" && /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(claims.email) ? claims.email : undefined;
  return { userId: claims.sub, orgId, roles, ...(email ? { email } : {}) };
}

export function requireRole(auth: AuthContext, allowed: readonly Role[]): void {
  if (!auth.roles.some((role) => allowed.includes(role))) throw forbidden(`requires one of the roles: ${allowed.join(", ")}`);
}

export const hasRole = (auth: AuthContext, ...roles: Role[]) => auth.roles.some((r) => roles.includes(r));
