// `iam add-dev` on AWS IAM, everything but the key: the grant's managed policy, a group
// with it attached (or the policy on the user), the user (path /s3kit/, tagged) in that
// group. Each step converges: running it again changes only what is not yet as asked.
// undoAddDev takes back what one run created when its key cannot be handed over.

import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeleteUserCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { isEntityAlreadyExists, isNoSuchEntity, mapAwsError } from "../../aws/errors.js";
import { awsCliCommand } from "../aws-cli-command.js";
import { ConflictError } from "../errors.js";
import { type BucketCheck, checkBucket } from "../s3/head-bucket.js";
import type { Grant } from "./grant.js";
import type { NewAccessKey } from "./key-handover.js";
import { allPages, listAccessKeys, listPrincipalTags, markerInput } from "./listing.js";
import {
  BUCKET_TAG,
  grantsFromTags,
  grantTags,
  isManagedByS3kit,
  MANAGED_BY_TAG,
  S3KIT_PATH,
} from "./names.js";
import {
  type Account,
  callerAccount,
  type EnsuredPolicy,
  ensureManagedPolicy,
  policyArn,
} from "./policies.js";
import { checkChosenPolicyName, policyGrantTag } from "./policy-name.js";
import {
  type Confirm,
  getUser,
  ignoreMissing,
  keyLimitError,
  MAX_ACCESS_KEYS,
  type StepReporter,
} from "./users.js";

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
  await checkChosenPolicyName(iam, grant);

  const policy = await ensureManagedPolicy(iam, {
    account,
    name: grant.name,
    path: S3KIT_PATH,
    document: grant.document,
    description: `s3kit: ${grant.access} access to ${grant.bucket}`,
    tags: [{ ...MANAGED_BY_TAG }, { Key: BUCKET_TAG, Value: grant.bucket }, policyGrantTag(grant)],
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
