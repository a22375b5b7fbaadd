// `iam list-devs`: the users and roles s3kit manages (path /s3kit/), their grants and
// keys. One listing call per page, then a few calls per user with bounded concurrency
// and a shared back-off when IAM throttles.

import {
  type AccessKeyMetadata,
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  type Role,
  type User,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import {
  ACCESS_TAG,
  BUCKET_TAG,
  type GrantRecord,
  grantsFromTags,
  maskKeyId,
  PREFIX_TAG,
  S3KIT_PATH,
  type Tag,
  tagOf,
} from "./names.js";
import { isNoSuchEntity } from "./policies.js";
import { allPages, Backoff, mapPool, type PoolOptions } from "./pool.js";

/** A user or role deleted between the listing and the calls about it is left out. */
export async function unlessDeleted<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

export interface KeyInfo {
  /** Masked: `AKIA************MPLE`. */
  id: string;
  status: "Active" | "Inactive";
  createDate: string | null;
  ageDays: number | null;
  lastUsed: string | null;
  lastUsedService: string | null;
  /** Days since last use; null when never used. */
  unusedDays: number | null;
}

export interface DevEntry {
  kind: "user" | "role";
  name: string;
  arn: string;
  createDate: string | null;
  /** The latest grant's bucket, level and prefix (from the tags). */
  bucket: string | null;
  access: string | null;
  prefix: string | null;
  grants: GrantRecord[];
  keys: KeyInfo[];
}

export interface ListDevsOptions extends PoolOptions {
  bucket?: string;
  /** Include roles (default true). */
  roles?: boolean;
  now?: Date;
}

const DAY = 86_400_000;

export function daysBetween(from: Date | undefined, now: Date): number | null {
  if (!from) return null;
  return Math.max(0, Math.floor((now.getTime() - from.getTime()) / DAY));
}

async function listTags(
  iam: IAMClient,
  call: <X>(fn: () => Promise<X>) => Promise<X>,
  kind: "user" | "role",
  name: string,
): Promise<Tag[]> {
  const pages = await allPages((marker) =>
    call(() =>
      kind === "user"
        ? iam.send(
            new ListUserTagsCommand({ UserName: name, ...(marker ? { Marker: marker } : {}) }),
          )
        : iam.send(
            new ListRoleTagsCommand({ RoleName: name, ...(marker ? { Marker: marker } : {}) }),
          ),
    ),
  );
  return pages.flatMap((p) =>
    (p.Tags ?? []).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" })),
  );
}

/** A key as audit sees it: with the full id, for the commands in its fixes. */
export interface KeyDetails extends KeyInfo {
  accessKeyId: string;
}

/** One user's keys with their age and last use. */
export async function describeKeys(
  iam: IAMClient,
  call: <X>(fn: () => Promise<X>) => Promise<X>,
  userName: string,
  now: Date,
): Promise<KeyDetails[]> {
  const pages = await allPages((marker) =>
    call(() =>
      iam.send(
        new ListAccessKeysCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
      ),
    ),
  );
  const keys: AccessKeyMetadata[] = pages.flatMap((p) => p.AccessKeyMetadata ?? []);
  const out: KeyDetails[] = [];
  for (const key of keys) {
    const used = await call(() =>
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId ?? "" })),
    );
    const last = used.AccessKeyLastUsed?.LastUsedDate;
    const service = used.AccessKeyLastUsed?.ServiceName;
    out.push({
      accessKeyId: key.AccessKeyId ?? "",
      id: maskKeyId(key.AccessKeyId ?? ""),
      status: key.Status === "Active" ? "Active" : "Inactive",
      createDate: key.CreateDate?.toISOString() ?? null,
      ageDays: daysBetween(key.CreateDate, now),
      lastUsed: last?.toISOString() ?? null,
      lastUsedService: last && service && service !== "N/A" ? service : null,
      unusedDays: last ? daysBetween(last, now) : null,
    });
  }
  return out;
}

function entryFrom(
  kind: "user" | "role",
  principal: User | Role,
  name: string,
  tags: Tag[],
  keys: KeyInfo[],
): DevEntry {
  return {
    kind,
    name,
    arn: principal.Arn ?? "",
    createDate: principal.CreateDate?.toISOString() ?? null,
    bucket: tagOf(tags, BUCKET_TAG) ?? null,
    access: tagOf(tags, ACCESS_TAG) ?? null,
    prefix: tagOf(tags, PREFIX_TAG) || null,
    grants: grantsFromTags(tags),
    keys,
  };
}

export async function listDevs(aws: Aws, options: ListDevsOptions = {}): Promise<DevEntry[]> {
  const iam = await aws.iam();
  const now = options.now ?? new Date();
  const backoff = new Backoff(options);
  const listCall = <X>(fn: () => Promise<X>) => backoff.run(fn);

  const userPages = await allPages((marker) =>
    listCall(() =>
      iam.send(
        new ListUsersCommand({ PathPrefix: S3KIT_PATH, ...(marker ? { Marker: marker } : {}) }),
      ),
    ),
  );
  const users = userPages.flatMap((p) => p.Users ?? []);
  const rolePages =
    options.roles === false
      ? []
      : await allPages((marker) =>
          listCall(() =>
            iam.send(
              new ListRolesCommand({
                PathPrefix: S3KIT_PATH,
                ...(marker ? { Marker: marker } : {}),
              }),
            ),
          ),
        );
  const roles = rolePages.flatMap((p) => p.Roles ?? []);

  const userEntries = await mapPool(
    users,
    (user, call) =>
      unlessDeleted(async () => {
        const name = user.UserName ?? "";
        const [tags, keys] = await Promise.all([
          listTags(iam, call, "user", name),
          describeKeys(iam, call, name, now),
        ]);
        // Only the masked id leaves list-devs.
        const masked = keys.map(({ accessKeyId: _full, ...rest }) => rest);
        return entryFrom("user", user, name, tags, masked);
      }),
    options,
  );
  const roleEntries = await mapPool(
    roles,
    (role, call) =>
      unlessDeleted(async () => {
        const name = role.RoleName ?? "";
        return entryFrom("role", role, name, await listTags(iam, call, "role", name), []);
      }),
    options,
  );
  const all = [...userEntries, ...roleEntries]
    .filter((e): e is DevEntry => e !== undefined)
    .sort((a, b) => a.kind.localeCompare(b.kind) * -1 || a.name.localeCompare(b.name));
  if (!options.bucket) return all;
  return all.filter(
    (e) => e.bucket === options.bucket || e.grants.some((g) => g.bucket === options.bucket),
  );
}
