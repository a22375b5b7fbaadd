import type { Aws } from "../../aws/clients.js";
import { requireBucket } from "../s3/head-bucket.js";
import { type AuditReport, auditBucket } from "./audit.js";
import { readBucketState } from "./read.js";
import type { BucketState } from "./state.js";

/** Every setting of a bucket (`bucket info`). */
export async function getBucketInfo(aws: Aws, bucket: string): Promise<BucketState> {
  const region = await requireBucket(aws, bucket);
  return readBucketState(aws, bucket, region);
}

/** The audit findings of a bucket (`bucket audit`). */
export async function auditBucketByName(aws: Aws, bucket: string): Promise<AuditReport> {
  const endpoint = aws.endpoint("s3");
  return auditBucket(
    await getBucketInfo(aws, bucket),
    endpoint.startsWith("http://") ? { plainHttpEndpoint: endpoint } : {},
  );
}
