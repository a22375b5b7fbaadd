// Whether a bucket exists, and where: one HeadBucket, read the same way by every command.
import { GetBucketLocationCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { httpStatusOf, isNotFound, mapAwsError, regionFromError } from "../../aws/errors.js";
import { ConflictError, NotFoundError } from "../errors.js";

export type BucketPresence =
  /** In the expected region, or the endpoint did not say where. */
  | { status: "exists"; region?: string }
  /** It lives in another region (S3 redirects, or names the region). */
  | { status: "other-region"; region?: string }
  /** It exists, but not for these credentials (another account's, or no permission). */
  | { status: "forbidden" }
  | { status: "missing" };

/**
 * HeadBucket, answered as presence. `expectedRegion` is the region s3kit talks to: a bucket
 * found elsewhere is "other-region". Any other failure is thrown as an S3kitError.
 */
export async function headBucket(
  s3: S3Client,
  bucket: string,
  expectedRegion?: string,
): Promise<BucketPresence> {
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const region = head.BucketRegion;
    if (region && expectedRegion && region !== expectedRegion) {
      return { status: "other-region", region };
    }
    return region ? { status: "exists", region } : { status: "exists" };
  } catch (err) {
    const status = httpStatusOf(err);
    const other = regionFromError(err);
    if (status === 301 || (status !== 404 && other && expectedRegion && other !== expectedRegion)) {
      return other ? { status: "other-region", region: other } : { status: "other-region" };
    }
    if (isNotFound(err)) return { status: "missing" };
    if (status === 403) return { status: "forbidden" };
    throw mapAwsError(err, { bucket, operation: "HeadBucket" });
  }
}

/** The bucket's region from GetBucketLocation (us-east-1 answers empty, EU is eu-west-1). */
export async function bucketLocation(s3: S3Client, bucket: string): Promise<string> {
  const out = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
  const location = out.LocationConstraint as string | undefined;
  if (!location) return "us-east-1";
  if (location === "EU") return "eu-west-1";
  return location;
}

/** The region of a bucket HeadBucket found: its answer, else GetBucketLocation's. */
export async function regionOfFound(
  s3: S3Client,
  bucket: string,
  presence: BucketPresence & { status: "exists" | "other-region" },
): Promise<string> {
  if (presence.region) return presence.region;
  return presence.status === "other-region" ? "another region" : bucketLocation(s3, bucket);
}

/**
 * The bucket must exist and be in the region s3kit talks to; otherwise a clear error
 * (3 not found, 5 in another region, 4 not ours). Returns its region.
 */
export async function requireBucket(aws: Aws, bucket: string): Promise<string> {
  const s3 = await aws.s3();
  const presence = await headBucket(s3, bucket, aws.region);
  if (presence.status === "missing") {
    throw new NotFoundError(
      `Bucket ${bucket} does not exist.`,
      "Check the name; list your buckets with `s3kit bucket list`.",
      "NoSuchBucket",
    );
  }
  if (presence.status === "forbidden") {
    throw mapAwsError(
      Object.assign(
        new Error(`Access to bucket ${bucket} is denied (it may belong to another account).`),
        { name: "AccessDenied", $metadata: { httpStatusCode: 403 } },
      ),
      { bucket, operation: "HeadBucket" },
    );
  }
  const region = await regionOfFound(s3, bucket, presence);
  assertSameRegion(bucket, region, aws.region);
  return region;
}

export function assertSameRegion(bucket: string, bucketRegion: string, region: string): void {
  if (bucketRegion !== region) {
    throw new ConflictError(
      `Bucket ${bucket} is in ${bucketRegion}, but s3kit is using ${region}.`,
      `Pass --region ${bucketRegion} (or set AWS_REGION=${bucketRegion}).`,
      "WrongRegion",
    );
  }
}

/** What a command that grants access to a bucket learned about it. */
export type BucketCheck = { bucket: string } & Exclude<BucketPresence, { status: "missing" }>;

/**
 * A bucket that a grant is for: a missing one is exit 3 with a hint to create it; one
 * in another region, or one these credentials may not look at, is reported.
 */
export async function checkBucket(aws: Aws, bucket: string): Promise<BucketCheck> {
  const presence = await headBucket(await aws.s3(), bucket, aws.region);
  if (presence.status === "missing") {
    throw new NotFoundError(
      `Bucket ${bucket} does not exist.`,
      `Check the name, or create it first with \`s3kit bucket create ${bucket}\`.`,
      "NoSuchBucket",
    );
  }
  return { bucket, ...presence };
}
