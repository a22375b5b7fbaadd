// `cdn info`: the distributions in front of a bucket, how each reaches it (origin access
// control or not), and whether the bucket policy lets each one read, decided by s3kit's
// policy evaluator.
import { GetOriginAccessControlCommand } from "@aws-sdk/client-cloudfront";
import type { Aws } from "../../aws/clients.js";
import { readBucketState } from "../buckets/read.js";
import { requireBucket } from "../s3/head-bucket.js";
import { canRead, type ReadCheck } from "./access.js";
import { cloudFrontError } from "./errors.js";
import { CUSTOM_DOMAIN_VARIABLE } from "./names.js";
import { distributionsInFront, type FrontDistribution } from "./read.js";
import { type CloudFrontGrant, cloudFrontGrants } from "./statement.js";

export interface OacInfo {
  id: string;
  name: string;
  signingProtocol: string;
  signingBehavior: string;
}

export interface DistributionInfo extends Omit<FrontDistribution, "origins"> {
  origin: string;
  /** The prefix the bucket policy lets it read ("" for the whole bucket, or when it grants nothing). */
  prefix: string;
  /** null: the origin reaches the bucket without origin access control. */
  originAccessControl: OacInfo | null;
  /** The legacy origin access identity, when the origin uses one instead. */
  originAccessIdentity: string | null;
  /** The object the read checks were made on (under that prefix). */
  checkedKey: string;
  bucketPolicyAllows: ReadCheck;
  url: string;
  env: Record<string, string>;
}

export interface CdnInfoReport {
  bucket: string;
  region: string;
  /** "on" (all four settings), "partly on", "off", or "unknown" (could not be read). */
  blockPublicAccess: "on" | "partly on" | "off" | "unknown";
  /** Whether the bucket policy lets anyone (without CloudFront) read the checked object. */
  policyLetsAnyoneRead: boolean | null;
  distributions: DistributionInfo[];
  /** Bucket policy statements that let CloudFront read, with the distributions they name. */
  grants: CloudFrontGrant[];
}

const EXAMPLE_OBJECT = "example.jpg";

export async function cdnInfo(aws: Aws, bucket: string): Promise<CdnInfoReport> {
  const region = await requireBucket(aws, bucket);
  const [state, front] = await Promise.all([
    readBucketState(aws, bucket, region),
    distributionsInFront(aws, bucket),
  ]);
  const grants = cloudFrontGrants(state.policy);
  const cf = await aws.cloudfront();
  const oacs = new Map<string, OacInfo | null>();
  const oacOf = async (id: string): Promise<OacInfo | null> => {
    if (!oacs.has(id)) {
      try {
        const out = await cf.send(new GetOriginAccessControlCommand({ Id: id }));
        const c = out.OriginAccessControl?.OriginAccessControlConfig;
        oacs.set(id, {
          id,
          name: c?.Name ?? "",
          signingProtocol: c?.SigningProtocol ?? "",
          signingBehavior: c?.SigningBehavior ?? "",
        });
      } catch (err) {
        const mapped = cloudFrontError(err, "GetOriginAccessControl");
        if (mapped.exitCode !== 3) throw mapped;
        oacs.set(id, null);
      }
    }
    return oacs.get(id) ?? null;
  };

  const distributions = await Promise.all(
    front.map(async (d): Promise<DistributionInfo> => {
      const { origins, ...rest } = d;
      const origin = origins[0];
      const prefix = grantedPrefix(grants, d.arn, bucket);
      const checkedKey = `${prefix}${EXAMPLE_OBJECT}`;
      const host = d.aliases.find((a) => !a.startsWith("*.")) ?? d.domainName;
      return {
        ...rest,
        origin: origin?.domainName ?? "",
        prefix,
        originAccessControl: origin?.originAccessControlId
          ? await oacOf(origin.originAccessControlId)
          : null,
        originAccessIdentity: origin?.originAccessIdentity ?? null,
        checkedKey,
        bucketPolicyAllows: canRead(state.policy, bucket, checkedKey, {
          distributionArn: d.arn,
        }),
        url: `https://${host}/${prefix}`,
        env: { [CUSTOM_DOMAIN_VARIABLE]: host },
      };
    }),
  );
  const pab = state.publicAccessBlock;
  const on = pab ? Object.values(pab).filter(Boolean).length : 0;
  return {
    bucket,
    region,
    blockPublicAccess: state.unreadable.publicAccessBlock
      ? "unknown"
      : on === 4
        ? "on"
        : on === 0
          ? "off"
          : "partly on",
    policyLetsAnyoneRead: state.unreadable.policy
      ? null
      : canRead(state.policy, bucket, distributions[0]?.checkedKey ?? EXAMPLE_OBJECT, "anonymous")
          .decision === "allowed",
    distributions,
    grants,
  };
}

/** The key prefix of the first object resource a grant naming this distribution covers. */
function grantedPrefix(grants: CloudFrontGrant[], arn: string, bucket: string): string {
  for (const g of grants.filter((g) => g.distributionArns.includes(arn))) {
    for (const resource of g.resources) {
      const objects = /^arn:[^:]+:s3:::([^/]+)\/(.*)\*$/.exec(resource);
      if (objects?.[1] === bucket) return objects[2] as string;
    }
  }
  return "";
}
