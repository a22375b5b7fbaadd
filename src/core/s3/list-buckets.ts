// The account's buckets, page by page: one ListBuckets pager for every command.
import { ListBucketsCommand, type S3Client } from "@aws-sdk/client-s3";
import { httpStatusOf } from "../../aws/errors.js";

export interface ListedBucket {
  name: string;
  /** When the endpoint says (AWS does; older endpoints do not). */
  region?: string;
  created?: Date;
}

/** Every bucket of the account (whose name starts with `prefix`), as S3 pages them. */
export async function* listBuckets(
  s3: S3Client,
  options: { prefix?: string; signal?: AbortSignal } = {},
): AsyncGenerator<ListedBucket> {
  const sendOptions = options.signal ? { abortSignal: options.signal as never } : {};
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListBucketsCommand({
        ...(options.prefix ? { Prefix: options.prefix } : {}),
        ...(token ? { ContinuationToken: token } : {}),
      }),
      sendOptions,
    );
    for (const b of page.Buckets ?? []) {
      if (!b.Name) continue;
      yield {
        name: b.Name,
        ...(b.BucketRegion ? { region: b.BucketRegion } : {}),
        ...(b.CreationDate ? { created: b.CreationDate } : {}),
      };
    }
    token = page.ContinuationToken;
  } while (token);
}

/**
 * Whether the bucket belongs to the caller's account: ListBuckets shows only your own
 * buckets, while HeadBucket also succeeds on another account's bucket that grants you
 * access. `undefined` when the list is not allowed (no s3:ListAllMyBuckets).
 */
export async function isOwnBucket(s3: S3Client, bucket: string): Promise<boolean | undefined> {
  try {
    for await (const listed of listBuckets(s3, { prefix: bucket })) {
      if (listed.name === bucket) return true;
    }
    return false;
  } catch (err) {
    if (httpStatusOf(err) === 403) return undefined;
    throw err;
  }
}
