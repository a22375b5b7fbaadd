import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { listBuckets } from "../s3/list-buckets.js";

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

/**
 * Listings ask S3 for URL-encoded keys (`EncodingType=url`, as the AWS CLI does): XML 1.0
 * cannot carry every character a key may hold, and parsers turn a carriage return into a
 * line feed, so the key read back would not be the key stored. Servers that ignore the
 * request say so by leaving EncodingType out of the answer, and their keys are taken as
 * they come.
 */
export const LIST_ENCODING = "url";

/** A key or prefix from a listing, decoded when the listing encoded it. */
export function listedKey(value: string, encodingType: string | undefined): string {
  return encodingType === LIST_ENCODING ? decodeListingValue(value) : value;
}

/**
 * S3 encodes like an HTML form (a space may be "+", a "+" is always "%2B"); the bytes
 * are UTF-8. A "%" not followed by two hex digits is kept as it is.
 */
function decodeListingValue(value: string): string {
  if (!value.includes("%") && !value.includes("+")) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    const hex = char === "%" ? value.slice(i + 1, i + 3) : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (char === "+") {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(char, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Every bucket of the account, page by page, as `ls` shows them. */
export async function* bucketEntries(aws: Aws, signal?: AbortSignal): AsyncGenerator<BucketEntry> {
  for await (const b of listBuckets(await aws.s3(), signal ? { signal } : {})) {
    yield {
      type: "bucket",
      name: b.name,
      creationDate: b.created?.toISOString() ?? null,
      ...(b.region ? { region: b.region } : {}),
    };
  }
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
        EncodingType: LIST_ENCODING,
      }),
      options.signal ? { abortSignal: options.signal as never } : {},
    );
    const entries: (ListingEntry & { sortKey: string })[] = [];
    for (const p of page.CommonPrefixes ?? []) {
      if (!p.Prefix) continue;
      const prefix = listedKey(p.Prefix, page.EncodingType);
      entries.push({ type: "prefix", prefix, sortKey: prefix });
    }
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      const key = listedKey(o.Key, page.EncodingType);
      entries.push({
        type: "object",
        key,
        size: o.Size ?? 0,
        lastModified: o.LastModified?.toISOString() ?? null,
        etag: o.ETag ?? null,
        storageClass: o.StorageClass ?? "STANDARD",
        sortKey: key,
      });
    }
    entries.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { sortKey: _, ...entry } of entries) yield entry as ListingEntry;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
