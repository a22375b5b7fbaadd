import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { httpStatusOf } from "../../aws/errors.js";
import type { S3Location } from "../s3/location.js";
import { SDK_CHECKSUM } from "./checksums.js";
import { notFoundOr } from "./not-found.js";

export interface ObjectStat {
  location: string;
  bucket: string;
  key: string;
  size: number;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  storageClass: string;
  encryption: { algorithm: string | null; kmsKeyId: string | null; bucketKeyEnabled: boolean };
  metadata: Record<string, string>;
  cacheControl: string | null;
  contentEncoding: string | null;
  contentDisposition: string | null;
  versionId: string | null;
  checksums: Record<string, string>;
  checksumType: string | null;
  parts: number | null;
}

/** HeadObject, as data. A missing object or bucket is a NotFoundError (exit 3). */
export async function statObject(aws: Aws, location: S3Location): Promise<ObjectStat> {
  const s3 = await aws.s3();
  let head: HeadObjectCommandOutput;
  try {
    head = await s3.send(
      new HeadObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        ChecksumMode: "ENABLED",
      }),
    );
  } catch (err) {
    throw await notFoundOr(err, s3, location.bucket, location.key);
  }
  const checksums: Record<string, string> = {};
  for (const [algorithm, { field }] of Object.entries(SDK_CHECKSUM)) {
    const value = (head as unknown as Record<string, unknown>)[field];
    if (typeof value === "string") checksums[algorithm] = value;
  }
  const etag = head.ETag ?? null;
  const parts = etag?.match(/-(\d+)"?$/)?.[1];
  return {
    location: `s3://${location.bucket}/${location.key}`,
    bucket: location.bucket,
    key: location.key,
    size: head.ContentLength ?? 0,
    contentType: head.ContentType ?? null,
    etag,
    lastModified: head.LastModified?.toISOString() ?? null,
    storageClass: head.StorageClass ?? "STANDARD",
    encryption: {
      algorithm: head.SSECustomerAlgorithm ? "SSE-C" : (head.ServerSideEncryption ?? null),
      kmsKeyId: head.SSEKMSKeyId ?? null,
      bucketKeyEnabled: head.BucketKeyEnabled === true,
    },
    metadata: head.Metadata ?? {},
    cacheControl: head.CacheControl ?? null,
    contentEncoding: head.ContentEncoding ?? null,
    contentDisposition: head.ContentDisposition ?? null,
    versionId: head.VersionId ?? null,
    checksums,
    checksumType: head.ChecksumType ?? null,
    parts: parts ? Number(parts) : null,
  };
}

/** Whether an object exists: false on 404 (missing object or bucket); other errors throw. */
export async function objectExists(aws: Aws, location: S3Location): Promise<boolean> {
  const s3 = await aws.s3();
  try {
    await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return true;
  } catch (err) {
    if (httpStatusOf(err) === 404) return false;
    throw err;
  }
}
