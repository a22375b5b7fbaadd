import { desiredState } from "../buckets/plan.js";
import type { CreateBucketSpec } from "../buckets/spec.js";
import { tlsOnlyStatements } from "../buckets/templates.js";
import {
  BUCKET_TAG,
  CACHING_OPTIMIZED_POLICY_ID,
  distributionComment,
  MANAGED_BY_TAG,
  MINIMUM_PROTOCOL_VERSION,
  oacDescription,
  oacName,
  originId,
  READ_METHODS,
  s3OriginDomain,
  VIEWER_PROTOCOL_POLICY,
} from "../cdn/names.js";
import type { CdnSpec } from "../cdn/spec.js";
import type { Grant } from "../iam/grant.js";
import { grantTags, S3KIT_PATH } from "../iam/names.js";
import { toCloudFormation } from "./cloudformation.js";
import { toTerraform } from "./terraform.js";
import type { IacBucket, IacCdn, IacDeveloper, IacFormat, IacStack } from "./types.js";

/** The bucket `bucket create` would make from this spec, with every setting it would apply. */
export function iacBucket(spec: CreateBucketSpec): IacBucket {
  const desired = desiredState(spec, null);
  return {
    bucket: spec.bucket,
    region: spec.region,
    publicAccessBlock: desired.publicAccessBlock,
    ownership: desired.ownership,
    encryption: desired.encryption,
    versioning: desired.versioning ?? null,
    policy: desired.policy,
    lifecycle: desired.lifecycle,
    cors: desired.cors ?? null,
    tags: desired.tags ?? null,
    logging: desired.logging ?? null,
  };
}

/** The user, group and policy `iam add-dev` would make for this grant. */
export function iacDeveloper(
  userName: string,
  grant: Grant,
  options: { attach: "group" | "user"; createKey: boolean },
): IacDeveloper {
  return {
    userName,
    path: S3KIT_PATH,
    tags: Object.fromEntries(grantTags(grant, grant.name).map((t) => [t.Key, t.Value])),
    policyName: grant.name,
    policyDocument: grant.document,
    groupName: options.attach === "group" ? grant.name : null,
    createKey: options.createKey,
  };
}

/** The CloudFront setup `cdn create` would make from this spec. */
export function iacCdn(spec: CdnSpec): IacCdn {
  return {
    bucket: spec.bucket,
    region: spec.region,
    prefix: spec.prefix,
    aliases: spec.domains,
    certificateArn: spec.certificateArn ?? null,
    minimumProtocolVersion: MINIMUM_PROTOCOL_VERSION,
    priceClass: spec.priceClass ?? "PriceClass_All",
    comment: distributionComment(spec.bucket),
    originId: originId(spec.bucket),
    originDomain: s3OriginDomain(spec.bucket, spec.region),
    oacName: oacName(spec.bucket),
    oacDescription: oacDescription(spec.bucket),
    cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
    viewerProtocolPolicy: VIEWER_PROTOCOL_POLICY,
    methods: [...READ_METHODS],
    tags: {
      [MANAGED_BY_TAG.Key]: MANAGED_BY_TAG.Value,
      [BUCKET_TAG]: spec.bucket,
    },
    otherStatements: tlsOnlyStatements(spec.bucket, spec.region),
  };
}

/** The template text: CloudFormation as JSON, Terraform as HCL. */
export function renderStack(stack: IacStack, format: IacFormat): string {
  return format === "cloudformation"
    ? `${JSON.stringify(toCloudFormation(stack), null, 2)}\n`
    : toTerraform(stack);
}
