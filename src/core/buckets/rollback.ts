// Undoing a `bucket create` that failed (or was interrupted) after CreateBucket succeeded.
// A run deletes only a bucket it can prove it created and that is still empty: another
// run (or person) may have created the same name at the same moment, or written into it.
import {
  CreateBucketCommand,
  type CreateBucketCommandInput,
  DeleteBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { errorCodeOf, mapAwsError, unsupportedAnswer } from "../../aws/errors.js";

export interface RollbackResult {
  /** The bucket was deleted again. */
  deleted: boolean;
  /** Why it was left in place (when not deleted), in one sentence without a final stop. */
  reason?: string;
}

/**
 * Deletes the bucket that `createInput` created, if this run provably created it and it
 * is still empty; otherwise leaves it and says why.
 *
 * Proof: in us-east-1 S3 answers success to CreateBucket for a bucket you already own
 * (elsewhere, and on most S3-compatible servers, BucketAlreadyOwnedByYou). A second
 * CreateBucket tells which kind of endpoint this is: BucketAlreadyOwnedByYou means a
 * bucket that existed before would have been refused, so the first success was a creation.
 */
export async function rollbackCreatedBucket(
  s3: S3Client,
  createInput: CreateBucketCommandInput,
): Promise<RollbackResult> {
  const bucket = createInput.Bucket as string;
  try {
    await s3.send(new CreateBucketCommand(createInput));
    return {
      deleted: false,
      reason:
        "the endpoint answered success for a second CreateBucket of this existing bucket (S3 does so in us-east-1), so the first success does not prove that this run created it: another run may have created it at the same time",
    };
  } catch (err) {
    if (errorCodeOf(err) !== "BucketAlreadyOwnedByYou") {
      return {
        deleted: false,
        reason: `s3kit could not confirm that this run created it (a second CreateBucket answered ${describe(err, bucket)})`,
      };
    }
  }

  const content = await contentOf(s3, bucket);
  if (content !== undefined) return { deleted: false, reason: content };

  try {
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    return { deleted: true };
  } catch (err) {
    if (errorCodeOf(err) === "BucketNotEmpty") {
      return {
        deleted: false,
        reason: "it is not empty any more (someone wrote into it meanwhile)",
      };
    }
    if (errorCodeOf(err) === "NoSuchBucket") return { deleted: true };
    return { deleted: false, reason: `deleting it failed: ${describe(err, bucket)}` };
  }
}

/** Undefined when the bucket holds nothing; otherwise why it must stay. */
async function contentOf(s3: S3Client, bucket: string): Promise<string | undefined> {
  const notEmpty = "it is not empty any more (someone wrote into it meanwhile)";
  try {
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1 }));
    if ((versions.Versions?.length ?? 0) > 0 || (versions.DeleteMarkers?.length ?? 0) > 0)
      return notEmpty;
  } catch (err) {
    if (!unsupportedAnswer(err))
      return `s3kit could not check that it is empty (${describe(err, bucket)})`;
    try {
      const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
      if ((objects.KeyCount ?? objects.Contents?.length ?? 0) > 0) return notEmpty;
    } catch (listErr) {
      return `s3kit could not check that it is empty (${describe(listErr, bucket)})`;
    }
  }
  try {
    const uploads = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: 1 }),
    );
    if ((uploads.Uploads?.length ?? 0) > 0) {
      return "someone started a multipart upload into it meanwhile";
    }
  } catch (err) {
    // Servers without multipart listings have no uploads to lose either.
    if (!unsupportedAnswer(err))
      return `s3kit could not check for open multipart uploads (${describe(err, bucket)})`;
  }
  return undefined;
}

function describe(err: unknown, bucket: string): string {
  const mapped = mapAwsError(err, { bucket });
  return `${mapped.code}: ${mapped.message.replace(/[.!]$/, "")}`;
}
