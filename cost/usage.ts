/**
 * What a stack is used for, per month: the assumptions every usage-driven
 * price is multiplied by. One committed file per stack (cost/usage.<stack>.yaml),
 * so a reviewer sees the assumptions next to the estimate, and a change to
 * them shows in the pull request like any other.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const count = () => z.number().finite().min(0);

export const usageSchema = z.strictObject({
  /** Vehicles sharing positions on a typical day. */
  activeVehicles: count(),
  /** Hours a day each of them shares positions (the driver app sends a batch every 15 s while sharing). */
  sharingHoursPerVehicle: count().max(24),
  /** Trips created a day. */
  tripsPerDay: count(),
  /** Documents uploaded a month (proofs of delivery, photos), and their average size. */
  documentsPerMonth: count(),
  averageDocumentMb: count(),
  /** Months documents are kept (S3 storage grows to this many months' uploads). */
  documentRetentionMonths: count(),
  /** Distinct users signing in in a month (Cognito's monthly active users). */
  monthlyActiveUsers: count(),
  /** Hours a day someone has the fleet map open (it polls every 10 s and loads map tiles). */
  fleetMapHoursPerDay: count().max(24 * 1000),
  /** Map tiles loaded per hour of an open map (panning and zooming). */
  mapTilesPerHour: count(),
  /** Average Lambda duration per request, in milliseconds. */
  averageDurationMs: count(),
  /** Log data ingested a month, in GB, across functions, the database, the API and flow logs. */
  logsGbPerMonth: count(),
  /** The web app's data served by CloudFront a month, in GB, and its requests. */
  webGbPerMonth: count(),
  webRequestsPerMonth: count(),
  /** Data through the NAT gateways a month, in GB (the functions' calls to AWS APIs outside the VPC). */
  natGbPerMonth: count(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A usage file that cannot be read or is wrong. Exit status 2, naming the file and the field. */
export class UsageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageFileError";
  }
}

export const usageFileOf = (stack: string) => path.resolve(__dirname, `usage.${stack}.yaml`);

export function readUsageFile(file: string): Usage {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageFileError(`cannot read usage file ${file}: ${(err as Error).message}`);
  }
  const parsed = usageSchema.safeParse(doc);
  if (!parsed.success)
    throw new UsageFileError(
      `usage file ${file} is not valid:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n")}`,
    );
  return parsed.data;
}

const DAYS = 30;

/** The monthly quantities the usage-driven prices apply to, derived from the assumptions (each formula says how). */
export function monthlyVolumes(u: Usage) {
  const geocodes = u.tripsPerDay * 2 * DAYS; // both ends of each trip
  const routes = u.tripsPerDay * DAYS; // one truck route per trip
  // Requests to each function: a position batch every 15 s while sharing and a fleet poll every 10 s while the map is open
  // (tracking); about 20 calls over a trip's life and, per document, a presigned upload, a confirmation and a download (trips);
  // a geocode or a route each (maps); ten a month per user (users). The jobs function's come from the plan's schedules.
  const requests = {
    tracking: u.activeVehicles * u.sharingHoursPerVehicle * 240 * DAYS + u.fleetMapHoursPerDay * 360 * DAYS,
    trips: u.tripsPerDay * 20 * DAYS + u.documentsPerMonth * 3,
    maps: geocodes + routes,
    users: u.monthlyActiveUsers * 10,
  };
  return {
    requests,
    apiRequests: requests.tracking + requests.trips + requests.maps + requests.users,
    geocodes,
    routes,
    // Each trip's track is snapped when it is viewed, about twice.
    snaps: u.tripsPerDay * 2 * DAYS,
    mapTiles: u.fleetMapHoursPerDay * u.mapTilesPerHour * DAYS,
    documentGbStored: (u.documentsPerMonth * u.averageDocumentMb * u.documentRetentionMonths) / 1024,
    documentGbUploaded: (u.documentsPerMonth * u.averageDocumentMb) / 1024,
    documentPuts: u.documentsPerMonth,
    documentGets: u.documentsPerMonth,
    // Every upload and download of a document is a data event of the access audit.
    documentDataEvents: u.documentsPerMonth * 2,
  };
}
export type Volumes = ReturnType<typeof monthlyVolumes>;
