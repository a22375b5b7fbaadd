// `iam rotate-key` on AWS IAM: a new key handed over (see key-handover.ts), then the old
// one made inactive, deleted or left active. IAM allows two keys per user: an inactive
// second key is deleted (after confirmation) to make room.

import { type AccessKeyMetadata, DeleteAccessKeyCommand, type User } from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import type { RegisterCleanup } from "../cleanup.js";
import { ConflictError, NotFoundError, type S3kitError } from "../errors.js";
import { type NewAccessKey, replaceKey } from "./key-handover.js";
import { listAccessKeys, listPrincipalTags } from "./listing.js";
import { BUCKET_TAG, type Tag } from "./names.js";
import {
  type Confirm,
  cancelled,
  getUser,
  iamKeyBackend,
  MAX_ACCESS_KEYS,
  type StepReporter,
  userNotFound,
} from "./users.js";

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
