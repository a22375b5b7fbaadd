// Developers on whichever user management the endpoint has: AWS IAM (and IAM-compatible
// servers such as moto) through the IAM code beside this file, MinIO through its admin
// API (src/core/minio). Which one is learned from the endpoint's answers on every run;
// an endpoint with neither (versitygw, R2) is told so before anything changes.

import type { Aws } from "../../aws/clients.js";
import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import { detectUserManagement } from "../../aws/minio-admin/probe.js";
import { UsageError } from "../errors.js";
import type { Delivery, UnsavedKey } from "../handover/deliver.js";
import { addMinioDev, validateMinioDev } from "../minio/add-dev.js";
import { minioKeyBackend } from "../minio/keys.js";
import { listMinioDevs } from "../minio/list.js";
import { removeMinioDev } from "../minio/remove.js";
import { rotateMinioKey } from "../minio/rotate.js";
import type { DevAdded, DevRemoved } from "./backend-types.js";
import { deliverNewKey } from "./deliver-key.js";
import { handOverNewKey, KeyNotSavedError, type NewAccessKey } from "./key-handover.js";
import { type DevEntry, type ListDevsOptions, listDevs } from "./list.js";
import { type OnboardInput, onboardDeveloper } from "./onboard.js";
import { type RemoveDevInput, removeDev } from "./remove-dev.js";
import { type RotateKeyInput, type RotateKeyResult, rotateKey, userKeys } from "./rotate-key.js";

export type UserManagement = { kind: "aws-iam" } | { kind: "minio"; admin: MinioAdmin };

/** The endpoint's user management; exit 2 (nothing changed) when it has none. */
export async function userManagement(aws: Aws): Promise<UserManagement> {
  const found = await detectUserManagement(aws);
  if (found.kind === "none") {
    throw new UsageError(
      `${aws.endpoint("s3")} has no user management (it answers neither IAM nor MinIO's admin API): create access keys in the service's own console or API (for Cloudflare R2: an R2 API token), and use \`s3kit policy generate\` where the service takes a policy.`,
      undefined,
      "NoUserManagement",
    );
  }
  return found;
}

/** For the IAM-only commands (roles, audit): exit 2 on MinIO or an endpoint without IAM. */
export async function requireAwsIam(aws: Aws, command: string, instead: string): Promise<void> {
  const found = await userManagement(aws);
  if (found.kind === "minio") {
    throw new UsageError(
      `\`s3kit ${command}\` needs AWS IAM; this endpoint is a MinIO server: ${instead}`,
      undefined,
      "NotOnMinio",
    );
  }
}

/** `iam add-dev` from start to handover, on either backend. */
export async function addDeveloper(
  aws: Aws,
  input: OnboardInput & { onWarning?: (message: string) => void },
): Promise<{ result: DevAdded; delivery?: Delivery }> {
  const found = await userManagement(aws);
  if (found.kind === "aws-iam") return onboardDeveloper(aws, input);
  validateMinioDev(input);
  const prepared = await addMinioDev(aws, found.admin, {
    ...input,
    ...(input.onWarning ? { onUnsupported: input.onWarning } : {}),
  });
  const { result } = prepared;
  if (!prepared.wantsKey) return { result };
  const { outPath } = input.delivery;
  const render = (key: NewAccessKey, path?: string) => deliverNewKey(aws, input, key, path);
  try {
    const { key, delivery } = await handOverNewKey(minioKeyBackend(found.admin, input.userName), {
      deliver: (key) => render(key, outPath),
      show: (key): UnsavedKey => ({ accessKey: key, delivery: render(key) }),
      ...(outPath ? { destination: outPath } : {}),
      ...(input.onStep ? { onStep: input.onStep } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onInterrupt ? { onInterrupt: input.onInterrupt } : {}),
    });
    result.accessKey = key;
    return { result, delivery };
  } catch (err) {
    // A key whose secret is being shown once must keep working: nothing is removed then.
    if (err instanceof KeyNotSavedError && !err.discarded) throw err;
    throw await prepared.rollBack(err);
  }
}

export async function listDevelopers(aws: Aws, options: ListDevsOptions): Promise<DevEntry[]> {
  const found = await userManagement(aws);
  if (found.kind === "aws-iam") return listDevs(aws, options);
  return listMinioDevs(found.admin, {
    ...(options.bucket ? { bucket: options.bucket } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export async function removeDeveloper(aws: Aws, input: RemoveDevInput): Promise<DevRemoved> {
  const found = await userManagement(aws);
  if (found.kind === "aws-iam") return removeDev(aws, input);
  return removeMinioDev(found.admin, input);
}

export type Rotated<D> = Omit<RotateKeyResult<D>, "user"> & {
  user: { name: string; arn: string | null };
};

/**
 * `iam rotate-key` on either backend: a new key handed over (see key-handover.ts), then
 * the old one dealt with. `precheck` sees the user's current key ids before any change.
 */
export async function rotateDeveloperKey<D, S>(
  aws: Aws,
  input: RotateKeyInput<D, S>,
  precheck?: (currentKeyIds: string[]) => void,
): Promise<{ backend: "aws-iam" | "minio"; result: Rotated<D> }> {
  const found = await userManagement(aws);
  if (found.kind === "minio") {
    const result = await rotateMinioKey(found.admin, {
      ...input,
      ...(precheck ? { precheck } : {}),
    });
    return { backend: "minio", result };
  }
  if (precheck) {
    const { keys } = await userKeys(aws, input.userName);
    precheck(keys.map((k) => k.AccessKeyId ?? ""));
  }
  return { backend: "aws-iam", result: await rotateKey(aws, input) };
}
