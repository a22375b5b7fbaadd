import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import { getPolicy, type MinioUser, policyNames } from "../../aws/minio-admin/operations.js";
import { type RecognizedGrant, recognizeGrant } from "./grants.js";
import { isS3kitName } from "./names.js";

export interface UserGrant extends Partial<RecognizedGrant> {
  policyName: string;
  via: "group" | "user";
}

/** The s3kit policies and groups a user has, in name order. */
export function s3kitAttachments(user: MinioUser): { name: string; via: "group" | "user" }[] {
  return [
    ...(user.memberOf ?? []).filter(isS3kitName).map((name) => ({ name, via: "group" as const })),
    ...policyNames(user.policyName)
      .filter(isS3kitName)
      .map((name) => ({ name, via: "user" as const })),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

/** A user s3kit set up has at least one s3kit policy or group. */
export function isManagedUser(user: MinioUser): boolean {
  return s3kitAttachments(user).length > 0;
}

/** The user's s3kit grants, read back from their policies (one call per policy). */
export async function userGrants(
  admin: MinioAdmin,
  user: MinioUser,
  documents?: Record<string, unknown>,
): Promise<UserGrant[]> {
  const out: UserGrant[] = [];
  for (const { name, via } of s3kitAttachments(user)) {
    const doc = documents ? documents[name] : await getPolicy(admin, name);
    out.push({ policyName: name, via, ...(doc ? recognizeGrant(doc) : {}) });
  }
  return out;
}
