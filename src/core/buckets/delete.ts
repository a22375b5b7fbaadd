// `bucket delete`: check what is in the bucket, and with --force empty it (every object
// version, delete marker and open multipart upload) before deleting it. Deletes go in
// batches of 1000 keys with several batches in flight while the listing continues.
import {
  AbortMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, mapAwsError } from "../../aws/errors.js";
import { TaskPool } from "../concurrency.js";
import { ConflictError, ExitCode, S3kitError } from "../errors.js";
import { requireBucket } from "../s3/head-bucket.js";

/** S3's limit for one DeleteObjects request. */
export const DELETE_BATCH_SIZE = 1000;
export const DEFAULT_DELETE_CONCURRENCY = 8;

export interface BucketContents {
  bucket: string;
  region: string;
  /** Versioning was enabled at some point (objects may have old versions and delete markers). */
  versioned: boolean;
  /** At least one object, version or delete marker. */
  hasObjects: boolean;
  hasUploads: boolean;
}

export interface DeleteProgress {
  /** Keys (versions and delete markers) found so far. */
  listed: number;
  deleted: number;
  /** All keys are listed: `listed` is the total. */
  listingDone: boolean;
  uploadsAborted: number;
}

export interface DeleteReport {
  bucket: string;
  region: string;
  deleted: true;
  /** Versioning was enabled at some point, so versions and delete markers were deleted. */
  versioned: boolean;
  /** Object versions deleted (current and noncurrent; plain objects in unversioned buckets). */
  objectsDeleted: number;
  deleteMarkersDeleted: number;
  uploadsAborted: number;
  seconds: number;
}

export interface DeleteOptions {
  force: boolean;
  concurrency?: number;
  onProgress?: (progress: DeleteProgress) => void;
}

/** Where the bucket is and whether anything is in it; exit 3 if it does not exist. */
export async function inspectBucket(aws: Aws, bucket: string): Promise<BucketContents> {
  const region = await requireBucket(aws, bucket);
  const s3 = await aws.s3();
  const [versioning, uploads] = await Promise.all([
    s3.send(new GetBucketVersioningCommand({ Bucket: bucket })),
    s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: 1 })),
  ]);
  const versioned = versioning.Status === "Enabled" || versioning.Status === "Suspended";
  return {
    bucket,
    region,
    versioned,
    hasObjects: await hasAnyObject(s3, bucket, versioned),
    hasUploads: (uploads.Uploads ?? []).length > 0,
  };
}

async function hasAnyObject(s3: S3Client, bucket: string, versioned: boolean): Promise<boolean> {
  if (versioned) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1 }));
    return (page.Versions ?? []).length + (page.DeleteMarkers ?? []).length > 0;
  }
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
  return (page.KeyCount ?? (page.Contents ?? []).length) > 0;
}

/** Deletes the bucket; without `force` a bucket with anything in it is a conflict (exit 5). */
export async function deleteBucket(
  aws: Aws,
  contents: BucketContents,
  options: DeleteOptions,
): Promise<DeleteReport> {
  const started = Date.now();
  const { bucket } = contents;
  assertDeletable(contents, options.force);
  const s3 = await aws.s3();
  const counts = { objects: 0, markers: 0, uploads: 0 };
  if (options.force) {
    // A second pass catches anything written while the first ran.
    let pass = 0;
    let remaining = contents.hasObjects || contents.hasUploads;
    while (remaining && pass < 3) {
      pass++;
      await Promise.all([
        emptyObjects(s3, bucket, contents.versioned, options, counts),
        abortUploads(s3, bucket, options, counts),
      ]);
      remaining = await hasAnyObject(s3, bucket, contents.versioned);
    }
  }
  try {
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (errorCodeOf(err) === "BucketNotEmpty") {
      throw notEmpty({ ...contents, hasObjects: true }, options.force);
    }
    throw mapAwsError(err, { bucket, operation: "DeleteBucket" });
  }
  return {
    bucket,
    region: contents.region,
    deleted: true,
    versioned: contents.versioned,
    objectsDeleted: counts.objects,
    deleteMarkersDeleted: counts.markers,
    uploadsAborted: counts.uploads,
    seconds: Math.round((Date.now() - started) / 10) / 100,
  };
}

/** Without --force, a bucket with anything in it cannot be deleted: a conflict (exit 5). */
export function assertDeletable(contents: BucketContents, force: boolean): void {
  if (!force && (contents.hasObjects || contents.hasUploads)) throw notEmpty(contents);
}

function notEmpty(contents: BucketContents, afterForce = false): ConflictError {
  const what = [
    contents.hasObjects ? (contents.versioned ? "object versions" : "objects") : "",
    contents.hasUploads ? "open multipart uploads" : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return new ConflictError(
    afterForce
      ? `Bucket ${contents.bucket} still has ${what} (something is writing to it while it is being emptied).`
      : `Bucket ${contents.bucket} is not empty: it has ${what}.`,
    afterForce
      ? "Stop the writers and run the command again."
      : `Delete it with everything in it: \`s3kit bucket delete ${contents.bucket} --force\`.`,
    "BucketNotEmpty",
  );
}

async function emptyObjects(
  s3: S3Client,
  bucket: string,
  versioned: boolean,
  options: DeleteOptions,
  counts: { objects: number; markers: number; uploads: number },
): Promise<void> {
  const pool = new TaskPool(options.concurrency ?? DEFAULT_DELETE_CONCURRENCY);
  const progress: DeleteProgress = {
    listed: 0,
    deleted: counts.objects + counts.markers,
    listingDone: false,
    uploadsAborted: counts.uploads,
  };
  const report = () => {
    progress.uploadsAborted = counts.uploads;
    options.onProgress?.({ ...progress });
  };
  let batch: { id: ObjectIdentifier; marker: boolean }[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    await pool.add(async () => {
      const out = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: items.map((i) => i.id), Quiet: true },
        }),
      );
      const errors = out.Errors ?? [];
      if (errors.length > 0) throw deleteErrors(bucket, errors);
      for (const item of items) {
        if (item.marker) counts.markers++;
        else counts.objects++;
      }
      progress.deleted += items.length;
      report();
    });
  };
  const push = async (item: { id: ObjectIdentifier; marker: boolean }) => {
    batch.push(item);
    progress.listed++;
    if (batch.length >= DELETE_BATCH_SIZE) await flush();
  };

  if (versioned) {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          MaxKeys: DELETE_BATCH_SIZE,
          ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker !== undefined ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      for (const v of page.Versions ?? []) {
        if (v.Key !== undefined)
          await push({ id: { Key: v.Key, VersionId: v.VersionId ?? "null" }, marker: false });
      }
      for (const m of page.DeleteMarkers ?? []) {
        if (m.Key !== undefined)
          await push({ id: { Key: m.Key, VersionId: m.VersionId ?? "null" }, marker: true });
      }
      report();
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
  } else {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          MaxKeys: DELETE_BATCH_SIZE,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) await push({ id: { Key: o.Key }, marker: false });
      }
      report();
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  await flush();
  progress.listingDone = true;
  report();
  await pool.drain();
}

async function abortUploads(
  s3: S3Client,
  bucket: string,
  options: DeleteOptions,
  counts: { uploads: number },
): Promise<void> {
  const pool = new TaskPool(options.concurrency ?? DEFAULT_DELETE_CONCURRENCY);
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
        ...(uploadIdMarker !== undefined ? { UploadIdMarker: uploadIdMarker } : {}),
      }),
    );
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId) continue;
      const { Key, UploadId } = upload;
      await pool.add(async () => {
        try {
          await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
        } catch (err) {
          // Completed or aborted meanwhile: nothing left to do.
          if (errorCodeOf(err) !== "NoSuchUpload") throw err;
        }
        counts.uploads++;
      });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  await pool.drain();
}

function deleteErrors(
  bucket: string,
  errors: { Key?: string; VersionId?: string; Code?: string; Message?: string }[],
): S3kitError {
  const first = errors[0] as { Key?: string; Code?: string; Message?: string };
  const denied = errors.every((e) => e.Code === "AccessDenied");
  return new S3kitError({
    code: denied ? "AccessDenied" : (first.Code ?? "DeleteObjectsFailed"),
    message: `Could not delete ${errors.length} object${errors.length === 1 ? "" : "s"} from ${bucket}; the first, ${first.Key}: ${first.Code ?? "error"} (${first.Message ?? "no message"}).`,
    hint: denied
      ? `Find out why with \`s3kit policy debug --bucket ${bucket} --action s3:DeleteObject s3:DeleteObjectVersion\` (a bucket policy Deny, or Object Lock, can block deletes).`
      : "Run the command again; if it keeps failing, run it with --debug.",
    exitCode: denied ? ExitCode.accessDenied : ExitCode.failure,
  });
}
