// `cdn delete`: takes down what `cdn create` set up for a bucket: the distribution s3kit
// tagged (disabled first, deleted once CloudFront has deployed that), its bucket policy
// statement, and its origin access control. Distributions s3kit did not make are never touched.
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
} from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, mapAwsError } from "../../aws/errors.js";
import { parsePolicy } from "../buckets/read.js";
import type { PolicyDocument } from "../buckets/state.js";
import { ExitCode, NotFoundError, S3kitError } from "../errors.js";
import { formatDuration } from "../presign/duration.js";
import { headBucket } from "../s3/head-bucket.js";
import { oacName } from "./names.js";
import {
  distributionsInFront,
  type FrontDistribution,
  listOriginAccessControls,
  type OriginAccessControl,
  type WaitOptions,
  waitForDeployed,
} from "./read.js";
import { deleteDistribution, deleteOriginAccessControl, disableDistribution } from "./remove.js";
import { findCloudFrontStatement, withoutCloudFrontStatement } from "./statement.js";

export interface CdnDeleteTarget {
  bucket: string;
  distribution: FrontDistribution | undefined;
  /** s3kit's origin access control for the bucket, when no other distribution in front of it uses it. */
  oac: OriginAccessControl | undefined;
  /** The bucket policy, when it holds s3kit's CloudFront statement. */
  policy: PolicyDocument | undefined;
}

/** What there is to delete; NotFound (exit 3) when s3kit set up nothing for the bucket. */
export async function findCdnToDelete(aws: Aws, bucket: string): Promise<CdnDeleteTarget> {
  const [front, oacs, policy] = await Promise.all([
    distributionsInFront(aws, bucket),
    listOriginAccessControls(aws),
    readPolicy(aws, bucket),
  ]);
  const distribution = front.find((d) => d.managedByS3kit);
  const named = oacs.find((o) => o.Name === oacName(bucket));
  const usedByOthers =
    named !== undefined &&
    front.some(
      (d) => d !== distribution && d.origins.some((o) => o.originAccessControlId === named.Id),
    );
  const target: CdnDeleteTarget = {
    bucket,
    distribution,
    oac: usedByOthers ? undefined : named,
    policy: policy && findCloudFrontStatement(policy) ? policy : undefined,
  };
  if (!target.distribution && !target.oac && !target.policy) {
    const others = front.filter((d) => !d.managedByS3kit);
    throw new NotFoundError(
      `s3kit has set up no CloudFront distribution for ${bucket} (no distribution tagged for it, no origin access control ${oacName(bucket)}, no S3kitCloudFrontRead statement).`,
      others.length > 0
        ? `${others.map((d) => d.id).join(", ")} ${others.length === 1 ? "is" : "are"} in front of it, made outside s3kit: delete ${others.length === 1 ? "it" : "them"} in the CloudFront console or with \`aws cloudfront delete-distribution\`.`
        : `\`s3kit cdn info ${bucket}\` shows what is in front of it.`,
      "NoCdn",
    );
  }
  return target;
}

/** The bucket policy; null when the bucket or its policy does not exist. */
async function readPolicy(aws: Aws, bucket: string): Promise<PolicyDocument | null> {
  const s3 = await aws.s3();
  const presence = await headBucket(s3, bucket, aws.region);
  if (presence.status === "missing" || presence.status === "forbidden") return null;
  try {
    const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    return out.Policy ? parsePolicy(out.Policy) : null;
  } catch (err) {
    if (errorCodeOf(err) === "NoSuchBucketPolicy") return null;
    const mapped = mapAwsError(err, { bucket, operation: "GetBucketPolicy" });
    throw new S3kitError(
      {
        code: mapped.code,
        message: `Cannot read the bucket policy of ${bucket} (${mapped.message}), so s3kit cannot remove its CloudFront statement from it. Nothing was changed.`,
        ...(mapped.hint ? { hint: mapped.hint } : {}),
        exitCode: mapped.exitCode,
      },
      { cause: err },
    );
  }
}

export type DeleteStepStatus = "done" | "skipped" | "pending";

export interface CdnDeleteReport {
  bucket: string;
  distribution: { id: string; domainName: string; arn: string } | null;
  steps: { step: string; status: DeleteStepStatus; detail: string }[];
  /** Everything is gone. */
  deleted: boolean;
  /** The distribution is disabled but still deploying, so it is not deleted yet. */
  pending: boolean;
}

export interface CdnDeleteOptions extends Omit<WaitOptions, "timeoutMs"> {
  /** Wait for CloudFront to deploy the disabled distribution, then delete it. */
  wait: boolean;
  timeoutMs: number;
}

export async function deleteCdn(
  aws: Aws,
  target: CdnDeleteTarget,
  options: CdnDeleteOptions,
): Promise<CdnDeleteReport> {
  const { bucket, distribution: d } = target;
  const report: CdnDeleteReport = {
    bucket,
    distribution: d ? { id: d.id, domainName: d.domainName, arn: d.arn } : null,
    steps: [],
    deleted: false,
    pending: false,
  };
  const step = (name: string, status: DeleteStepStatus, detail: string) =>
    report.steps.push({ step: name, status, detail });

  if (d) {
    const changed = await disableDistribution(aws, d.id);
    step(
      "disable",
      changed ? "done" : "skipped",
      changed ? `disabled ${d.id}` : `${d.id} was already disabled`,
    );
  }
  if (target.policy) {
    const s3 = await aws.s3();
    const rest = withoutCloudFrontStatement(target.policy);
    try {
      if (rest) {
        await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(rest) }));
      } else {
        await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      }
    } catch (err) {
      throw mapAwsError(err, {
        bucket,
        operation: rest ? "PutBucketPolicy" : "DeleteBucketPolicy",
      });
    }
    step(
      "bucketPolicy",
      "done",
      rest
        ? `removed statement S3kitCloudFrontRead (${rest.Statement.length} other statement${rest.Statement.length === 1 ? "" : "s"} kept)`
        : "removed statement S3kitCloudFrontRead (the only one: the bucket policy was deleted)",
    );
  }
  if (d) {
    // Without --wait, one look: a distribution disabled earlier may be deployed by now.
    const waited = await waitForDeployed(aws, d.id, {
      ...options,
      timeoutMs: options.wait ? options.timeoutMs : 0,
    });
    if (waited.outcome !== "deployed") {
      report.pending = true;
      step(
        "deleteDistribution",
        "pending",
        `${d.id} is disabled; CloudFront is still deploying that`,
      );
      if (target.oac) {
        step("originAccessControl", "pending", `${target.oac.Name} waits for the distribution`);
      }
      if (waited.outcome === "timeout" && options.wait) {
        throw new DeployTimeout(report, d.id, bucket, options.timeoutMs);
      }
      return report;
    }
    const etag = waited.etag;
    await deleteDistribution(aws, d.id, etag);
    step("deleteDistribution", "done", `deleted ${d.id} (${d.domainName})`);
  }
  if (target.oac) {
    await deleteOriginAccessControl(aws, target.oac.Id);
    step("originAccessControl", "done", `deleted ${target.oac.Name} (${target.oac.Id})`);
  }
  report.deleted = true;
  return report;
}

/** The wait ran out: the report says what was done, the error what to do next. */
export class DeployTimeout extends S3kitError {
  constructor(
    readonly report: CdnDeleteReport,
    id: string,
    bucket: string,
    timeoutMs: number,
  ) {
    super({
      code: "DeployTimeout",
      message: `CloudFront had not deployed the disabled distribution ${id} after ${formatDuration(Math.round(timeoutMs / 1000))}, so it is not deleted yet (it serves nothing while disabled).`,
      hint: `Run \`s3kit cdn delete ${bucket} --yes\` again later to finish.`,
      exitCode: ExitCode.failure,
    });
  }
}
