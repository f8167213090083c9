/** Documents: the reference's lifecycle, the storage classes, and the checks of both. */
import { ArgProblem } from "./problems";

/** The reference's lifecycle ("S3 Lifecycle Rules"). */
export const DOCUMENT_LIFECYCLE_DEFAULTS = {
  intelligentTieringAfterDays: 0,
  glacierAfterDays: 90,
  noncurrentVersionExpirationDays: 30,
  abortIncompleteUploadAfterDays: 7,
  /** The replica keeps old versions longer than the primary: it is where a version lost there is found. */
  replicaNoncurrentVersionExpirationDays: 90,
};

/**
 * "Glacier after 90 days" in the class that still serves a GET at once:
 * Glacier Flexible Retrieval needs a restore first, so every presigned link to
 * an older proof of delivery would fail with 403 InvalidObjectState.
 */
export const ARCHIVE_STORAGE_CLASS = "GLACIER_IR";
/**
 * Replicas land in Standard-IA: read only in a disaster, so infrequent-access
 * pricing fits, and its 30-day minimum is shorter than the replica's version retention.
 */
export const REPLICA_STORAGE_CLASS = "STANDARD_IA";

/** Problems with a documents lifecycle, by path within it. */
export function lifecycleProblems(lifecycle: Partial<typeof DOCUMENT_LIFECYCLE_DEFAULTS> = {}): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const l = { ...DOCUMENT_LIFECYCLE_DEFAULTS, ...lifecycle };
  if (l.glacierAfterDays <= l.intelligentTieringAfterDays) {
    problems.push({ path: ["glacierAfterDays"], message: `expected more than intelligentTieringAfterDays (${l.intelligentTieringAfterDays})` });
  }
  if (l.noncurrentVersionExpirationDays < 1) problems.push({ path: ["noncurrentVersionExpirationDays"], message: "expected at least 1" });
  if (l.replicaNoncurrentVersionExpirationDays < l.noncurrentVersionExpirationDays) {
    problems.push({
      path: ["replicaNoncurrentVersionExpirationDays"],
      message: `expected at least noncurrentVersionExpirationDays (${l.noncurrentVersionExpirationDays}): the replica is where lost versions are found`,
    });
  }
  return problems;
}

/** A replica must live in another region than the bucket it copies; by path within `{ replicaRegion }`. */
export function replicaRegionProblems(replicaRegion: string | undefined, homeRegion: string): ArgProblem[] {
  return replicaRegion === homeRegion ? [{ path: ["replicaRegion"], message: `expected a region other than the bucket's own (${homeRegion})` }] : [];
}
