/**
 * Signing in. On AWS: Cognito's hosted (managed) login with the authorization
 * code flow and PKCE, through oidc-client-ts. The app sends the **ID token**
 * to the API: only it carries `custom:org_id`, which scopes every request.
 * Under `npm run dev`: the dev server's local sign-in, which issues a
 * development token that only the dev server accepts.
 */
import { UserManager, WebStorageStateStore } from "oidc-client-ts";
import type { RuntimeConfig } from "./config";

export interface Session {
  idToken: string;
  /** The token's claims, for display only: the API decides from the verified token. */
  claims: { sub: string; email?: string; orgId: string; roles: string[] };
  expiresAt: number;
}

const STORAGE_KEY = "tms.session";

function claimsOf(idToken: string): Session["claims"] & { exp: number } {
  const payload = JSON.parse(atob(idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  const groups = payload["cognito:groups"];
  return {
    sub: payload.sub,
    email: payload.email,
    orgId: payload["custom:org_id"],
    roles: Array.isArray(groups) ? groups : [],
    exp: payload.exp,
  };
}

export function sessionFrom(idToken: string): Session {
  const { exp, ...claims } = claimsOf(idToken);
  return { idToken, claims, expiresAt: exp * 1000 };
}

export function storedSession(): Session | undefined {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  return session.expiresAt > Date.now() ? session : undefined;
}

export function keepSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** Cognito's hosted login; its discovery document lacks a sign-out endpoint, so it is given here. */
export function cognitoLogin(config: NonNullable<RuntimeConfig["cognito"]>): UserManager {
  const site = `${window.location.origin}/`;
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: site,
    post_logout_redirect_uri: site,
    response_type: "code",
    scope: "openid email profile",
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    metadataSeed: { end_session_endpoint: `https://${config.domain}/logout` },
  });
}

/** Finishes a hosted-login redirect, if this page load is one; the session it yields, else undefined. */
export async function completeCognitoSignIn(manager: UserManager): Promise<Session | undefined> {
  const params = new URLSearchParams(window.location.search);
  if (!params.has("code") || !params.has("state")) return undefined;
  const user = await manager.signinRedirectCallback();
  window.history.replaceState({}, "", "/");
  return user.id_token ? sessionFrom(user.id_token) : undefined;
}

/** The dev server's local sign-in: as an invited user (email) or an ad-hoc one (organisation and role). */
export async function localSignIn(who: { email: string } | { org: string; role: string }): Promise<Session> {
  const res = await fetch("/local/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(who) });
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? "sign-in failed");
  return sessionFrom(body.token);
}
