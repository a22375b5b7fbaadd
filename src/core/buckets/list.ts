import type { Aws } from "../../aws/clients.js";
import { mapConcurrently } from "../concurrency.js";
import { bucketLocation } from "../s3/head-bucket.js";
import { type ListedBucket, listBuckets } from "../s3/list-buckets.js";

export interface BucketSummary {
  name: string;
  /** `null` when the region could not be read (e.g. no s3:GetBucketLocation permission). */
  region: string | null;
  /** ISO 8601. */
  creationDate: string | null;
}

/** Every bucket of the account with its region and creation date, sorted by name (`bucket list`). */
export async function bucketSummaries(aws: Aws): Promise<BucketSummary[]> {
  const s3 = await aws.s3();
  const listed: ListedBucket[] = [];
  for await (const bucket of listBuckets(s3)) listed.push(bucket);

  // Older endpoints do not say each bucket's region; ask for the missing ones.
  const buckets = await mapConcurrently(listed, 16, async (b) => ({
    name: b.name,
    region: b.region ?? (await bucketLocation(s3, b.name).catch(() => null)),
    creationDate: b.created ? b.created.toISOString() : null,
  }));
  return buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
