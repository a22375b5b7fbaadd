import { desiredState } from "../buckets/plan.js";
import type { CreateBucketSpec } from "../buckets/spec.js";
import type { Grant } from "../iam/grant.js";
import { grantTags, S3KIT_PATH } from "../iam/names.js";
import { toCloudFormation } from "./cloudformation.js";
import { toTerraform } from "./terraform.js";
import type { IacBucket, IacDeveloper, IacFormat, IacStack } from "./types.js";

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

/** The template text: CloudFormation as JSON, Terraform as HCL. */
export function renderStack(stack: IacStack, format: IacFormat): string {
  return format === "cloudformation"
    ? `${JSON.stringify(toCloudFormation(stack), null, 2)}\n`
    : toTerraform(stack);
}
