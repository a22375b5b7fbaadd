// `iam list-devs` on MinIO: users with an s3kit policy or group, their grants (read back
// from the policies) and their keys (service accounts). MinIO encrypts both listings, so
// each costs one key derivation; keys are listed per user, two users at a time.

import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import { listPolicies, listServiceAccounts, listUsers } from "../../aws/minio-admin/operations.js";
import { mapPool } from "../concurrency.js";
import { type DevEntry, daysBetween, type KeyInfo } from "../iam/list.js";
import { describePrefixes, maskKeyId } from "../iam/names.js";
import { PER_USER_FOLDER } from "../policy/generate.js";
import { isManagedUser, userGrants } from "./grants-of-user.js";
import { isActive, keyCreated } from "./keys.js";

/** As the AWS listing shows it (from the s3kit:prefix tag): "uploads/", "per-user/", or null. */
function prefixLabel(grant: { prefixes?: string[]; perUserPrefix?: boolean }): string | null {
  const text = describePrefixes({
    prefixes: grant.prefixes ?? [],
    perUserPrefix: grant.perUserPrefix ?? false,
  }).replaceAll(PER_USER_FOLDER, "per-user/");
  return text || null;
}

export async function listMinioDevs(
  admin: MinioAdmin,
  options: { bucket?: string; now?: Date; signal?: AbortSignal } = {},
): Promise<DevEntry[]> {
  const now = options.now ?? new Date();
  const users = Object.entries(await listUsers(admin)).filter(([, u]) => isManagedUser(u));
  if (users.length === 0) return [];
  const documents = await listPolicies(admin);
  const entries = await mapPool(
    users,
    async ([name, user]): Promise<DevEntry> => {
      const grants = await userGrants(admin, user, documents);
      const accounts = await listServiceAccounts(admin, name);
      const keys: KeyInfo[] = accounts.map((a) => {
        const created = keyCreated(a);
        return {
          id: maskKeyId(a.accessKey),
          status: isActive(a) ? "Active" : "Inactive",
          createDate: created?.toISOString() ?? null,
          ageDays: daysBetween(created, now),
          lastUsed: null,
          lastUsedService: null,
          unusedDays: null,
          lastUsedTracked: false,
        };
      });
      const latest = grants.find((g) => g.bucket !== undefined);
      return {
        kind: "user",
        name,
        arn: null,
        createDate: null,
        bucket: latest?.bucket ?? null,
        access: latest?.access ?? null,
        prefix: latest ? prefixLabel(latest) : null,
        grants: grants.map((g) => ({
          bucket: g.bucket ?? "",
          access: g.access ?? "custom",
          policyName: g.policyName,
        })),
        keys,
      };
    },
    { concurrency: 2, ...(options.signal ? { signal: options.signal } : {}) },
  );
  const all = entries
    .filter((e): e is DevEntry => e !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (!options.bucket) return all;
  return all.filter((e) => e.grants.some((g) => g.bucket === options.bucket));
}
