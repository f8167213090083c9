import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { ROLES } from "../handlers/routes";
import { awsContext } from "./common";

export type MfaMode = "OFF" | "OPTIONAL" | "ON";
export type ThreatProtection = "off" | "audit" | "enforced";

export interface AuthArgs {
  /** Prefix of every physical name. @example "tms-prod" */
  namePrefix: string;
  /**
   * TOTP multi-factor authentication.
   * @default "OPTIONAL"
   */
  mfa?: MfaMode;
  /**
   * Refuse deletion of the user pool.
   * @default false
   */
  deletionProtection?: boolean;
  /**
   * Cognito threat protection (adaptive authentication, compromised
   * credentials). Anything but "off" needs the Plus feature plan, billed per user.
   * @default "off"
   */
  threatProtection?: ThreatProtection;
  /**
   * Where the hosted sign-in may send users back (the SPA). Without any, the
   * client allows SRP sign-in only, with no hosted-UI redirect flow.
   * @example ["https://tms.example.in/"]
   */
  callbackUrls?: pulumi.Input<string>[];
  /**
   * Send Cognito's email (invitations, codes) through Amazon SES instead of
   * Cognito's default sender, which allows only about 50 emails a day per
   * account. `sesIdentity` is a verified SES domain or address in this region;
   * `from` must be at it. `npm run preflight` checks the identity is verified
   * and the account is out of the SES sandbox. Omit for the default sender.
   * @example { from: "TMS <no-reply@tms.example.in>", sesIdentity: "tms.example.in" }
   */
  email?: { from: string; sesIdentity: string };
  /** Token lifetimes. @default { accessMinutes: 60, idMinutes: 60, refreshDays: 30 } */
  tokenValidity?: { accessMinutes?: number; idMinutes?: number; refreshDays?: number };
}

/**
 * Users of the TMS: a Cognito user pool with email sign-in, a strong password
 * policy, TOTP MFA, an immutable `org_id` per user (the tenant), one group per
 * role, and an app client for the SPA (no secret, authorization code + PKCE).
 */
export class Auth extends pulumi.ComponentResource {
  public readonly userPoolId: pulumi.Output<string>;
  public readonly userPoolArn: pulumi.Output<string>;
  public readonly clientId: pulumi.Output<string>;
  /** The JWT issuer the API's authorizer trusts. */
  public readonly issuerUrl: pulumi.Output<string>;
  public readonly hostedDomain: pulumi.Output<string>;

  constructor(name: string, args: AuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:auth:Auth", name, {}, opts);
    const mfa = args.mfa ?? "OPTIONAL";
    const threat = args.threatProtection ?? "off";
    const validity = { accessMinutes: 60, idMinutes: 60, refreshDays: 30, ...args.tokenValidity };
    const { accountId, region } = awsContext(this);

    const pool = new aws.cognito.UserPool(
      `${name}-users`,
      {
        name: `${args.namePrefix}-users`,
        usernameAttributes: ["email"],
        autoVerifiedAttributes: ["email"],
        usernameConfiguration: { caseSensitive: false },
        // A business system: administrators invite users into their organisation.
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        passwordPolicy: {
          minimumLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: true,
          temporaryPasswordValidityDays: 3,
        },
        emailConfiguration: args.email
          ? {
              emailSendingAccount: "DEVELOPER",
              fromEmailAddress: args.email.from,
              sourceArn: pulumi.interpolate`arn:aws:ses:${region}:${accountId}:identity/${args.email.sesIdentity}`,
            }
          : { emailSendingAccount: "COGNITO_DEFAULT" },
        mfaConfiguration: mfa,
        softwareTokenMfaConfiguration: mfa === "OFF" ? undefined : { enabled: true },
        accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
        schemas: [
          // The tenant: set when the user is created, never changed afterwards.
          { name: "org_id", attributeDataType: "String", mutable: false, required: false, stringAttributeConstraints: { minLength: "1", maxLength: "64" } },
        ],
        deletionProtection: args.deletionProtection ? "ACTIVE" : "INACTIVE",
        userPoolTier: threat === "off" ? "ESSENTIALS" : "PLUS",
        userPoolAddOns: threat === "off" ? undefined : { advancedSecurityMode: threat === "audit" ? "AUDIT" : "ENFORCED" },
      },
      { parent: this, protect: args.deletionProtection },
    );

    for (const role of ROLES) {
      new aws.cognito.UserGroup(`${name}-${role}`, { userPoolId: pool.id, name: role, description: `TMS ${role}s` }, { parent: this });
    }

    const hostedUi = (args.callbackUrls ?? []).length > 0;
    const client = new aws.cognito.UserPoolClient(
      `${name}-spa`,
      {
        name: `${args.namePrefix}-spa`,
        userPoolId: pool.id,
        // A browser app cannot keep a secret: public client, PKCE on the code flow.
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        allowedOauthFlowsUserPoolClient: hostedUi,
        allowedOauthFlows: hostedUi ? ["code"] : undefined,
        allowedOauthScopes: hostedUi ? ["openid", "email", "profile"] : undefined,
        supportedIdentityProviders: ["COGNITO"],
        callbackUrls: hostedUi ? args.callbackUrls : undefined,
        logoutUrls: hostedUi ? args.callbackUrls : undefined,
        accessTokenValidity: validity.accessMinutes,
        idTokenValidity: validity.idMinutes,
        refreshTokenValidity: validity.refreshDays,
        tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
        readAttributes: ["email", "email_verified", "custom:org_id"],
        // Users may not move themselves to another organisation.
        writeAttributes: ["email"],
      },
      { parent: this },
    );

    const domain = new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      { domain: pulumi.interpolate`${args.namePrefix}-${accountId}`, userPoolId: pool.id },
      { parent: this },
    );

    this.userPoolId = pool.id;
    this.userPoolArn = pool.arn;
    this.clientId = client.id;
    this.issuerUrl = pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${pool.id}`;
    this.hostedDomain = pulumi.interpolate`${domain.domain}.auth.${region}.amazoncognito.com`;
    this.registerOutputs({ userPoolId: this.userPoolId, clientId: this.clientId, issuerUrl: this.issuerUrl, hostedDomain: this.hostedDomain });
  }
}
