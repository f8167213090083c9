/**
 * Secrets Manager values, fetched once per container and kept in memory. The
 * SDK is loaded on first use: functions that never read a secret (and local
 * runs) never pay for it.
 */
import { Cached, cachedUntilFailure } from "./once";

const cache = new Map<string, Cached<string>>();

export type SecretReader = (secretId: string) => Promise<string>;

const readFromSecretsManager: SecretReader = async (secretId) => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const result = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  if (result.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
  return result.SecretString;
};

let reader: SecretReader = readFromSecretsManager;

/** For tests: where secrets come from. */
export function setSecretReader(next: SecretReader): void {
  reader = next;
  cache.clear();
}

export function getSecret(secretId: string): Promise<string> {
  let secret = cache.get(secretId);
  if (!secret) cache.set(secretId, (secret = cachedUntilFailure(() => reader(secretId))));
  return secret.get();
}

/** Forget a cached secret, e.g. after the database rejected a rotated password. */
export function forgetSecret(secretId: string): void {
  cache.delete(secretId);
}
