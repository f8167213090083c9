/**
 * Secrets Manager values, fetched once per container and kept in memory. The
 * SDK is loaded on first use: functions that never read a secret (and local
 * runs) never pay for it.
 */
const cache = new Map<string, Promise<string>>();

export type SecretReader = (secretId: string) => Promise<string>;

const readFromSecretsManager: SecretReader = async (secretId) => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const result = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  if (result.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
  return result.SecretString;
};

let reader: SecretReader = readFromSecretsManager;

/** For tests and local runs: where secrets come from. */
export function setSecretReader(next: SecretReader): void {
  reader = next;
  cache.clear();
}

export function getSecret(secretId: string): Promise<string> {
  let value = cache.get(secretId);
  if (!value) {
    value = reader(secretId);
    // A failed fetch must not stick: the next call tries again (unless a newer fetch replaced it).
    const fetched = value;
    fetched.catch(() => {
      if (cache.get(secretId) === fetched) cache.delete(secretId);
    });
    cache.set(secretId, value);
  }
  return value;
}

/** Forget a cached secret, e.g. after the database rejected a rotated password. */
export function forgetSecret(secretId: string): void {
  cache.delete(secretId);
}
