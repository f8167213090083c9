/** Lambda entry point of the users function. */
import { databaseConfig, usersConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { cognitoDirectory } from "../lib/directory";
import { apiHandler } from "../lib/http";
import { usersOperations } from "./api";

export const handler = apiHandler("users", usersOperations, async () => {
  const config = usersConfig();
  return { db: createDb(databaseConfig()), directory: cognitoDirectory(config.userPoolId, config.region) };
});
