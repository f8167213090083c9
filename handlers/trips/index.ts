/** Lambda entry point of the trips function: vehicles, trips, documents, health. */
import { databaseConfig, documentsConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { apiHandler } from "../lib/http";
import { S3DocumentStorage } from "../lib/s3";
import { TripsDeps, tripsOperations } from "./api";

export const handler = apiHandler("trips", tripsOperations, async (): Promise<TripsDeps> => {
  const uploads = documentsConfig();
  return { db: createDb(databaseConfig()), documents: await S3DocumentStorage.create(uploads.bucket), uploads };
});
