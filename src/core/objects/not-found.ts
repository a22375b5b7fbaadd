import type { S3Client } from "@aws-sdk/client-s3";
import { isNotFound } from "../../aws/errors.js";
import { NotFoundError } from "../errors.js";
import { bucketNameProblems } from "../s3/bucket-names.js";
import { headBucket } from "../s3/head-bucket.js";

/** HeadObject says only "404": tell a missing object from a missing bucket. */
export async function notFoundOr(
  err: unknown,
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<unknown> {
  if (!isNotFound(err)) return err;
  // Only a missing bucket changes the answer; a lookup that fails says nothing.
  const bucketMissing = await headBucket(s3, bucket).then(
    (presence) => presence.status === "missing",
    () => false,
  );
  if (bucketMissing) {
    // A name today's rules refuse can only be an old us-east-1 bucket: most often a typo.
    const legacy = bucketNameProblems(bucket).length > 0;
    return new NotFoundError(
      `The bucket ${bucket} does not exist.`,
      legacy
        ? "Check the name (buckets created since 2018 have lowercase names, without underscores); list your buckets with `s3kit ls`."
        : "Check the name; list your buckets with `s3kit ls`.",
      "NoSuchBucket",
    );
  }
  const parent = key.includes("/") ? key.slice(0, key.lastIndexOf("/") + 1) : "";
  return new NotFoundError(
    `s3://${bucket}/${key} does not exist.`,
    `Check the key; list what is there with \`s3kit ls s3://${bucket}/${parent}\`.`,
    "NoSuchKey",
  );
}
