import { FormEvent, useState } from "react";
import { Session, cognitoLogin, localSignIn } from "../auth";
import type { RuntimeConfig } from "../config";
import { Notice, messageOf } from "../ui";

const ROLES = ["admin", "dispatcher", "driver", "viewer"];

export function SignIn({ config, onSignedIn }: { config: RuntimeConfig; onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<Session | void>) => {
    setBusy(true);
    setError(undefined);
    try {
      const session = await work();
      if (session) onSignedIn(session);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const failure = error ? (
    <Notice kind="error" title="Sign-in failed">
      {error}
    </Notice>
  ) : null;

  if (!config.devSignIn && config.cognito) {
    const cognito = config.cognito;
    return (
      <section className="sign-in" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">TMS</h1>
        <p>Sign in with your organisation's account.</p>
        <button type="button" disabled={busy} onClick={() => run(() => cognitoLogin(cognito).signinRedirect())}>
          Sign in
        </button>
        {failure}
      </section>
    );
  }

  const asUser = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get("email"));
    run(() => localSignIn({ email }));
  };
  const asRole = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    run(() => localSignIn({ org: String(form.get("org")), role: String(form.get("role")) }));
  };
  return (
    <section className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">TMS — local development sign-in</h1>
      <p>Only `npm run dev` offers this; a deployed site signs in with Cognito.</p>
      <form onSubmit={asRole} aria-label="Sign in with an organisation and a role">
        <label>
          Organisation <input name="org" required pattern="[A-Za-z0-9_\-]{1,64}" defaultValue="acme" />
        </label>
        <label>
          Role{" "}
          <select name="role" defaultValue="dispatcher">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy}>
          Sign in with this role
        </button>
      </form>
      <form onSubmit={asUser} aria-label="Sign in as an invited user">
        <label>
          Invited user's email <input name="email" type="email" required />
        </label>
        <button type="submit" disabled={busy}>
          Sign in as this user
        </button>
      </form>
      {failure}
    </section>
  );
}
