// The admin calls s3kit makes, typed. Paths, parameters and which bodies travel encrypted
// follow MinIO's admin API (v3).

import { S3kitError } from "../../core/errors.js";
import type { MinioAdmin } from "./client.js";

export interface MinioUser {
  /** Comma-separated names of the policies attached to the user itself. */
  policyName?: string;
  status: "enabled" | "disabled";
  memberOf?: string[];
  updatedAt?: string;
}

export interface MinioServiceAccount {
  accessKey: string;
  parentUser: string;
  /** "on" or "off". */
  accountStatus: string;
  impliedPolicy?: boolean;
  name?: string;
  description?: string;
  expiration?: string | null;
}

export interface MinioGroup {
  name: string;
  status: string;
  members: string[] | null;
  /** Comma-separated policy names. */
  policy: string;
}

const isCode = (err: unknown, ...codes: string[]) =>
  err instanceof S3kitError && codes.includes(err.code);

async function unlessMissing<T>(work: () => Promise<T>, ...codes: string[]) {
  try {
    return await work();
  } catch (err) {
    if (isCode(err, ...codes)) return undefined;
    throw err;
  }
}

export const policyNames = (list: string | undefined): string[] =>
  (list ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);

export function getUser(admin: MinioAdmin, name: string): Promise<MinioUser | undefined> {
  return unlessMissing(
    () =>
      admin.json<MinioUser>({
        operation: "GetUserInfo",
        method: "GET",
        path: "/user-info",
        query: { accessKey: name },
      }),
    "XMinioAdminNoSuchUser",
  );
}

export async function addUser(admin: MinioAdmin, name: string, secretKey: string): Promise<void> {
  await admin.send({
    operation: "AddUser",
    method: "PUT",
    path: "/add-user",
    query: { accessKey: name },
    json: { secretKey, status: "enabled" },
    encrypt: true,
  });
}

export async function removeUser(admin: MinioAdmin, name: string): Promise<boolean> {
  const done = await unlessMissing(
    () =>
      admin.send({
        operation: "RemoveUser",
        method: "DELETE",
        path: "/remove-user",
        query: { accessKey: name },
      }),
    "XMinioAdminNoSuchUser",
  );
  return done !== undefined;
}

export function listUsers(admin: MinioAdmin): Promise<Record<string, MinioUser>> {
  return admin.decryptedJson({ operation: "ListUsers", method: "GET", path: "/list-users" });
}

export async function getPolicy(admin: MinioAdmin, name: string): Promise<unknown | undefined> {
  return unlessMissing(
    () =>
      admin.json<unknown>({
        operation: "InfoCannedPolicy",
        method: "GET",
        path: "/info-canned-policy",
        query: { name },
      }),
    "XMinioAdminNoSuchPolicy",
  );
}

export function listPolicies(admin: MinioAdmin): Promise<Record<string, unknown>> {
  return admin.json({
    operation: "ListCannedPolicies",
    method: "GET",
    path: "/list-canned-policies",
  });
}

export async function putPolicy(admin: MinioAdmin, name: string, document: unknown) {
  await admin.send({
    operation: "AddCannedPolicy",
    method: "PUT",
    path: "/add-canned-policy",
    query: { name },
    body: JSON.stringify(document),
  });
}

export async function removePolicy(admin: MinioAdmin, name: string): Promise<void> {
  await unlessMissing(
    () =>
      admin.send({
        operation: "RemoveCannedPolicy",
        method: "DELETE",
        path: "/remove-canned-policy",
        query: { name },
      }),
    "XMinioAdminNoSuchPolicy",
  );
}

export type PolicyTarget = { user: string } | { group: string };

/**
 * Attaches (or detaches) policies to a user or group. False when nothing changed (already
 * attached, or not attached). MinIO encrypts its answer; its status is all s3kit needs.
 */
export async function changePolicyAttachment(
  admin: MinioAdmin,
  operation: "attach" | "detach",
  policies: string[],
  target: PolicyTarget,
): Promise<boolean> {
  const done = await unlessMissing(
    () =>
      admin.send({
        operation: operation === "attach" ? "AttachPolicy" : "DetachPolicy",
        method: "POST",
        path: `/idp/builtin/policy/${operation}`,
        json: { policies, ...target },
        encrypt: true,
      }),
    "XMinioAdminPolicyChangeAlreadyApplied",
  );
  return done !== undefined;
}

export function getGroup(admin: MinioAdmin, name: string): Promise<MinioGroup | undefined> {
  return unlessMissing(
    () =>
      admin.json<MinioGroup>({
        operation: "GetGroupDescription",
        method: "GET",
        path: "/group",
        query: { group: name },
      }),
    "XMinioAdminNoSuchGroup",
  );
}

/** Adds users to a group (MinIO creates the group), or removes them. */
export async function updateGroupMembers(
  admin: MinioAdmin,
  group: string,
  members: string[],
  remove: boolean,
): Promise<void> {
  await admin.send({
    operation: "UpdateGroupMembers",
    method: "PUT",
    path: "/update-group-members",
    json: { group, members, groupStatus: "", isRemove: remove },
  });
}

export interface NewServiceAccount {
  targetUser: string;
  accessKey: string;
  secretKey: string;
  name: string;
  description: string;
}

/** A service account (access key) of `targetUser` with the user's own policies. */
export async function addServiceAccount(
  admin: MinioAdmin,
  account: NewServiceAccount,
): Promise<void> {
  // The answer (encrypted) repeats the keys s3kit chose; the status says it worked.
  await admin.send({
    operation: "AddServiceAccount",
    method: "PUT",
    path: "/add-service-account",
    json: account,
    encrypt: true,
  });
}

export async function setServiceAccountStatus(
  admin: MinioAdmin,
  accessKey: string,
  status: "on" | "off",
): Promise<void> {
  await admin.send({
    operation: "UpdateServiceAccount",
    method: "POST",
    path: "/update-service-account",
    query: { accessKey },
    json: { newStatus: status },
    encrypt: true,
  });
}

export async function deleteServiceAccount(admin: MinioAdmin, accessKey: string): Promise<void> {
  await unlessMissing(
    () =>
      admin.send({
        operation: "DeleteServiceAccount",
        method: "DELETE",
        path: "/delete-service-account",
        query: { accessKey },
      }),
    "XMinioAdminNoSuchAccessKey",
    "XMinioInvalidIAMCredentials",
  );
}

export async function listServiceAccounts(
  admin: MinioAdmin,
  user: string,
): Promise<MinioServiceAccount[]> {
  const answer = await admin.decryptedJson<{ accounts?: MinioServiceAccount[] | null }>({
    operation: "ListServiceAccounts",
    method: "GET",
    path: "/list-service-accounts",
    query: { user },
  });
  return answer.accounts ?? [];
}
