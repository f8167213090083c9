/**
 * Where users are created and their groups kept: Cognito in AWS, an in-memory
 * stand-in for `npm run dev` and the tests. Both answer the same way,
 * including a taken email (UserExistsError).
 */
import { randomUUID } from "crypto";
import type { Role } from "../routes";

export class UserExistsError extends Error {
  constructor(email: string) {
    super(`a user with the email ${email} already exists`);
    this.name = "UserExistsError";
  }
}

export interface UserDirectory {
  /** Creates the user in `orgId` (set once, never changed) and emails the invitation; resolves with the user's subject. */
  invite(user: { email: string; name?: string; orgId: string }): Promise<string>;
  addToGroups(sub: string, roles: readonly Role[]): Promise<void>;
  removeFromGroups(sub: string, roles: readonly Role[]): Promise<void>;
  setEnabled(sub: string, enabled: boolean): Promise<void>;
}

/** Cognito, through the actions the contract grants the users function (rules/functions.ts). */
export function cognitoDirectory(userPoolId: string, region: string): UserDirectory {
  let loaded: Promise<{
    sdk: typeof import("@aws-sdk/client-cognito-identity-provider");
    client: import("@aws-sdk/client-cognito-identity-provider").CognitoIdentityProviderClient;
  }>;
  const cognito = () =>
    (loaded ??= import("@aws-sdk/client-cognito-identity-provider").then((sdk) => ({ sdk, client: new sdk.CognitoIdentityProviderClient({ region }) })));
  return {
    async invite({ email, name, orgId }) {
      const { sdk, client } = await cognito();
      try {
        const { User } = await client.send(
          new sdk.AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            DesiredDeliveryMediums: ["EMAIL"],
            UserAttributes: [
              { Name: "email", Value: email },
              { Name: "email_verified", Value: "true" },
              { Name: "custom:org_id", Value: orgId },
              ...(name ? [{ Name: "name", Value: name }] : []),
            ],
          }),
        );
        const sub = User?.Attributes?.find((a) => a.Name === "sub")?.Value;
        if (!sub) throw new Error("Cognito created the user without returning its sub");
        return sub;
      } catch (err) {
        if ((err as Error).name === "UsernameExistsException") throw new UserExistsError(email);
        throw err;
      }
    },
    async addToGroups(sub, roles) {
      const { sdk, client } = await cognito();
      for (const role of roles) await client.send(new sdk.AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: sub, GroupName: role }));
    },
    async removeFromGroups(sub, roles) {
      const { sdk, client } = await cognito();
      for (const role of roles) await client.send(new sdk.AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: sub, GroupName: role }));
    },
    async setEnabled(sub, enabled) {
      const { sdk, client } = await cognito();
      await client.send(
        enabled
          ? new sdk.AdminEnableUserCommand({ UserPoolId: userPoolId, Username: sub })
          : new sdk.AdminDisableUserCommand({ UserPoolId: userPoolId, Username: sub }),
      );
    },
  };
}

/** The local stand-in: users live in memory, as Cognito would hold them. */
export function localDirectory(): UserDirectory & { users: Map<string, { email: string; orgId: string; groups: Set<Role>; enabled: boolean }> } {
  const users = new Map<string, { email: string; orgId: string; groups: Set<Role>; enabled: boolean }>();
  const find = (sub: string) => {
    const user = users.get(sub);
    if (!user) throw new Error(`no user ${sub}`);
    return user;
  };
  return {
    users,
    async invite({ email, orgId }) {
      if ([...users.values()].some((u) => u.email.toLowerCase() === email.toLowerCase())) throw new UserExistsError(email);
      const sub = randomUUID();
      users.set(sub, { email, orgId, groups: new Set(), enabled: true });
      return sub;
    },
    async addToGroups(sub, roles) {
      roles.forEach((r) => find(sub).groups.add(r));
    },
    async removeFromGroups(sub, roles) {
      roles.forEach((r) => find(sub).groups.delete(r));
    },
    async setEnabled(sub, enabled) {
      find(sub).enabled = enabled;
    },
  };
}
