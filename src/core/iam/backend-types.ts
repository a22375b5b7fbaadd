// What the developer commands get back, whichever user management did the work: AWS IAM
// (ARNs, policy versions) or MinIO (names only: MinIO has no ARNs for users or policies).

import type { BucketCheck } from "../s3/head-bucket.js";
import type { NewAccessKey } from "./key-handover.js";
import type { RemoveDevPlan } from "./remove-dev.js";

export interface DevAdded {
  user: { name: string; arn: string | null; created: boolean };
  bucket: BucketCheck;
  policy: {
    name: string;
    arn: string | null;
    status: "created" | "updated" | "unchanged";
    versionId?: string;
    deletedVersion?: string;
  };
  group?: { name: string; arn: string | null; created: boolean };
  attachedTo: "group" | "user";
  replacedGrant?: { access: string; policyName: string };
  accessKey?: NewAccessKey;
  keySkipped?: string;
}

export type RemovePlan = Omit<RemoveDevPlan, "user"> & {
  user: { name: string; arn: string | null; managedByS3kit: boolean };
};

export interface DevRemoved {
  removed: boolean;
  plan?: RemovePlan;
}
