// `iam remove-dev` on AWS IAM: everything IAM requires to go before a user can be deleted
// (keys first, so the credentials stop working whatever happens next), then the user.

import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  RemoveUserFromGroupCommand,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { isNoSuchEntity } from "../../aws/errors.js";
import { allPages, listAccessKeys, listPrincipalTags, markerInput } from "./listing.js";
import { isManagedByS3kit } from "./names.js";
import {
  type Confirm,
  cancelled,
  getUser,
  ignoreMissing,
  type StepReporter,
  userNotFound,
} from "./users.js";

export interface RemoveDevPlan {
  user: { name: string; arn: string; managedByS3kit: boolean };
  accessKeys: string[];
  loginProfile: boolean;
  inlinePolicies: string[];
  attachedPolicies: string[];
  groups: string[];
  mfaDevices: string[];
  signingCertificates: string[];
  sshPublicKeys: string[];
  serviceSpecificCredentials: string[];
  permissionsBoundary?: string;
}

export interface RemoveDevInput {
  userName: string;
  ifExists: boolean;
  confirm: Confirm;
  onStep?: StepReporter;
}

export interface RemoveDevResult {
  removed: boolean;
  plan?: RemoveDevPlan;
}

/** Everything that must go before IAM lets a user be deleted. */
export async function planRemoveDev(
  aws: Aws,
  userName: string,
): Promise<RemoveDevPlan | undefined> {
  const iam = await aws.iam();
  const user = await getUser(iam, userName);
  if (!user) return undefined;
  const UserName = userName;
  const [tags, keys, loginProfile, inline, attached, groups, mfa, certs, ssh, serviceCreds] =
    await Promise.all([
      listPrincipalTags(iam, "user", userName),
      listAccessKeys(iam, userName),
      iam.send(new GetLoginProfileCommand({ UserName })).then(
        () => true,
        (err) => {
          if (isNoSuchEntity(err)) return false;
          throw err;
        },
      ),
      allPages((marker) =>
        iam.send(new ListUserPoliciesCommand({ UserName, ...markerInput(marker) })),
      ).then((pages) => pages.flatMap((p) => p.PolicyNames ?? [])),
      allPages((marker) =>
        iam.send(new ListAttachedUserPoliciesCommand({ UserName, ...markerInput(marker) })),
      ).then((pages) =>
        pages.flatMap((p) => (p.AttachedPolicies ?? []).map((x) => x.PolicyArn ?? "")),
      ),
      allPages((marker) =>
        iam.send(new ListGroupsForUserCommand({ UserName, ...markerInput(marker) })),
      ).then((pages) => pages.flatMap((p) => (p.Groups ?? []).map((g) => g.GroupName ?? ""))),
      allPages((marker) =>
        iam.send(new ListMFADevicesCommand({ UserName, ...markerInput(marker) })),
      ).then((pages) =>
        pages.flatMap((p) => (p.MFADevices ?? []).map((d) => d.SerialNumber ?? "")),
      ),
      allPages((marker) =>
        iam.send(new ListSigningCertificatesCommand({ UserName, ...markerInput(marker) })),
      ).then((pages) =>
        pages.flatMap((p) => (p.Certificates ?? []).map((c) => c.CertificateId ?? "")),
      ),
      allPages((marker) =>
        iam.send(new ListSSHPublicKeysCommand({ UserName, ...markerInput(marker) })),
      ).then((pages) =>
        pages.flatMap((p) => (p.SSHPublicKeys ?? []).map((k) => k.SSHPublicKeyId ?? "")),
      ),
      iam.send(new ListServiceSpecificCredentialsCommand({ UserName })).then(
        (p) => (p.ServiceSpecificCredentials ?? []).map((c) => c.ServiceSpecificCredentialId ?? ""),
        // Not every IAM-compatible endpoint has service-specific credentials.
        () => [] as string[],
      ),
    ]);
  const plan: RemoveDevPlan = {
    user: { name: userName, arn: user.Arn ?? "", managedByS3kit: isManagedByS3kit(tags) },
    accessKeys: keys.map((k) => k.AccessKeyId ?? ""),
    loginProfile,
    inlinePolicies: inline,
    attachedPolicies: attached,
    groups,
    mfaDevices: mfa,
    signingCertificates: certs,
    sshPublicKeys: ssh,
    serviceSpecificCredentials: serviceCreds,
  };
  const boundary = user.PermissionsBoundary?.PermissionsBoundaryArn;
  if (boundary) plan.permissionsBoundary = boundary;
  return plan;
}

export function describeRemovePlan(plan: RemoveDevPlan): string {
  const n = (count: number, what: string, plural = `${what}s`) =>
    count === 0 ? undefined : `${count} ${count === 1 ? what : plural}`;
  const parts = [
    n(plan.accessKeys.length, "access key"),
    plan.loginProfile ? "a console password" : undefined,
    n(plan.inlinePolicies.length, "inline policy", "inline policies"),
    n(plan.attachedPolicies.length, "attached policy", "attached policies"),
    n(plan.groups.length, "group membership"),
    n(plan.mfaDevices.length, "MFA device"),
    n(plan.signingCertificates.length, "signing certificate"),
    n(plan.sshPublicKeys.length, "SSH key"),
    n(plan.serviceSpecificCredentials.length, "service credential"),
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(", ") : "nothing attached";
}

export async function removeDev(aws: Aws, input: RemoveDevInput): Promise<RemoveDevResult> {
  const { userName } = input;
  const step = input.onStep ?? (() => {});
  const plan = await planRemoveDev(aws, userName);
  if (!plan) {
    if (input.ifExists) return { removed: false };
    throw userNotFound(userName);
  }
  const note = plan.user.managedByS3kit ? "" : " (it was not created by s3kit)";
  const ok = await input.confirm(
    `Delete IAM user ${userName}${note} with ${describeRemovePlan(plan)}? Its keys stop working at once.`,
  );
  if (!ok) throw cancelled();

  const iam = await aws.iam();
  const UserName = userName;
  // Keys first: whatever happens next, the credentials stop working.
  for (const id of plan.accessKeys) {
    await ignoreMissing(() => iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: id })));
  }
  if (plan.accessKeys.length) step(`access keys deleted: ${plan.accessKeys.join(", ")}`);
  if (plan.loginProfile) {
    await ignoreMissing(() => iam.send(new DeleteLoginProfileCommand({ UserName })));
    step("console password deleted");
  }
  for (const serial of plan.mfaDevices) {
    await ignoreMissing(() =>
      iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: serial })),
    );
    if (serial.startsWith("arn:")) {
      await ignoreMissing(() =>
        iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })),
      );
    }
  }
  for (const id of plan.signingCertificates) {
    await ignoreMissing(() =>
      iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: id })),
    );
  }
  for (const id of plan.sshPublicKeys) {
    await ignoreMissing(() =>
      iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: id })),
    );
  }
  for (const id of plan.serviceSpecificCredentials) {
    await ignoreMissing(() =>
      iam.send(
        new DeleteServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: id }),
      ),
    );
  }
  for (const name of plan.inlinePolicies) {
    await ignoreMissing(() =>
      iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: name })),
    );
  }
  if (plan.inlinePolicies.length)
    step(`inline policies deleted: ${plan.inlinePolicies.join(", ")}`);
  for (const arn of plan.attachedPolicies) {
    await ignoreMissing(() => iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: arn })));
  }
  if (plan.attachedPolicies.length)
    step(`policies detached: ${plan.attachedPolicies.map((a) => a.split("/").pop()).join(", ")}`);
  for (const group of plan.groups) {
    await ignoreMissing(() =>
      iam.send(new RemoveUserFromGroupCommand({ GroupName: group, UserName })),
    );
  }
  if (plan.groups.length) step(`removed from ${plan.groups.join(", ")}`);
  if (plan.permissionsBoundary) {
    await ignoreMissing(() => iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName })));
  }
  await iam.send(new DeleteUserCommand({ UserName }));
  step(`user ${userName} deleted`);
  return { removed: true, plan };
}
