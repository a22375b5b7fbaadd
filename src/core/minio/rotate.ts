// `iam rotate-key` on MinIO. A developer's key is a service account, so rotation works
// as on AWS: a new key is created and handed over (the --out file written) before the
// old one is switched off or deleted; if the handover fails, the new key is deleted and
// the old one is left as it was. MinIO has no limit of two keys, so none is deleted to
// make room.

import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import {
  addServiceAccount,
  deleteServiceAccount,
  getUser,
  listServiceAccounts,
  setServiceAccountStatus,
} from "../../aws/minio-admin/operations.js";
import { ConflictError, NotFoundError } from "../errors.js";
import type { KeyRotated } from "../iam/backend-types.js";
import type { NewAccessKey, RotateKeyInput } from "../iam/dev-users.js";
import { userGrants } from "./grants-of-user.js";
import { isActive, KEY_NAME, newMinioKey } from "./keys.js";

export interface MinioRotateInput extends RotateKeyInput {
  /** Checks the --out file against the user's current keys, before anything changes. */
  precheck?: (currentKeyIds: string[]) => void;
  /** Hands the new key over (prints it or writes the file); must finish before the old key changes. */
  deliver: (key: NewAccessKey, bucket: string | undefined, previousKeyIds: string[]) => void;
}

export function minioUserNotFound(userName: string): NotFoundError {
  return new NotFoundError(
    `MinIO user ${userName} does not exist.`,
    "List the developers with `s3kit iam list-devs`.",
    "NoSuchUser",
  );
}

export async function rotateMinioKey(
  admin: MinioAdmin,
  input: MinioRotateInput,
): Promise<KeyRotated> {
  const { userName } = input;
  const step = input.onStep ?? (() => {});
  const user = await getUser(admin, userName);
  if (!user) throw minioUserNotFound(userName);
  const keys = await listServiceAccounts(admin, userName);
  let old = input.keyId ? keys.find((k) => k.accessKey === input.keyId) : undefined;
  if (input.keyId && !old) {
    throw new NotFoundError(
      `${userName} has no access key ${input.keyId}.`,
      `Its keys: ${keys.map((k) => k.accessKey).join(", ") || "none"}.`,
      "NoSuchAccessKey",
    );
  }
  if (!old) {
    const active = keys.filter(isActive);
    if (active.length > 1) {
      throw new ConflictError(
        `${userName} has ${active.length} active access keys; s3kit cannot tell which one to rotate.`,
        `Name it with --key-id (${active.map((k) => k.accessKey).join(", ")}).`,
        "AmbiguousAccessKey",
      );
    }
    old = active[0] ?? keys[0];
  }
  const previousKeyIds = keys.map((k) => k.accessKey);
  input.precheck?.(previousKeyIds);
  const bucket = (await userGrants(admin, user)).find((g) => g.bucket)?.bucket;

  const key = newMinioKey();
  await addServiceAccount(admin, {
    targetUser: userName,
    accessKey: key.accessKeyId,
    secretKey: key.secretAccessKey,
    name: KEY_NAME,
    description: key.description,
  });
  const accessKey: NewAccessKey = {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    createDate: key.createDate,
  };
  step(`new access key ${key.accessKeyId} created`);
  try {
    input.deliver(accessKey, bucket, previousKeyIds);
  } catch (err) {
    await deleteServiceAccount(admin, key.accessKeyId);
    throw err;
  }

  const result: KeyRotated = { user: { name: userName, arn: null }, accessKey, previousKeyIds };
  if (bucket) result.bucket = bucket;
  if (old) {
    const id = old.accessKey;
    if (input.old === "delete") {
      await deleteServiceAccount(admin, id);
      result.oldKey = { accessKeyId: id, status: "deleted" };
      step(`old key ${id} deleted`);
    } else if (input.old === "deactivate") {
      if (isActive(old)) await setServiceAccountStatus(admin, id, "off");
      result.oldKey = { accessKeyId: id, status: "inactive" };
      step(`old key ${id} made inactive`);
    } else {
      result.oldKey = { accessKeyId: id, status: isActive(old) ? "active" : "inactive" };
    }
  }
  return result;
}
