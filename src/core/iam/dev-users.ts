// The developer lifecycle: add a developer (policy, group, user, key), rotate a key,
// remove a developer completely. Each step converges: running it again changes only
// what is not yet as asked.

import {
  type AccessKeyMetadata,
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  type User,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import {
  errorCodeOf,
  isEntityAlreadyExists,
  isNoSuchEntity,
  mapAwsError,
} from "../../aws/errors.js";
import { awsCliCommand } from "../aws-cli-command.js";
import type { RegisterCleanup } from "../cleanup.js";
import { ConflictError, ExitCode, NotFoundError, S3kitError } from "../errors.js";
import { type BucketCheck, checkBucket } from "../s3/head-bucket.js";
import type { CredentialValues } from "./credentials.js";
import type { Grant } from "./grant.js";
import { type KeyBackend, type NewAccessKey, replaceKey } from "./key-handover.js";
import { allPages, listAccessKeys, listPrincipalTags, markerInput } from "./listing.js";
import {
  BUCKET_TAG,
  grantsFromTags,
  grantTags,
  isManagedByS3kit,
  MANAGED_BY_TAG,
  S3KIT_PATH,
  type Tag,
} from "./names.js";
import {
  type Account,
  type ConfirmPrune,
  callerAccount,
  type EnsuredPolicy,
  ensureManagedPolicy,
  policyArn,
} from "./policies.js";

/** IAM allows two access keys per user. */
export const MAX_ACCESS_KEYS = 2;

export type Confirm = ConfirmPrune;
export type StepReporter = (message: string) => void;

export type { NewAccessKey } from "./key-handover.js";

async function getUser(iam: IAMClient, userName: string): Promise<User | undefined> {
  try {
    return (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

async function createKey(iam: IAMClient, userName: string): Promise<NewAccessKey> {
  try {
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
    return {
      accessKeyId: key?.AccessKeyId ?? "",
      secretAccessKey: key?.SecretAccessKey ?? "",
      createDate: (key?.CreateDate ?? new Date()).toISOString(),
    };
  } catch (err) {
    if (errorCodeOf(err) === "LimitExceeded") throw keyLimitError(userName);
    throw err;
  }
}

function keyLimitError(userName: string): ConflictError {
  return new ConflictError(
    `${userName} already has ${MAX_ACCESS_KEYS} access keys, the most IAM allows.`,
    `Replace one with \`s3kit iam rotate-key ${userName} --delete-old\`, or delete an unused one (see \`s3kit iam list-devs\`).`,
    "AccessKeyLimit",
  );
}

/** IAM as the backend of key handovers (see key-handover.ts). */
export function iamKeyBackend(aws: Aws, iam: IAMClient, userName: string): KeyBackend {
  const UserName = userName;
  const cli = (args: string[]) => awsCliCommand(aws, "iam", args);
  return {
    userName,
    createKey: () => createKey(iam, userName),
    deleteKey: async (id) => {
      await ignoreMissing(() =>
        iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: id })),
      );
    },
    deactivateKey: async (id) => {
      await iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: id, Status: "Inactive" }));
    },
    commands: {
      deleteKey: (id) =>
        cli(["iam", "delete-access-key", "--user-name", userName, "--access-key-id", id]),
      deactivateKey: (id) =>
        cli([
          "iam",
          "update-access-key",
          "--user-name",
          userName,
          "--access-key-id",
          id,
          "--status",
          "Inactive",
        ]),
      listKeys: () => cli(["iam", "list-access-keys", "--user-name", userName]),
    },
  };
}

async function ignoreMissing(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    if (isNoSuchEntity(err)) return false;
    throw err;
  }
}

// --- add-dev ---------------------------------------------------------------------

export interface AddDevInput {
  userName: string;
  grant: Grant;
  /** Attach the policy to a group the user joins (default) or to the user. */
  attach: "group" | "user";
  /** auto: a key for a user without one; none: --no-key; new: --new-key. */
  key: "auto" | "none" | "new";
  /** Take over a user s3kit did not create. */
  adopt?: boolean;
  confirm: Confirm;
  onStep?: StepReporter;
}

export interface AddDevResult {
  user: { name: string; arn: string; created: boolean };
  bucket: BucketCheck;
  policy: EnsuredPolicy;
  group?: { name: string; arn: string; created: boolean };
  attachedTo: "group" | "user";
  /** The grant for the same bucket this one replaced (another level or prefix). */
  replacedGrant?: { access: string; policyName: string };
  /** Set once the key has been handed over (see onboardDeveloper). */
  accessKey?: NewAccessKey;
  /** Why no key is created; absent when one is due. */
  keySkipped?: string;
  /** The user was added to the group (or the policy attached to the user) by this run. */
  grantAttached: boolean;
}

export async function addDev(aws: Aws, input: AddDevInput): Promise<AddDevResult> {
  const { userName, grant } = input;
  const step = input.onStep ?? (() => {});
  const bucket = await checkBucket(aws, grant.bucket);
  const iam = await aws.iam();
  const account = await callerAccount(aws);

  // Look before changing anything, so that a refusal leaves everything as it was.
  const existing = await getUser(iam, userName);
  const tags = existing ? await listPrincipalTags(iam, "user", userName) : [];
  if (existing && !isManagedByS3kit(tags) && !input.adopt) {
    throw new ConflictError(
      `IAM user ${userName} exists and was not created by s3kit.`,
      `Choose another name, or pass --adopt to manage ${userName} with s3kit (its other policies stay).`,
      "UserNotManaged",
    );
  }
  const keys = existing ? await listAccessKeys(iam, userName) : [];
  if (input.key === "new" && keys.length >= MAX_ACCESS_KEYS) throw keyLimitError(userName);

  const policy = await ensureManagedPolicy(iam, {
    account,
    name: grant.name,
    path: S3KIT_PATH,
    document: grant.document,
    description: `s3kit: ${grant.access} access to ${grant.bucket}`,
    tags: [{ ...MANAGED_BY_TAG }, { Key: BUCKET_TAG, Value: grant.bucket }],
    confirmPrune: input.confirm,
  });
  step(`policy ${policy.name} ${policy.status === "unchanged" ? "up to date" : policy.status}`);

  let group: AddDevResult["group"];
  if (input.attach === "group") {
    group = await ensureGroup(iam, account, grant.name, policy.arn);
    step(`group ${group.name} ${group.created ? "created" : "ready"}, policy attached`);
  }

  const newTags = grantTags(grant, grant.name);
  let arn: string;
  if (existing) {
    await iam.send(new TagUserCommand({ UserName: userName, Tags: newTags }));
    arn = existing.Arn ?? "";
  } else {
    try {
      const created = await iam.send(
        new CreateUserCommand({ UserName: userName, Path: S3KIT_PATH, Tags: newTags }),
      );
      arn = created.User?.Arn ?? "";
    } catch (err) {
      if (isEntityAlreadyExists(err)) {
        throw new ConflictError(
          `IAM user ${userName} was created by someone else while s3kit was working.`,
          "Run the command again.",
          "UserExists",
        );
      }
      throw err;
    }
  }
  step(`user ${userName} ${existing ? "exists" : "created"} (path ${S3KIT_PATH})`);

  // One grant per bucket: a new level or prefix replaces the old one.
  const previous = grantsFromTags(tags).find(
    (g) => g.bucket === grant.bucket && g.policyName !== grant.name,
  );
  if (previous?.policyName) {
    await ignoreMissing(() =>
      iam.send(
        new RemoveUserFromGroupCommand({ GroupName: previous.policyName, UserName: userName }),
      ),
    );
    await ignoreMissing(() =>
      iam.send(
        new DetachUserPolicyCommand({
          UserName: userName,
          PolicyArn: policyArn(account, S3KIT_PATH, previous.policyName),
        }),
      ),
    );
    step(`previous grant ${previous.access} (${previous.policyName}) removed`);
  }

  let grantAttached = false;
  if (input.attach === "group") {
    grantAttached = !existing || !(await isInGroup(iam, userName, grant.name));
    await iam.send(new AddUserToGroupCommand({ GroupName: grant.name, UserName: userName }));
    if (existing) {
      // Converge from --attach user: the policy now comes through the group only.
      const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
      if (attached.AttachedPolicies?.some((p) => p.PolicyArn === policy.arn)) {
        await iam.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: policy.arn }));
      }
    }
    step(`${userName} is in group ${grant.name}`);
  } else {
    grantAttached = !existing || !(await hasUserPolicy(iam, userName, policy.arn));
    await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: policy.arn }));
    if (existing) {
      await ignoreMissing(() =>
        iam.send(new RemoveUserFromGroupCommand({ GroupName: grant.name, UserName: userName })),
      );
    }
    step(`policy attached to ${userName}`);
  }

  const result: AddDevResult = {
    user: { name: userName, arn, created: !existing },
    bucket,
    policy,
    attachedTo: input.attach,
    grantAttached,
  };
  if (group) result.group = group;
  if (previous) result.replacedGrant = { access: previous.access, policyName: previous.policyName };

  if (input.key === "none") {
    result.keySkipped = "--no-key";
  } else if (input.key === "auto" && keys.length > 0) {
    result.keySkipped = `${userName} already has ${keys.length === 1 ? "an access key" : `${keys.length} access keys`}; pass --new-key for another`;
  }
  return result;
}

async function isInGroup(iam: IAMClient, userName: string, group: string): Promise<boolean> {
  const pages = await allPages((marker) =>
    iam.send(new ListGroupsForUserCommand({ UserName: userName, ...markerInput(marker) })),
  );
  return pages.some((p) => (p.Groups ?? []).some((g) => g.GroupName === group));
}

async function hasUserPolicy(iam: IAMClient, userName: string, arn: string): Promise<boolean> {
  const pages = await allPages((marker) =>
    iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName, ...markerInput(marker) })),
  );
  return pages.some((p) => (p.AttachedPolicies ?? []).some((a) => a.PolicyArn === arn));
}

export interface Undone {
  /** What was removed again, in words ("deleted user alice"). */
  done: string[];
  /** What could not be removed, with why and how. */
  left: string[];
}

/**
 * Takes back what one add-dev run created for a new user (never what was there before):
 * the user with its membership or attachment, and the group and policy if the run made
 * them. A user that existed keeps everything: the grant it now has is the one asked for.
 */
export async function undoAddDev(aws: Aws, result: AddDevResult): Promise<Undone> {
  const undone: Undone = { done: [], left: [] };
  if (!result.user.created) return undone;
  const iam = await aws.iam();
  const UserName = result.user.name;
  const policy = result.policy;
  const group = result.attachedTo === "group" ? result.group : undefined;
  const removeDev = `remove with \`s3kit iam remove-dev ${UserName} --yes\``;
  const cli = (args: string[]) => `run \`${awsCliCommand(aws, "iam", ["iam", ...args])}\``;
  // In order; `done` is what the message names (undefined: a step of the next one).
  const steps: { done?: string; left: string; how: string; run: () => Promise<unknown> }[] = [];
  if (group) {
    steps.push({
      done: `removed ${UserName} from group ${group.name}`,
      left: `${UserName} in group ${group.name}`,
      how: removeDev,
      run: () => iam.send(new RemoveUserFromGroupCommand({ GroupName: group.name, UserName })),
    });
  } else {
    steps.push({
      done: `detached policy ${policy.name} from ${UserName}`,
      left: `policy ${policy.name} attached to ${UserName}`,
      how: removeDev,
      run: () => iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: policy.arn })),
    });
  }
  steps.push({
    done: `deleted user ${UserName}`,
    left: `user ${UserName}`,
    how: removeDev,
    run: () => iam.send(new DeleteUserCommand({ UserName })),
  });
  // A policy this run created was attached to the group by this run, whoever made the group.
  if (group && (group.created || policy.status === "created")) {
    steps.push({
      left: `policy ${policy.name} attached to group ${group.name}`,
      how: cli(["detach-group-policy", "--group-name", group.name, "--policy-arn", policy.arn]),
      run: () =>
        iam.send(new DetachGroupPolicyCommand({ GroupName: group.name, PolicyArn: policy.arn })),
    });
  }
  if (group?.created) {
    steps.push({
      done: `deleted group ${group.name}`,
      left: `group ${group.name}`,
      how: cli(["delete-group", "--group-name", group.name]),
      run: () => iam.send(new DeleteGroupCommand({ GroupName: group.name })),
    });
  }
  if (policy.status === "created") {
    steps.push({
      done: `deleted policy ${policy.name}`,
      left: `policy ${policy.name}`,
      how: cli(["delete-policy", "--policy-arn", policy.arn]),
      run: () => iam.send(new DeletePolicyCommand({ PolicyArn: policy.arn })),
    });
  }
  for (const step of steps) {
    try {
      await ignoreMissing(step.run);
      if (step.done) undone.done.push(step.done);
    } catch (err) {
      undone.left.push(
        `${step.left} (${mapAwsError(err).message.replace(/\.$/, "")}; ${step.how})`,
      );
    }
  }
  return undone;
}

async function ensureGroup(
  iam: IAMClient,
  account: Account,
  name: string,
  attachArn: string,
): Promise<{ name: string; arn: string; created: boolean }> {
  let arn = `arn:${account.partition}:iam::${account.id}:group${S3KIT_PATH}${name}`;
  let created = false;
  try {
    const got = await iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1 }));
    arn = got.Group?.Arn ?? arn;
  } catch (err) {
    if (!isNoSuchEntity(err)) throw err;
    try {
      const made = await iam.send(new CreateGroupCommand({ GroupName: name, Path: S3KIT_PATH }));
      arn = made.Group?.Arn ?? arn;
      created = true;
    } catch (e) {
      if (!isEntityAlreadyExists(e)) throw e;
    }
  }
  const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name }));
  if (!attached.AttachedPolicies?.some((p) => p.PolicyArn === attachArn)) {
    await iam.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: attachArn }));
  }
  return { name, arn, created };
}

// --- rotate-key ------------------------------------------------------------------

/** What a rotation's handover needs to know besides the key. */
export interface RotationContext {
  /** The bucket of the user's latest grant, for the env variables. */
  bucket?: string;
  /** Every key the user had before: a credentials file holding one of them may be updated. */
  previousKeyIds: string[];
}

export interface RotateKeyInput<D, S> {
  userName: string;
  /** What happens to the old key: made inactive (default), deleted, or left active. */
  old: "deactivate" | "delete" | "keep";
  /** The key to replace, when the user has two. */
  keyId?: string;
  confirm: Confirm;
  onStep?: StepReporter;
  /** Where the secret goes (a file), for messages. */
  destination?: string;
  /** Hands the new key over (durably); runs before the old key is touched. See key-handover.ts. */
  deliver(key: NewAccessKey, context: RotationContext): D;
  /** The secret to show once if the new key can be neither saved nor deleted. */
  show(key: NewAccessKey, context: RotationContext): S;
  signal?: AbortSignal;
  onInterrupt?: RegisterCleanup;
}

export interface RotateKeyResult<D> extends RotationContext {
  user: { name: string; arn: string };
  accessKey: NewAccessKey;
  delivery: D;
  oldKey?: { accessKeyId: string; status: "inactive" | "deleted" | "active" };
  /** The new key is handed over but retiring the old one failed (it still works). */
  oldKeyError?: S3kitError;
  /** An inactive key deleted to make room for the new one. */
  removedInactiveKey?: string;
}

export async function userKeys(
  aws: Aws,
  userName: string,
): Promise<{ user: User; keys: AccessKeyMetadata[]; tags: Tag[] }> {
  const iam = await aws.iam();
  const user = await getUser(iam, userName);
  if (!user) throw userNotFound(userName);
  const [keys, tags] = await Promise.all([
    listAccessKeys(iam, userName),
    listPrincipalTags(iam, "user", userName),
  ]);
  return { user, keys, tags };
}

function userNotFound(userName: string): NotFoundError {
  return new NotFoundError(
    `IAM user ${userName} does not exist.`,
    "List the developers with `s3kit iam list-devs`.",
    "NoSuchUser",
  );
}

export async function rotateKey<D, S>(
  aws: Aws,
  input: RotateKeyInput<D, S>,
): Promise<RotateKeyResult<D>> {
  const { userName } = input;
  const step = input.onStep ?? (() => {});
  const iam = await aws.iam();
  const { user, keys, tags } = await userKeys(aws, userName);

  let old: AccessKeyMetadata | undefined;
  let removeFirst: AccessKeyMetadata | undefined;
  if (input.keyId) {
    old = keys.find((k) => k.AccessKeyId === input.keyId);
    if (!old) {
      throw new NotFoundError(
        `${userName} has no access key ${input.keyId}.`,
        `Its keys: ${keys.map((k) => k.AccessKeyId).join(", ") || "none"}.`,
        "NoSuchAccessKey",
      );
    }
    if (keys.length >= MAX_ACCESS_KEYS) removeFirst = keys.find((k) => k !== old);
  } else {
    const active = keys.filter((k) => k.Status === "Active");
    const inactive = keys.filter((k) => k.Status !== "Active");
    if (active.length > 1) {
      throw new ConflictError(
        `${userName} has two active access keys; s3kit cannot tell which one to rotate, and IAM has no room for a third.`,
        `Delete the one that is no longer used (\`aws iam delete-access-key --user-name ${userName} --access-key-id ID\`), then rotate the other.`,
        "AccessKeyLimit",
      );
    }
    old = active[0] ?? inactive[0];
    if (keys.length >= MAX_ACCESS_KEYS) removeFirst = inactive.find((k) => k !== old);
  }
  if (removeFirst) {
    if (removeFirst.Status === "Active") {
      throw new ConflictError(
        `${userName} has two access keys and the other one (${removeFirst.AccessKeyId}) is still active; there is no room for a new key.`,
        `Delete it first (\`aws iam delete-access-key --user-name ${userName} --access-key-id ${removeFirst.AccessKeyId}\`).`,
        "AccessKeyLimit",
      );
    }
    const ok = await input.confirm(
      `${userName} has two access keys; delete the inactive key ${removeFirst.AccessKeyId} to make room for the new one?`,
    );
    if (!ok) throw cancelled();
  }

  if (removeFirst?.AccessKeyId) {
    // The one deletion before the new key is saved: IAM allows two keys, and this one is
    // inactive (it works nowhere) and confirmed. The credentials target was checked first.
    await iam.send(
      new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: removeFirst.AccessKeyId }),
    );
    step(`inactive key ${removeFirst.AccessKeyId} deleted`);
  }
  const context: RotationContext = { previousKeyIds: keys.map((k) => k.AccessKeyId ?? "") };
  const bucket = tags.find((t) => t.Key === BUCKET_TAG)?.Value;
  if (bucket) context.bucket = bucket;
  // The new key is on disk before the old one is touched (see replaceKey).
  const replaced = await replaceKey(
    iamKeyBackend(aws, iam, userName),
    old?.AccessKeyId
      ? { accessKeyId: old.AccessKeyId, active: old.Status === "Active", afterwards: input.old }
      : undefined,
    {
      deliver: (key) => input.deliver(key, context),
      show: (key) => input.show(key, context),
      onStep: step,
      ...(input.destination ? { destination: input.destination } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onInterrupt ? { onInterrupt: input.onInterrupt } : {}),
    },
  );
  const result: RotateKeyResult<D> = {
    ...context,
    user: { name: userName, arn: user.Arn ?? "" },
    accessKey: replaced.key,
    delivery: replaced.delivery,
  };
  if (replaced.oldKey) result.oldKey = replaced.oldKey;
  if (replaced.oldKeyError) result.oldKeyError = replaced.oldKeyError;
  if (removeFirst?.AccessKeyId) result.removedInactiveKey = removeFirst.AccessKeyId;
  return result;
}

function cancelled(): S3kitError {
  return new S3kitError({
    code: "Cancelled",
    message: "Cancelled; nothing was changed.",
    exitCode: ExitCode.failure,
  });
}

// --- remove-dev ------------------------------------------------------------------

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

/** What an app needs besides the key: region, endpoint (a custom one is named), bucket. */
export function appCredentialValues(
  aws: Aws,
  userName: string,
  key: NewAccessKey,
  bucket: string | undefined,
): CredentialValues {
  const values: CredentialValues = {
    userName,
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    region: aws.region,
    endpoint: aws.endpoint("s3"),
  };
  if (aws.usesCustomEndpoint) values.customEndpoint = aws.endpoint("s3");
  if (bucket) values.bucket = bucket;
  return values;
}
