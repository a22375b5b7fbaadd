import { GetBucketLocationCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { mapConcurrently } from "../concurrency.js";

export interface BucketSummary {
  name: string;
  /** `null` when the region could not be read (e.g. no s3:GetBucketLocation permission). */
  region: string | null;
  /** ISO 8601. */
  creationDate: string | null;
}

/** Every bucket of the account with its region and creation date, sorted by name. */
export async function listBuckets(aws: Aws): Promise<BucketSummary[]> {
  const s3 = await aws.s3();
  const raw: { name: string; region?: string | undefined; created?: Date | undefined }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListBucketsCommand(token ? { ContinuationToken: token } : {}));
    for (const b of page.Buckets ?? []) {
      if (b.Name) raw.push({ name: b.Name, region: b.BucketRegion, created: b.CreationDate });
    }
    token = page.ContinuationToken;
  } while (token);

  // Older endpoints do not say each bucket's region; ask for the missing ones.
  const buckets = await mapConcurrently(raw, 16, async (b) => {
    let region: string | null = b.region ?? null;
    if (!region) {
      try {
        const out = await s3.send(new GetBucketLocationCommand({ Bucket: b.name }));
        const location = out.LocationConstraint as string | undefined;
        region = !location ? "us-east-1" : location === "EU" ? "eu-west-1" : location;
      } catch {
        region = null;
      }
    }
    return { name: b.name, region, creationDate: b.created ? b.created.toISOString() : null };
  });
  return buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
