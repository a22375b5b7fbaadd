import { Readable } from "node:stream";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { ExitCode, S3kitError } from "../errors.js";
import { withRetries } from "../objects/limiter.js";
import { LIST_ENCODING, listedKey } from "../objects/list.js";
import { localPlacement } from "../objects/local-paths.js";
import { type ListedObjectXml, type ListedPageXml, parseListPage } from "./list-page.js";
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
        listPage(
          s3,
          {
            Bucket: bucket,
            ...(prefix ? { Prefix: prefix } : {}),
            ...(token ? { ContinuationToken: token } : {}),
            EncodingType: LIST_ENCODING,
          },
          options.signal,
        ),
      options.signal ? { signal: options.signal } : {},
    );
  let pending: Promise<ListedPageXml> | undefined = fetchPage(undefined);
  let previous: string | undefined;
  while (pending) {
    const page: ListedPageXml = await pending;
    const token = page.isTruncated ? page.nextContinuationToken : undefined;
    pending = token ? fetchPage(token) : undefined;
    // An unread prefetch must not fail unobserved when the caller stops early.
    pending?.catch(() => {});
    for (const o of page.contents) {
      const key = listedKey(o.key, page.encodingType);
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
      const size = o.size;
      if (rel === "" || (key.endsWith("/") && size === 0)) continue;
      if (options.include && !options.include(rel)) continue;
      const entry: ObjectEntry = {
        rel,
        key,
        size,
        mtimeMs: o.lastModifiedMs ?? 0,
        etag: o.etag,
        storageClass: o.storageClass,
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

/**
 * One ListObjectsV2 page. The SDK sends it (signing, retries, errors as usual); a 200
 * answer is read by parseListPage, and the SDK's own reader gets an empty document
 * instead, unless parseListPage does not recognise the answer.
 */
async function listPage(
  s3: S3Client,
  input: ConstructorParameters<typeof ListObjectsV2Command>[0],
  signal: AbortSignal | undefined,
): Promise<ListedPageXml> {
  const command = new ListObjectsV2Command(input);
  let fast: ListedPageXml | undefined;
  const readPage =
    (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      if (response.statusCode === 200 && response.body instanceof Readable) {
        const chunks: Buffer[] = [];
        for await (const chunk of response.body) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        fast = parseListPage(text);
        response.body = Readable.from([Buffer.from(fast ? EMPTY_LISTING : text)]);
      }
      return result;
    };
  command.middlewareStack.addRelativeTo(readPage as never, {
    relation: "after",
    toMiddleware: "deserializerMiddleware",
    name: "s3kitListPage",
  });
  const output = await s3.send(command, signal ? { abortSignal: signal as never } : {});
  if (fast) return fast;
  return {
    contents: (output.Contents ?? []).flatMap((o): ListedObjectXml[] =>
      o.Key === undefined
        ? []
        : [
            {
              key: o.Key,
              size: o.Size ?? 0,
              etag: o.ETag,
              lastModifiedMs: o.LastModified?.getTime(),
              storageClass: o.StorageClass,
            },
          ],
    ),
    isTruncated: output.IsTruncated === true,
    nextContinuationToken: output.NextContinuationToken,
    encodingType: output.EncodingType,
  };
}

const EMPTY_LISTING = "<ListBucketResult></ListBucketResult>";
