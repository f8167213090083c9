import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgsError, policyDocument } from "./common";
import { MAP_STYLES, MapStyle } from "../rules/functions";
import { ArgProblem } from "../rules/problems";

export interface MapAccessArgs {
  /** Prefix of every physical name. @example "tms-prod" */
  namePrefix: string;
  /** The region whose Amazon Location maps the app shows. @example "ap-south-1" */
  region: pulumi.Input<string>;
  /**
   * The user pool whose signed-in users may read map tiles: its issuer URL
   * (the identity pool's provider name is the URL without `https://`) and the
   * SPA's app client.
   * @example { issuerUrl: auth.issuerUrl, clientId: auth.clientId }
   */
  userPool: { issuerUrl: pulumi.Input<string>; clientId: pulumi.Input<string> };
  /** The map style. @default "Standard" */
  style?: MapStyle;
}

/**
 * Map tiles for the web app without a secret in its bundle: a Cognito
 * identity pool that exchanges a signed-in user's ID token for short-lived
 * credentials of a role that may only read Amazon Location's map tiles
 * (geo-maps:GetTile on the AWS-managed provider). Style descriptors, glyphs
 * and sprites are public and fetched unsigned. Nobody signed out gets
 * credentials: the pool refuses unauthenticated identities, and the role's
 * trust names this pool (`aud`) and signed-in identities (`amr`) only.
 *
 * Why not a Location API key restricted to the site's referrers: referrers are
 * a header any client can set, the key would be readable by anyone who loads
 * the page, and @pulumi/aws has no resource for Location API keys.
 */
export class MapAccess extends pulumi.ComponentResource {
  public readonly identityPoolId: pulumi.Output<string>;
  /** The user pool, as the identity pool names it in a client's `Logins`. */
  public readonly loginProvider: pulumi.Output<string>;
  /** The style descriptor MapLibre loads. */
  public readonly styleUrl: pulumi.Output<string>;
  /** Where the app's map requests go, for the site's CSP: the tile endpoint and Cognito's identity endpoint. */
  public readonly origins: pulumi.Output<string>[];

  constructor(name: string, args: MapAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:maps:MapAccess", name, {}, opts);
    const style = normalize(args);

    const loginProvider = pulumi.output(args.userPool.issuerUrl).apply((url) => url.replace(/^https:\/\//, ""));
    const pool = new aws.cognito.IdentityPool(
      `${name}-identities`,
      {
        // Identity pool names allow letters, digits, spaces and _+=,.@- ; underscores keep it portable.
        identityPoolName: `${args.namePrefix.replace(/-/g, "_")}_map_readers`,
        allowUnauthenticatedIdentities: false,
        // Only the enhanced flow: Cognito picks the role; clients cannot ask for another.
        allowClassicFlow: false,
        cognitoIdentityProviders: [
          {
            providerName: loginProvider,
            clientId: args.userPool.clientId,
            // A user signed out everywhere (or disabled) gets no new credentials.
            serverSideTokenCheck: true,
          },
        ],
      },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-readers`,
      {
        name: `${args.namePrefix}-map-readers`,
        description: "Signed-in users of the web app, through the identity pool: map tiles, nothing else",
        maxSessionDuration: 3600,
        assumeRolePolicy: pool.id.apply((poolId) =>
          policyDocument([
            {
              Effect: "Allow",
              Principal: { Federated: "cognito-identity.amazonaws.com" },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: { "cognito-identity.amazonaws.com:aud": poolId },
                "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
              },
            },
          ]),
        ),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-readers`,
      {
        name: "map-tiles",
        role: role.name,
        policy: pulumi
          .output(args.region)
          .apply((region) => policyDocument([{ Effect: "Allow", Action: "geo-maps:GetTile", Resource: `arn:aws:geo-maps:${region}::provider/default` }])),
      },
      { parent: this },
    );
    new aws.cognito.IdentityPoolRoleAttachment(`${name}-roles`, { identityPoolId: pool.id, roles: { authenticated: role.arn } }, { parent: this });

    this.identityPoolId = pool.id;
    this.loginProvider = loginProvider;
    const maps = pulumi.interpolate`https://maps.geo.${args.region}.amazonaws.com`;
    this.styleUrl = pulumi.interpolate`${maps}/v2/styles/${style}/descriptor`;
    this.origins = [maps, pulumi.interpolate`https://cognito-identity.${args.region}.amazonaws.com`];
    this.registerOutputs({ identityPoolId: this.identityPoolId, styleUrl: this.styleUrl });
  }
}

function normalize(args: MapAccessArgs): MapStyle {
  const problems: ArgProblem[] = [];
  const style = args.style ?? "Standard";
  if (!MAP_STYLES.includes(style)) problems.push({ path: ["style"], message: `got ${JSON.stringify(style)}; expected one of ${MAP_STYLES.join(", ")}` });
  if (!/^[a-z0-9-]+$/.test(args.namePrefix)) problems.push({ path: ["namePrefix"], message: "lowercase letters, digits and hyphens only" });
  if (problems.length > 0) throw new InvalidArgsError("MapAccess", problems);
  return style;
}
