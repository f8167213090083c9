/**
 * The shell: loads /config.json, signs in, and shows the screens the user's
 * roles allow. Navigation is by the URL's hash, so every screen has an
 * address, works with the back button, and needs no server routing.
 */
import { ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Api, createApi } from "./api";
import { Session, cognitoLogin, completeCognitoSignIn, keepSession, sessionFrom, storedSession } from "./auth";
import { RuntimeConfig, loadConfig } from "./config";
import { DriverMode } from "./screens/DriverMode";
import { FleetMap } from "./screens/FleetMap";
import { SignIn } from "./screens/SignIn";
import { TripDetail } from "./screens/TripDetail";
import { BaseMapContext, BaseMapSettings } from "./screens/TrackMap";
import { TripsBoard } from "./screens/TripsBoard";
import { Users } from "./screens/Users";
import { Vehicles } from "./screens/Vehicles";
import { Notice } from "./ui";

type Screen = { id: string; label: string; roles: string[]; render: (api: Api, session: Session, param?: string) => ReactNode };

const SCREENS: Screen[] = [
  { id: "fleet", label: "Fleet map", roles: ["admin", "dispatcher", "viewer"], render: (api) => <FleetMap api={api} /> },
  {
    id: "trips",
    label: "Trips",
    roles: ["admin", "dispatcher", "viewer"],
    render: (api, s, tripId) =>
      tripId ? (
        <TripDetail api={api} tripId={tripId} canEdit={hasAny(s, "admin", "dispatcher")} />
      ) : (
        <TripsBoard api={api} canEdit={hasAny(s, "admin", "dispatcher")} />
      ),
  },
  {
    id: "vehicles",
    label: "Vehicles",
    roles: ["admin", "dispatcher", "viewer"],
    render: (api, s) => <Vehicles api={api} canEdit={hasAny(s, "admin", "dispatcher")} />,
  },
  { id: "driver", label: "My trip", roles: ["driver"], render: (api) => <DriverMode api={api} /> },
  { id: "users", label: "Users", roles: ["admin"], render: (api) => <Users api={api} /> },
];

const hasAny = (session: Session, ...roles: string[]) => session.claims.roles.some((r) => roles.includes(r));
const currentHash = () => window.location.hash.replace(/^#\/?/, "");

export function App() {
  const [config, setConfig] = useState<RuntimeConfig>();
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const [failure, setFailure] = useState<string>();
  const [hash, setHash] = useState(currentHash);

  useEffect(() => {
    loadConfig()
      .then(async (loaded) => {
        setConfig(loaded);
        // `npm run dev` only: a development token handed over in the URL (the Lighthouse report opens pages signed in this way).
        const handedOver = loaded.devSignIn ? new URLSearchParams(window.location.search).get("devToken") : null;
        if (handedOver) {
          signIn(sessionFrom(handedOver));
          window.history.replaceState({}, "", `/${window.location.hash}`);
        }
        if (loaded.cognito) {
          const signedIn = await completeCognitoSignIn(cognitoLogin(loaded.cognito));
          if (signedIn) signIn(signedIn);
        }
      })
      .catch((err: Error) => setFailure(err.message));
    const onHash = () => setHash(currentHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const signIn = useCallback((next: Session) => {
    keepSession(next);
    setSession(next);
  }, []);

  const signOut = useCallback(async () => {
    keepSession(undefined);
    setSession(undefined);
    if (config?.cognito) {
      const site = `${window.location.origin}/`;
      await cognitoLogin(config.cognito).signoutRedirect({ extraQueryParams: { client_id: config.cognito.clientId, logout_uri: site } });
    }
  }, [config]);

  const api = useMemo(() => createApi(config?.apiBase ?? "", () => session?.idToken), [config, session]);
  // The base map lives as long as the signed-in user; it asks for the current ID token whenever it needs credentials.
  const idToken = useRef(session?.idToken);
  idToken.current = session?.idToken;
  const signedInAs = session?.claims.sub;
  const baseMap = useMemo<BaseMapSettings | undefined>(
    () => (config?.map && signedInAs ? { ...config.map, idToken: () => idToken.current ?? "" } : undefined),
    [config, signedInAs],
  );

  if (failure)
    return (
      <Notice kind="error" title="The app could not start">
        {failure}
      </Notice>
    );
  if (!config) return <Notice kind="loading" title="Loading…" />;
  if (!session) return <SignIn config={config} onSignedIn={signIn} />;

  const allowed = SCREENS.filter((s) => hasAny(session, ...s.roles));
  const [screenId, param] = hash.split("/");
  const screen = allowed.find((s) => s.id === screenId) ?? allowed[0];
  return (
    <div className="shell">
      <header>
        <strong className="brand">TMS</strong>
        <nav aria-label="Screens">
          {allowed.map((s) => (
            <a key={s.id} href={`#/${s.id}`} aria-current={s === screen ? "page" : undefined}>
              {s.label}
            </a>
          ))}
        </nav>
        <span className="who">
          {session.claims.email ?? session.claims.sub} · {session.claims.orgId} · {session.claims.roles.join(", ")}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <BaseMapContext.Provider value={baseMap}>
          {screen ? screen.render(api, session, screen.id === screenId ? param : undefined) : <Notice kind="empty" title="Nothing for your roles yet" />}
        </BaseMapContext.Provider>
      </main>
    </div>
  );
}
