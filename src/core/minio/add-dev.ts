// `iam add-dev` on MinIO: the grant's canned policy (the one `policy generate` makes), a
// group of the same name with it attached (or the policy attached to the user), the
// MinIO user, and a service account as the developer's access key. Re-running converges.
// Whatever fails part-way, this run's own creations are removed again (newest first).

import type { Aws } from "../../aws/clients.js";
import { mapAwsError } from "../../aws/errors.js";
import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import {
  addUser,
  changePolicyAttachment,
  getGroup,
  getPolicy,
  getUser,
  listServiceAccounts,
  policyNames,
  putPolicy,
  removePolicy,
  removeUser,
  updateGroupMembers,
} from "../../aws/minio-admin/operations.js";
import { ConflictError, S3kitError, UsageError } from "../errors.js";
import type { AddDevInput } from "../iam/add-dev.js";
import type { DevAdded } from "../iam/backend-types.js";
import { describeGrant } from "../iam/policy-name.js";
import type { PolicyDocument } from "../policy/types.js";
import { checkBucket } from "../s3/head-bucket.js";
import { sameGrantPolicy, withoutAction } from "./grants.js";
import { isManagedUser, userGrants } from "./grants-of-user.js";
import { unusedUserSecret } from "./keys.js";
import {
  assertValidMinioUserName,
  isS3kitName,
  minioGrantName,
  S3KIT_NAME_PREFIX,
} from "./names.js";

interface Undo {
  what: string;
  run: () => Promise<unknown>;
}

const UNSUPPORTED_ACTION = /unsupported action '([^']+)'/;

/**
 * Writes the policy; an action MinIO does not implement (bucket settings it lacks, such as
 * CORS or the public access block) is learned from its refusal and left out. Returns the
 * actions left out. MinIO names one per refusal, and a refused write changes nothing.
 */
async function putPolicyLeavingOutUnsupported(
  admin: MinioAdmin,
  name: string,
  document: PolicyDocument,
): Promise<string[]> {
  const dropped: string[] = [];
  let doc = document;
  for (;;) {
    try {
      await putPolicy(admin, name, doc);
      return dropped;
    } catch (err) {
      const action =
        err instanceof S3kitError ? UNSUPPORTED_ACTION.exec(err.message)?.[1] : undefined;
      if (!action || dropped.includes(action) || dropped.length >= 32) throw err;
      dropped.push(action);
      doc = withoutAction(doc, action);
    }
  }
}

/** Checks what MinIO would refuse, before any call. */
export function validateMinioDev(input: Pick<AddDevInput, "userName" | "grant">): void {
  assertValidMinioUserName(input.userName);
  const { grant } = input;
  if (grant.name !== grant.derivedName && !isS3kitName(grant.name)) {
    throw new UsageError(
      `--policy-name ${grant.name}: on MinIO, s3kit's policy and group names start with ${S3KIT_NAME_PREFIX}.`,
      `MinIO keeps no tags, so s3kit knows its own policies by the name: use --policy-name ${S3KIT_NAME_PREFIX}${grant.name}.`,
      "InvalidPolicyName",
    );
  }
  if (input.grant.kmsKeyArn) {
    throw new UsageError(
      "--kms-key names an AWS KMS key; MinIO policies cannot grant AWS KMS actions.",
      "Leave out --kms-key: MinIO's own encryption (SSE-S3/SSE-KMS through KES) needs no permission in the user's policy.",
      "KmsNotOnMinio",
    );
  }
}

export interface MinioDevPrepared {
  result: DevAdded;
  /** The developer gets a new key (handed over by the caller, see ../iam/key-handover.ts). */
  wantsKey: boolean;
  /** Removes what this run created, newest first; the error returned says what. */
  rollBack(cause: unknown): Promise<unknown>;
}

/**
 * Everything but the key: policy, user, group and attachment. The caller creates and
 * hands over the key, and calls rollBack when that fails.
 */
export async function addMinioDev(
  aws: Aws,
  admin: MinioAdmin,
  input: AddDevInput & { onUnsupported?: (message: string) => void },
): Promise<MinioDevPrepared> {
  validateMinioDev(input);
  const { userName, grant } = input;
  const step = input.onStep ?? (() => {});
  const name = minioGrantName(grant);
  const bucket = await checkBucket(aws, grant.bucket);

  // Look before changing anything, so that a refusal leaves everything as it was.
  const existing = await getUser(admin, userName);
  if (existing && !isManagedUser(existing) && !input.adopt) {
    throw new ConflictError(
      `MinIO user ${userName} exists and was not set up by s3kit.`,
      `Choose another name, or pass --adopt to manage ${userName} with s3kit (its other policies stay).`,
      "UserNotManaged",
    );
  }
  const keys = existing ? await listServiceAccounts(admin, userName) : [];
  const previousGrants = existing
    ? (await userGrants(admin, existing)).filter(
        (g) => g.bucket === grant.bucket && g.policyName !== name,
      )
    : [];

  const undo: Undo[] = [];
  try {
    const current = await getPolicy(admin, name);
    if (
      current !== undefined &&
      grant.name !== grant.derivedName &&
      !sameGrantPolicy(current, grant.document)
    ) {
      throw new ConflictError(
        `Policy ${name} holds another grant; giving this developer ${describeGrant(grant)} under that name would change the access of everyone who has it.`,
        "Choose another --policy-name (one name per grant), or give the same access and prefixes as the others who have it.",
        "PolicyHoldsAnotherGrant",
      );
    }
    let status: DevAdded["policy"]["status"] = "unchanged";
    if (current === undefined || !sameGrantPolicy(current, grant.document)) {
      const dropped = await putPolicyLeavingOutUnsupported(admin, name, grant.document);
      if (dropped.length > 0) {
        input.onUnsupported?.(
          `not supported by this endpoint: ${[...dropped].sort().join(", ")}; left out of the policy (MinIO has no such bucket setting to grant or deny).`,
        );
      }
      status = current === undefined ? "created" : "updated";
      if (current === undefined) {
        undo.push({ what: `policy ${name}`, run: () => removePolicy(admin, name) });
      }
    }
    step(`policy ${name} ${status === "unchanged" ? "up to date" : status}`);

    if (!existing) {
      await addUser(admin, userName, unusedUserSecret());
      undo.push({ what: `user ${userName}`, run: () => removeUser(admin, userName) });
    }
    step(`user ${userName} ${existing ? "exists" : "created"}`);

    let group: DevAdded["group"];
    if (input.attach === "group") {
      const before = await getGroup(admin, name);
      if (!(before?.members ?? []).includes(userName)) {
        await updateGroupMembers(admin, name, [userName], false);
        undo.push({
          what: before ? `${userName}'s membership of ${name}` : `group ${name}`,
          // MinIO deletes a group when its last member is removed with an empty list.
          run: async () => {
            await updateGroupMembers(admin, name, [userName], true);
            if (!before) await updateGroupMembers(admin, name, [], true);
          },
        });
      }
      if (!policyNames(before?.policy).includes(name)) {
        if (await changePolicyAttachment(admin, "attach", [name], { group: name })) {
          undo.push({
            what: `policy ${name} on group ${name}`,
            run: () => changePolicyAttachment(admin, "detach", [name], { group: name }),
          });
        }
      }
      group = { name, arn: null, created: !before };
      step(`group ${name} ${before ? "ready" : "created"}, policy attached`);
      if (existing && policyNames(existing.policyName).includes(name)) {
        // Converge from --attach user: the policy now comes through the group only.
        await changePolicyAttachment(admin, "detach", [name], { user: userName });
      }
      step(`${userName} is in group ${name}`);
    } else {
      if (!policyNames(existing?.policyName).includes(name)) {
        if (await changePolicyAttachment(admin, "attach", [name], { user: userName })) {
          undo.push({
            what: `policy ${name} on ${userName}`,
            run: () => changePolicyAttachment(admin, "detach", [name], { user: userName }),
          });
        }
      }
      if (existing?.memberOf?.includes(name)) {
        await updateGroupMembers(admin, name, [userName], true);
      }
      step(`policy attached to ${userName}`);
    }

    // One grant per bucket: a new level or prefix replaces the old one.
    const previous = previousGrants[0];
    for (const old of previousGrants) {
      if (old.via === "group") await updateGroupMembers(admin, old.policyName, [userName], true);
      else await changePolicyAttachment(admin, "detach", [old.policyName], { user: userName });
      step(`previous grant ${old.access ?? "custom"} (${old.policyName}) removed`);
    }

    const result: DevAdded = {
      user: { name: userName, arn: null, created: !existing },
      bucket,
      policy: { name, arn: null, status },
      attachedTo: input.attach,
    };
    if (group) result.group = group;
    if (previous) {
      result.replacedGrant = {
        access: previous.access ?? "custom",
        policyName: previous.policyName,
      };
    }
    if (input.key === "none") {
      result.keySkipped = "--no-key";
    } else if (input.key === "auto" && keys.length > 0) {
      result.keySkipped = `${userName} already has ${keys.length === 1 ? "an access key" : `${keys.length} access keys`}; pass --new-key for another`;
    }
    return {
      result,
      wantsKey: result.keySkipped === undefined,
      rollBack: (cause) => rollBack(cause, undo, step),
    };
  } catch (err) {
    throw await rollBack(err, undo, step);
  }
}

/** Undoes this run's creations, newest first, and says so in the error it returns. */
async function rollBack(
  err: unknown,
  undo: Undo[],
  step: (message: string) => void,
): Promise<unknown> {
  if (undo.length === 0) return err;
  const removed: string[] = [];
  const left: string[] = [];
  for (const u of [...undo].reverse()) {
    try {
      await u.run();
      removed.push(u.what);
      step(`rolled back: ${u.what} removed`);
    } catch {
      left.push(u.what);
    }
  }
  const base = mapAwsError(err);
  const said = left.length
    ? ` s3kit removed what this run had created (${removed.join(", ") || "nothing"}), but could not remove: ${left.join(", ")}.`
    : ` s3kit removed what this run had created: ${removed.join(", ")}.`;
  return new S3kitError(
    {
      code: base.code,
      message: `${base.message}${said}`,
      exitCode: base.exitCode,
      ...(base.hint ? { hint: base.hint } : {}),
    },
    { cause: err },
  );
}
