// Taking a distribution down the way CloudFront requires: disable it, wait until that change
// is deployed to every edge location, then delete it (with the ETag of that state), and only
// then its origin access control, which CloudFront refuses to delete while a distribution uses it.
import {
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  GetOriginAccessControlCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import type { Aws } from "../../aws/clients.js";
import { formatDuration } from "../presign/duration.js";
import { disabledConfig } from "./config.js";
import { cloudFrontError } from "./errors.js";
import { distributionConfig, type WaitOptions, waitForDeployed } from "./read.js";

/** Disables the distribution (if it is enabled); returns whether a change was made. */
export async function disableDistribution(aws: Aws, id: string): Promise<boolean> {
  const cf = await aws.cloudfront();
  const { config, etag } = await distributionConfig(aws, id);
  if (config.Enabled === false) return false;
  try {
    await cf.send(
      new UpdateDistributionCommand({
        Id: id,
        IfMatch: etag,
        DistributionConfig: disabledConfig(config),
      }),
    );
  } catch (err) {
    throw cloudFrontError(err, "UpdateDistribution");
  }
  return true;
}

export async function deleteDistribution(aws: Aws, id: string, etag: string): Promise<void> {
  const cf = await aws.cloudfront();
  try {
    await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: etag }));
  } catch (err) {
    throw cloudFrontError(err, "DeleteDistribution");
  }
}

export async function deleteOriginAccessControl(aws: Aws, id: string): Promise<void> {
  const cf = await aws.cloudfront();
  try {
    const { ETag } = await cf.send(new GetOriginAccessControlCommand({ Id: id }));
    await cf.send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: ETag }));
  } catch (err) {
    throw cloudFrontError(err, "DeleteOriginAccessControl");
  }
}

export interface CreatedResources {
  oac?: { id: string } | undefined;
  distribution?: { id: string } | undefined;
}

/**
 * Rolls back what one `cdn create` run created. Returns undefined when everything is gone,
 * otherwise what is left and why, in words (a disabled distribution CloudFront is still
 * deploying cannot be deleted yet).
 */
export async function removeCreatedDistribution(
  aws: Aws,
  bucket: string,
  created: CreatedResources,
  options: Omit<WaitOptions, "timeoutMs"> & { rollbackTimeoutMs: number },
): Promise<string | undefined> {
  try {
    if (created.distribution) {
      const { id } = created.distribution;
      await disableDistribution(aws, id);
      const waited = await waitForDeployed(aws, id, {
        ...options,
        timeoutMs: options.rollbackTimeoutMs,
      });
      if (waited.outcome !== "deployed") {
        return `the distribution ${id} was disabled, but CloudFront had not finished deploying that${options.rollbackTimeoutMs > 0 ? ` after ${formatDuration(Math.round(options.rollbackTimeoutMs / 1000))}` : ""}, so it could not be deleted yet (it serves nothing while disabled). Delete it with \`s3kit cdn delete ${bucket} --yes\` in a few minutes.`;
      }
      await deleteDistribution(aws, id, waited.etag);
      created.distribution = undefined;
    }
    if (created.oac) {
      await deleteOriginAccessControl(aws, created.oac.id);
      created.oac = undefined;
    }
    return undefined;
  } catch (err) {
    const reason = (err as Error).message;
    const left = [
      created.distribution ? `the distribution ${created.distribution.id}` : "",
      created.oac ? `the origin access control ${created.oac.id}` : "",
    ].filter(Boolean);
    return `${left.join(" and ")} could not be removed: ${reason}`;
  }
}
