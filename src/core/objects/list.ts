import { ListBucketsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";

export interface BucketEntry {
  type: "bucket";
  name: string;
  creationDate: string | null;
  region?: string;
}

export interface ObjectEntry {
  type: "object";
  key: string;
  size: number;
  lastModified: string | null;
  etag: string | null;
  storageClass: string;
}

export interface PrefixEntry {
  type: "prefix";
  prefix: string;
}

export type ListingEntry = ObjectEntry | PrefixEntry;

/** Every bucket of the account, page by page. */
export async function* listBuckets(aws: Aws, signal?: AbortSignal): AsyncGenerator<BucketEntry> {
  const s3 = await aws.s3();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListBucketsCommand({ ...(token ? { ContinuationToken: token } : {}) }),
      signal ? { abortSignal: signal as never } : {},
    );
    for (const b of page.Buckets ?? []) {
      if (!b.Name) continue;
      yield {
        type: "bucket",
        name: b.Name,
        creationDate: b.CreationDate?.toISOString() ?? null,
        ...(b.BucketRegion ? { region: b.BucketRegion } : {}),
      };
    }
    token = page.ContinuationToken;
  } while (token);
}

/**
 * The objects under a prefix, page by page as S3 returns them (so long listings stream).
 * Without `recursive`, keys are grouped at the next `/` into prefixes, like folders.
 */
export async function* listObjects(
  aws: Aws,
  location: { bucket: string; key: string },
  options: { recursive: boolean; signal?: AbortSignal },
): AsyncGenerator<ListingEntry> {
  const s3 = await aws.s3();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: location.bucket,
        ...(location.key ? { Prefix: location.key } : {}),
        ...(options.recursive ? {} : { Delimiter: "/" }),
        ...(token ? { ContinuationToken: token } : {}),
      }),
      options.signal ? { abortSignal: options.signal as never } : {},
    );
    const entries: (ListingEntry & { sortKey: string })[] = [];
    for (const p of page.CommonPrefixes ?? []) {
      if (p.Prefix) entries.push({ type: "prefix", prefix: p.Prefix, sortKey: p.Prefix });
    }
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      entries.push({
        type: "object",
        key: o.Key,
        size: o.Size ?? 0,
        lastModified: o.LastModified?.toISOString() ?? null,
        etag: o.ETag ?? null,
        storageClass: o.StorageClass ?? "STANDARD",
        sortKey: o.Key,
      });
    }
    entries.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { sortKey: _, ...entry } of entries) yield entry as ListingEntry;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
