import { HeadBucketCommand } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, httpStatusOf, mapAwsError, regionFromError } from "../../aws/errors.js";
import { NotFoundError } from "../errors.js";

export interface BucketCheck {
  bucket: string;
  /** exists; forbidden: it exists but the caller may not look at it; other-region: it lives elsewhere. */
  status: "exists" | "forbidden" | "other-region";
  region?: string;
}

/** HeadBucket; a missing bucket is exit 3 with a hint to create it. */
export async function checkBucket(aws: Aws, bucket: string): Promise<BucketCheck> {
  const s3 = await aws.s3();
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const region = head.BucketRegion;
    if (region && region !== aws.region) return { bucket, status: "other-region", region };
    return region ? { bucket, status: "exists", region } : { bucket, status: "exists" };
  } catch (err) {
    const status = httpStatusOf(err);
    const name = errorCodeOf(err);
    if (status === 404 || name === "NoSuchBucket" || name === "NotFound") {
      throw new NotFoundError(
        `Bucket ${bucket} does not exist.`,
        `Check the name, or create it first with \`s3kit bucket create ${bucket}\`.`,
        "NoSuchBucket",
      );
    }
    const other = regionFromError(err);
    if (status === 301 || (other && other !== aws.region)) {
      return other
        ? { bucket, status: "other-region", region: other }
        : { bucket, status: "other-region" };
    }
    if (status === 403) return { bucket, status: "forbidden" };
    throw mapAwsError(err, { bucket });
  }
}
