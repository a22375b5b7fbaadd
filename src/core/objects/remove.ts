import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { httpStatusOf } from "../../aws/errors.js";
import { TaskPool, withRetries } from "../concurrency.js";
import { fitsInXml } from "../s3/keys.js";
import type { S3Location } from "../s3/location.js";
import { LIST_ENCODING, listedKey } from "./list.js";
import { notFoundOr } from "./not-found.js";

/** DeleteObjects takes at most 1,000 keys a call. */
export const DELETE_BATCH = 1000;
/** DeleteObjects calls in flight at once. */
export const DELETE_CONCURRENCY = 4;

export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

export interface RemovalResult {
  location: string;
  dryRun: boolean;
  deleted: number;
  failed: DeleteFailure[];
  keys?: string[];
}

/**
 * Deletes one object. S3 answers "deleted" even for a key that never existed, so the
 * object is looked up first: a typo is reported (exit 3), not silently accepted.
 */
export async function removeObject(
  aws: Aws,
  location: S3Location,
  options: { dryRun: boolean },
): Promise<RemovalResult> {
  const s3 = await aws.s3();
  try {
    await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
  } catch (err) {
    // Without s3:GetObject the lookup is denied; the delete itself may still be allowed.
    if (httpStatusOf(err) !== 403) throw await notFoundOr(err, s3, location.bucket, location.key);
  }
  const url = `s3://${location.bucket}/${location.key}`;
  if (options.dryRun)
    return { location: url, dryRun: true, deleted: 0, failed: [], keys: [location.key] };
  await s3.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: location.key }));
  return { location: url, dryRun: false, deleted: 1, failed: [] };
}

/** The keys under a prefix, one page (up to 1,000 keys) at a time. */
export async function* keyPages(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<string[]> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        ...(prefix ? { Prefix: prefix } : {}),
        ...(token ? { ContinuationToken: token } : {}),
        EncodingType: LIST_ENCODING,
      }),
      signal ? { abortSignal: signal as never } : {},
    );
    const keys = (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined ? [] : [listedKey(o.Key, page.EncodingType)],
    );
    if (keys.length > 0) yield keys;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export interface RemovalPlan {
  s3: S3Client;
  bucket: string;
  prefix: string;
  /** Keys on the first page, to show and count before asking. */
  firstPage: string[];
  /** Whether there are more pages after the first. */
  more: boolean;
  /** All pages, starting with the first. */
  pages: AsyncGenerator<string[]>;
}

/** Lists the first page under a prefix, so the caller can say how much will go before it goes. */
export async function planRemoval(
  aws: Aws,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<RemovalPlan> {
  const s3 = await aws.s3();
  const iterator = keyPages(s3, bucket, prefix, signal);
  const first = await iterator.next();
  const firstPage = first.done ? [] : first.value;
  // A page is at most 1,000 keys; a full page probably has more after it.
  const more = firstPage.length >= DELETE_BATCH;
  async function* pages(): AsyncGenerator<string[]> {
    if (firstPage.length > 0) yield firstPage;
    if (!first.done) yield* iterator;
  }
  return { s3, bucket, prefix, firstPage, more, pages: pages() };
}

/**
 * Deletes every key the plan lists: one DeleteObjects per 1,000 keys, several in flight
 * while the listing goes on. Keys S3 refuses are collected, not fatal.
 */
export async function removeAll(
  plan: RemovalPlan,
  options: {
    dryRun: boolean;
    signal?: AbortSignal;
    concurrency?: number;
    onBatch?: (keys: readonly string[], failed: readonly DeleteFailure[]) => void;
  },
): Promise<RemovalResult> {
  const location = `s3://${plan.bucket}/${plan.prefix}`;
  const failed: DeleteFailure[] = [];
  let deleted = 0;
  if (options.dryRun) {
    const keys: string[] = [];
    for await (const page of plan.pages) {
      keys.push(...page);
      options.onBatch?.(page, []);
    }
    return { location, dryRun: true, deleted: 0, failed, keys };
  }
  const pool = new TaskPool(options.concurrency ?? DELETE_CONCURRENCY);
  const requestOptions = options.signal ? { abortSignal: options.signal as never } : {};
  const retryOptions = options.signal ? { signal: options.signal } : {};
  // A key XML 1.0 cannot carry goes in the URL of its own DeleteObject instead.
  const deleteOneByOne = async (keys: string[]) => {
    const errors: DeleteFailure[] = [];
    for (const key of keys) {
      try {
        await withRetries(
          () =>
            plan.s3.send(
              new DeleteObjectCommand({ Bucket: plan.bucket, Key: key }),
              requestOptions,
            ),
          retryOptions,
        );
      } catch (err) {
        if (options.signal?.aborted) throw err;
        const e = err as { name?: string; message?: string };
        errors.push({ key, code: e.name ?? "Error", message: e.message ?? "" });
      }
    }
    failed.push(...errors);
    deleted += keys.length - errors.length;
    options.onBatch?.(keys, errors);
  };
  const deleteBatch = async (keys: string[]) => {
    const output = await withRetries(
      () =>
        plan.s3.send(
          new DeleteObjectsCommand({
            Bucket: plan.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
          requestOptions,
        ),
      retryOptions,
    );
    const errors = (output.Errors ?? []).map((e) => ({
      key: e.Key ?? "",
      code: e.Code ?? "Error",
      message: e.Message ?? "",
    }));
    failed.push(...errors);
    deleted += keys.length - errors.length;
    options.onBatch?.(keys, errors);
  };
  for await (const listed of plan.pages) {
    const page = listed.filter(fitsInXml);
    for (let i = 0; i < page.length; i += DELETE_BATCH) {
      const batch = page.slice(i, i + DELETE_BATCH);
      await pool.add(() => deleteBatch(batch));
    }
    const unfit = listed.filter((key) => !fitsInXml(key));
    if (unfit.length > 0) await pool.add(() => deleteOneByOne(unfit));
    if (pool.failed) break;
  }
  await pool.drain();
  return { location, dryRun: false, deleted, failed };
}
