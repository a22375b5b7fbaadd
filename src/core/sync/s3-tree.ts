import { setMaxListeners } from "node:events";
import { Readable } from "node:stream";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { withRetries } from "../concurrency.js";
import { ExitCode, S3kitError } from "../errors.js";
import { LIST_ENCODING, listedKey } from "../objects/list.js";
import { localPlacement } from "../objects/local-paths.js";
import { Channel } from "./channel.js";
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
  /** Folder paths below the prefix (ending in "/", sorted) to list from at once. */
  splits?: readonly string[] | undefined;
  signal?: AbortSignal;
}

export interface ObjectEntry extends TreeEntry {
  key: string;
  storageClass?: string | undefined;
}

/**
 * Every object under `prefix`, in S3's key order, checked: a server that lists out of
 * order would make the merge pair the wrong keys (and delete what it should keep), so an
 * out-of-order key stops the run before anything is deleted. Empty folder markers
 * (`photos/`, as the S3 console creates them) are left out.
 *
 * A listing is a chain of pages, each asked for with the previous one's token. With
 * `splits` (folder paths below the prefix, sorted), the key range is cut at them and the
 * pieces are listed at once (StartAfter), each a page or two ahead of the caller, then
 * read back in order: a listing of 10,000 keys in 4 pieces takes the time of 3 pages in a
 * row instead of 10.
 */
export async function* walkS3(
  s3: S3Client,
  bucket: string,
  prefix: string,
  options: S3WalkOptions = {},
): AsyncGenerator<ObjectEntry> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // Every request in flight listens to it.
  setMaxListeners(0, signal);
  const bounds = [undefined, ...(options.splits ?? []).filter((s) => s.endsWith("/"))];
  const ranges = bounds.map((from, i) =>
    listRange(s3, bucket, prefix, from, bounds[i + 1], signal),
  );
  let previous: string | undefined;
  try {
    for (const range of ranges) {
      for await (const page of range) {
        for (const o of page.contents) {
          const key = o.key;
          if (previous !== undefined && compareKeys(previous, key) >= 0) {
            throw new S3kitError({
              code: "ListingOutOfOrder",
              message: `The server listed s3://${bucket}/${key} after s3://${bucket}/${previous}, which is not S3's key order; nothing was deleted.`,
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
  } finally {
    // The caller stopped early (or failed): the pieces still listing stop too.
    stop.abort();
  }
}

/** Pages listed ahead of the caller, per piece. */
const PAGES_AHEAD = 2;

/**
 * The keys from `prefix + from` (inclusive) up to `prefix + until` (exclusive), decoded,
 * page by page, listed in the background up to PAGES_AHEAD pages ahead.
 */
function listRange(
  s3: S3Client,
  bucket: string,
  prefix: string,
  from: string | undefined,
  until: string | undefined,
  signal: AbortSignal,
): AsyncIterable<{ contents: ListedObjectXml[] }> {
  const pages = new Channel<{ contents: ListedObjectXml[] } | { error: unknown }>(PAGES_AHEAD);
  const first = from === undefined ? undefined : prefix + from;
  const last = until === undefined ? undefined : prefix + until;
  signal.addEventListener("abort", () => pages.close(), { once: true });
  void (async () => {
    try {
      let token: string | undefined;
      // StartAfter is exclusive: start just below `from` (a folder path ends in "/", and
      // "." sorts right before it); keys between that and `from` belong to the piece before.
      const startAfter = first === undefined ? undefined : `${first.slice(0, -1)}.`;
      for (;;) {
        const page = await withRetries(
          () =>
            listPage(
              s3,
              {
                Bucket: bucket,
                ...(prefix ? { Prefix: prefix } : {}),
                ...(token ? { ContinuationToken: token } : {}),
                ...(startAfter && !token ? { StartAfter: startAfter } : {}),
                EncodingType: LIST_ENCODING,
              },
              signal,
            ),
          { signal },
        );
        let ended = false;
        const contents: ListedObjectXml[] = [];
        for (const o of page.contents) {
          const key = listedKey(o.key, page.encodingType);
          if (first !== undefined && compareKeys(key, first) < 0) continue;
          if (last !== undefined && compareKeys(key, last) >= 0) {
            ended = true;
            break;
          }
          contents.push({ ...o, key });
        }
        await pages.push({ contents });
        token = page.isTruncated ? page.nextContinuationToken : undefined;
        if (ended || !token || signal.aborted) break;
      }
    } catch (err) {
      await pages.push({ error: err });
    } finally {
      pages.close();
    }
  })();
  return {
    async *[Symbol.asyncIterator]() {
      for await (const page of pages) {
        if ("error" in page) throw page.error;
        yield page;
      }
    },
  };
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
