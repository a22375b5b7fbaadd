// The names, tags and fixed values s3kit gives the CloudFront resources in front of a bucket,
// so that a later run (and `cdn info`, `cdn delete`, `bucket audit`) recognises them. Pure.
import { createHash } from "node:crypto";
import { partitionOf } from "../buckets/templates.js";

/** CloudFront's API, and the ACM certificates it accepts, live in us-east-1. */
export const CLOUDFRONT_REGION = "us-east-1";

/** The AWS managed cache policy "CachingOptimized": long TTLs, gzip and brotli, no cookies or query strings. */
export const CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6";

/** Viewers on plain HTTP are redirected; CloudFront never serves the objects unencrypted. */
export const VIEWER_PROTOCOL_POLICY = "redirect-to-https";

/** The oldest TLS a viewer may use on a custom domain (the default certificate fixes its own). */
export const MINIMUM_PROTOCOL_VERSION = "TLSv1.2_2021";

export const READ_METHODS = ["GET", "HEAD"] as const;

// The distribution s3kit creates carries the same tags as its IAM users: which bucket, and
// that s3kit manages it. The prefix it may read lives in one place only: the bucket policy.
export { BUCKET_TAG, MANAGED_BY_TAG } from "../iam/names.js";

/** The bucket policy statement that lets the distribution read. */
export const CLOUDFRONT_READ_SID = "S3kitCloudFrontRead";

export const CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com";

/** The variable django-storages reads for the host that serves the files. */
export const CUSTOM_DOMAIN_VARIABLE = "AWS_S3_CUSTOM_DOMAIN";

/** The origin's id inside the distribution. */
export function originId(bucket: string): string {
  return `s3kit-${bucket}`;
}

export function distributionComment(bucket: string): string {
  return `s3kit: public assets of ${bucket}`;
}

/**
 * The origin access control's name: unique in the account and at most 64 characters, so a
 * long bucket name is shortened and made unique with a hash.
 */
export function oacName(bucket: string): string {
  const name = `s3kit-${bucket}`;
  if (name.length <= 64) return name;
  const hash = createHash("sha256").update(bucket).digest("hex").slice(0, 8);
  return `s3kit-${bucket.slice(0, 64 - "s3kit-".length - 9)}-${hash}`;
}

export function oacDescription(bucket: string): string {
  return `s3kit: CloudFront reads s3://${bucket} with SigV4`;
}

/** The bucket's regional REST endpoint: the origin domain CloudFront signs requests to. */
export function s3OriginDomain(bucket: string, region: string): string {
  const suffix = partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `${bucket}.s3.${region}.${suffix}`;
}

/**
 * Does an origin domain name point at this bucket? Regional, global, legacy dash-region and
 * website endpoints all count (a distribution on any of them is "in front of" the bucket).
 */
export function originServesBucket(domain: string, bucket: string): boolean {
  const d = domain.toLowerCase();
  if (!d.startsWith(`${bucket}.`)) return false;
  const rest = d.slice(bucket.length + 1);
  return /^s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(rest) || /^s3-website[.-]/.test(rest);
}

export function distributionArn(partition: string, account: string, id: string): string {
  return `arn:${partition}:cloudfront::${account}:distribution/${id}`;
}
