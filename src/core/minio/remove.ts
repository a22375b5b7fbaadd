// `iam remove-dev` on MinIO: the user's keys (service accounts) first, so they stop
// working whatever happens next, then its policies and group memberships, then the user.
// Groups and policies shared with others stay.

import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import {
  changePolicyAttachment,
  deleteServiceAccount,
  getUser,
  listServiceAccounts,
  policyNames,
  removeUser,
  updateGroupMembers,
} from "../../aws/minio-admin/operations.js";
import { ExitCode, S3kitError } from "../errors.js";
import type { DevRemoved, RemovePlan } from "../iam/backend-types.js";
import { describeRemovePlan } from "../iam/remove-dev.js";
import type { Confirm, StepReporter } from "../iam/users.js";
import { isManagedUser } from "./grants-of-user.js";
import { minioUserNotFound } from "./rotate.js";

export async function removeMinioDev(
  admin: MinioAdmin,
  input: { userName: string; ifExists: boolean; confirm: Confirm; onStep?: StepReporter },
): Promise<DevRemoved> {
  const { userName } = input;
  const step = input.onStep ?? (() => {});
  const user = await getUser(admin, userName);
  if (!user) {
    if (input.ifExists) return { removed: false };
    throw minioUserNotFound(userName);
  }
  const keys = await listServiceAccounts(admin, userName);
  const plan: RemovePlan = {
    user: { name: userName, arn: null, managedByS3kit: isManagedUser(user) },
    accessKeys: keys.map((k) => k.accessKey),
    loginProfile: false,
    inlinePolicies: [],
    attachedPolicies: policyNames(user.policyName),
    groups: user.memberOf ?? [],
    mfaDevices: [],
    signingCertificates: [],
    sshPublicKeys: [],
    serviceSpecificCredentials: [],
  };
  const note = plan.user.managedByS3kit ? "" : " (it was not set up by s3kit)";
  const ok = await input.confirm(
    `Delete MinIO user ${userName}${note} with ${describeRemovePlan({ ...plan, user: { ...plan.user, arn: "" } })}? Its keys stop working at once.`,
  );
  if (!ok) {
    throw new S3kitError({
      code: "Cancelled",
      message: "Cancelled; nothing was changed.",
      exitCode: ExitCode.failure,
    });
  }
  for (const id of plan.accessKeys) await deleteServiceAccount(admin, id);
  if (plan.accessKeys.length) step(`access keys deleted: ${plan.accessKeys.join(", ")}`);
  if (plan.attachedPolicies.length) {
    await changePolicyAttachment(admin, "detach", plan.attachedPolicies, { user: userName });
    step(`policies detached: ${plan.attachedPolicies.join(", ")}`);
  }
  for (const group of plan.groups) await updateGroupMembers(admin, group, [userName], true);
  if (plan.groups.length) step(`removed from ${plan.groups.join(", ")}`);
  await removeUser(admin, userName);
  step(`user ${userName} deleted`);
  return { removed: true, plan };
}
