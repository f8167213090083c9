/** The runtime settings the program writes next to the app as /config.json: one build serves every stack. */
export interface RuntimeConfig {
  /** Where the API is: "" for the same origin (CloudFront sends /api/* to it). */
  apiBase: string;
  region: string;
  /** Cognito's hosted sign-in; absent in `npm run dev`, which signs in locally. */
  cognito?: { authority: string; clientId: string; domain: string };
  /**
   * Amazon Location's base map: its style, and the identity pool that turns
   * the signed-in user's ID token (from `loginProvider`, the user pool) into
   * credentials for tiles. Without it the map is drawn on a plain background.
   */
  map?: { styleUrl: string; identityPoolId: string; loginProvider: string };
  /** Only `npm run dev` sets this: a local sign-in replaces Cognito. */
  devSignIn?: boolean;
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const res = await fetch("/config.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`the site's /config.json could not be read (${res.status})`);
  return (await res.json()) as RuntimeConfig;
}
