import {
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ExitCode, S3kitError } from "../errors.js";
import { withRetries } from "../objects/limiter.js";
import { LIST_ENCODING, listedKey } from "../objects/list.js";
import { localPlacement } from "../objects/local-paths.js";
import { compareKeys } from "./order.js";
import type { TreeEntry } from "./tree.js";

export interface S3WalkOptions {
  /** Paths (below the prefix) to leave out. */
  include?: (rel: string) => boolean;
  /**
   * The other side is a folder: a key that is not a file path as it stands (`a//b`,
   * `a/./b`, `a/../b`, a trailing `/` on an object with data) is unusable, since it would
   * be stored under another name (and be mistaken for that name on the next run).
   */
  localNames?: boolean;
  signal?: AbortSignal;
}

export interface ObjectEntry extends TreeEntry {
  key: string;
  storageClass?: string | undefined;
}

/**
 * Every object under `prefix`, in S3's key order, checked: a server that lists out of
 * order would make the merge pair the wrong keys (and delete what it should keep), so an
 * out-of-order key stops the run before anything is changed. The next page is asked for
 * as soon as one arrives, so the listing runs while the caller compares.
 * Empty folder markers (`photos/`, as the S3 console creates them) are left out.
 */
export async function* walkS3(
  s3: S3Client,
  bucket: string,
  prefix: string,
  options: S3WalkOptions = {},
): AsyncGenerator<ObjectEntry> {
  const fetchPage = (token: string | undefined) =>
    withRetries(
      () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(prefix ? { Prefix: prefix } : {}),
            ...(token ? { ContinuationToken: token } : {}),
            EncodingType: LIST_ENCODING,
          }),
          options.signal ? { abortSignal: options.signal as never } : {},
        ),
      options.signal ? { signal: options.signal } : {},
    );
  let pending: Promise<ListObjectsV2CommandOutput> | undefined = fetchPage(undefined);
  let previous: string | undefined;
  while (pending) {
    const page: ListObjectsV2CommandOutput = await pending;
    const token = page.IsTruncated ? page.NextContinuationToken : undefined;
    pending = token ? fetchPage(token) : undefined;
    // An unread prefetch must not fail unobserved when the caller stops early.
    pending?.catch(() => {});
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      const key = listedKey(o.Key, page.EncodingType);
      if (previous !== undefined && compareKeys(previous, key) >= 0) {
        throw new S3kitError({
          code: "ListingOutOfOrder",
          message: `The server listed s3://${bucket}/${key} after s3://${bucket}/${previous}, which is not S3's key order; nothing was changed.`,
          hint: "sync compares two sorted listings and cannot trust this one. Use `s3kit cp --recursive` with this server, or report the listing order to its maintainers.",
          exitCode: ExitCode.failure,
        });
      }
      previous = key;
      if (!key.startsWith(prefix)) continue;
      const rel = key.slice(prefix.length);
      const size = o.Size ?? 0;
      if (rel === "" || (key.endsWith("/") && size === 0)) continue;
      if (options.include && !options.include(rel)) continue;
      const entry: ObjectEntry = {
        rel,
        key,
        size,
        mtimeMs: o.LastModified?.getTime() ?? 0,
        etag: o.ETag,
        storageClass: o.StorageClass,
      };
      if (options.localNames) {
        const unusable = unmappable(rel);
        if (unusable) entry.unusable = unusable;
      }
      yield entry;
    }
  }
}

/** Why a key (below the prefix) is not a file path as it stands, or undefined if it is. */
export function unmappable(rel: string): string | undefined {
  const placement = localPlacement(rel);
  if ("unsafe" in placement) return placement.unsafe;
  if (placement.path !== rel) {
    return `the key is not a file path as it stands (it would be the file ${placement.path}); sync leaves it alone`;
  }
  return undefined;
}
