// `iam rotate-key` on MinIO. A developer's key is a service account, so rotation works
// as on AWS and through the same handover (../iam/key-handover.ts): a new key is created
// and handed over (the --out file written durably) before the old one is switched off or
// deleted; if the handover fails, the new key is deleted and the old one stays as it was.
// MinIO has no limit of two keys, so none is deleted to make room.

import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import { getUser, listServiceAccounts } from "../../aws/minio-admin/operations.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { replaceKey } from "../iam/key-handover.js";
import type { RotateKeyInput, RotateKeyResult, RotationContext } from "../iam/rotate-key.js";
import { userGrants } from "./grants-of-user.js";
import { isActive, minioKeyBackend } from "./keys.js";

export type MinioRotated<D> = Omit<RotateKeyResult<D>, "user"> & {
  user: { name: string; arn: null };
};

export function minioUserNotFound(userName: string): NotFoundError {
  return new NotFoundError(
    `MinIO user ${userName} does not exist.`,
    "List the developers with `s3kit iam list-devs`.",
    "NoSuchUser",
  );
}

export async function rotateMinioKey<D, S>(
  admin: MinioAdmin,
  input: RotateKeyInput<D, S> & {
    /** Checks the --out file against the user's current keys, before anything changes. */
    precheck?: (currentKeyIds: string[]) => void;
  },
): Promise<MinioRotated<D>> {
  const { userName } = input;
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
  const context: RotationContext = { previousKeyIds: keys.map((k) => k.accessKey) };
  input.precheck?.(context.previousKeyIds);
  const bucket = (await userGrants(admin, user)).find((g) => g.bucket)?.bucket;
  if (bucket) context.bucket = bucket;

  const replaced = await replaceKey(
    minioKeyBackend(admin, userName),
    old ? { accessKeyId: old.accessKey, active: isActive(old), afterwards: input.old } : undefined,
    {
      deliver: (key) => input.deliver(key, context),
      show: (key) => input.show(key, context),
      ...(input.onStep ? { onStep: input.onStep } : {}),
      ...(input.destination ? { destination: input.destination } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onInterrupt ? { onInterrupt: input.onInterrupt } : {}),
    },
  );
  const result: MinioRotated<D> = {
    ...context,
    user: { name: userName, arn: null },
    accessKey: replaced.key,
    delivery: replaced.delivery,
  };
  if (replaced.oldKey) result.oldKey = replaced.oldKey;
  if (replaced.oldKeyError) result.oldKeyError = replaced.oldKeyError;
  return result;
}
