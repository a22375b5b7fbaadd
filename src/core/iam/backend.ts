// Developers on whichever user management the endpoint has: AWS IAM (and IAM-compatible
// servers such as moto) through the IAM code beside this file, MinIO through its admin
// API (src/core/minio). Which one is learned from the endpoint's answers on every run;
// an endpoint with neither (versitygw, R2) is told so before anything changes.

import type { Aws } from "../../aws/clients.js";
import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import { detectUserManagement } from "../../aws/minio-admin/probe.js";
import { UsageError } from "../errors.js";
import { addMinioDev, discardMinioKey, validateMinioDev } from "../minio/add-dev.js";
import { listMinioDevs } from "../minio/list.js";
import { removeMinioDev } from "../minio/remove.js";
import { rotateMinioKey } from "../minio/rotate.js";
import type { DevAdded, DevRemoved, KeyRotated } from "./backend-types.js";
import {
  type CredentialFormat,
  type Delivery,
  deliverCredentials,
  type EnvStyle,
  precheckCredentialsFile,
} from "./credentials.js";
import {
  type AddDevInput,
  appCredentialValues,
  type RemoveDevInput,
  type RotateKeyInput,
  removeDev,
  rotateKey,
  userKeys,
} from "./dev-users.js";
import { type DevEntry, type ListDevsOptions, listDevs } from "./list.js";
import { type CredentialDelivery, onboardDeveloper } from "./onboard.js";

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

export interface Onboarded {
  result: DevAdded;
  /** Absent when no key was created (the user had one, or --no-key). */
  delivery?: Delivery;
}

/** `iam add-dev` from start to handover on either backend. */
export async function addDeveloper(
  aws: Aws,
  input: AddDevInput & { delivery: CredentialDelivery; onWarning?: (message: string) => void },
): Promise<Onboarded> {
  const found = await userManagement(aws);
  if (found.kind === "aws-iam") return onboardDeveloper(aws, input);
  validateMinioDev(input);
  const result = await addMinioDev(aws, found.admin, {
    ...input,
    ...(input.onWarning ? { onUnsupported: input.onWarning } : {}),
  });
  const key = result.accessKey;
  if (!key) return { result };
  try {
    const delivery = deliverCredentials({
      format: input.delivery.format,
      style: input.delivery.style,
      values: appCredentialValues(aws, input.userName, key, input.grant.bucket),
      ...(input.delivery.outPath ? { outPath: input.delivery.outPath } : {}),
      force: input.delivery.force,
    });
    return { result, delivery };
  } catch (err) {
    await discardMinioKey(found.admin, key.accessKeyId);
    throw err;
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

export interface RotateDelivery {
  format: CredentialFormat;
  style: EnvStyle;
  outPath?: string;
  force: boolean;
}

export interface Rotated {
  backend: "aws-iam" | "minio";
  result: KeyRotated;
  delivery: Delivery;
}

/** `iam rotate-key`: a new key, handed over, and the old one dealt with. */
export async function rotateDeveloperKey(
  aws: Aws,
  input: RotateKeyInput & { delivery: RotateDelivery },
): Promise<Rotated> {
  const { delivery: d, userName } = input;
  const precheck = (keyIds: string[]) => {
    if (!d.outPath) return;
    // The file may hold this user's current key (that is what rotation replaces), nobody else's.
    precheckCredentialsFile(d.outPath, d.format, d.style, {
      force: d.force,
      profileName: userName,
      replaceableKeyIds: keyIds,
    });
  };
  const deliver = (
    key: KeyRotated["accessKey"],
    bucket: string | undefined,
    previousKeyIds: string[],
  ) =>
    deliverCredentials({
      format: d.format,
      style: d.style,
      values: appCredentialValues(aws, userName, key, bucket),
      ...(d.outPath ? { outPath: d.outPath } : {}),
      force: d.force,
      replaceableKeyIds: previousKeyIds,
    });

  const found = await userManagement(aws);
  if (found.kind === "minio") {
    let delivery: Delivery | undefined;
    const result = await rotateMinioKey(found.admin, {
      ...input,
      precheck,
      deliver: (key, bucket, previous) => {
        delivery = deliver(key, bucket, previous);
      },
    });
    return { backend: "minio", result, delivery: delivery as Delivery };
  }
  if (d.outPath) {
    const { keys } = await userKeys(aws, userName);
    precheck(keys.map((k) => k.AccessKeyId ?? ""));
  }
  const result = await rotateKey(aws, input);
  return {
    backend: "aws-iam",
    result,
    delivery: deliver(result.accessKey, result.bucket, result.previousKeyIds),
  };
}
