// `iam list-devs`: the users and roles s3kit manages (path /s3kit/), their grants and
// keys. One listing call per page, then a few calls per user with bounded concurrency
// and a shared back-off when IAM throttles.

import {
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  type IAMClient,
  ListRolesCommand,
  ListUsersCommand,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, isNoSuchEntity } from "../../aws/errors.js";
import { Backoff, mapPool, type PoolOptions } from "../concurrency.js";
import { allPages, listAccessKeys, listPrincipalTags, markerInput } from "./listing.js";
import {
  ACCESS_TAG,
  BUCKET_TAG,
  type GrantRecord,
  grantsFromTags,
  isManagedByS3kit,
  maskKeyId,
  PREFIX_TAG,
  S3KIT_PATH,
  type Tag,
  tagOf,
} from "./names.js";

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
  /** false where the server records no last use (MinIO): lastUsed null then means unknown. */
  lastUsedTracked?: false;
}

export interface DevEntry {
  kind: "user" | "role";
  name: string;
  /** null on MinIO, which has no ARNs. */
  arn: string | null;
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
  const keys = await listAccessKeys(iam, userName, call);
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
  principal: PrincipalInfo,
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

/** What entries need of a user or role, from either listing. */
interface PrincipalInfo {
  Arn?: string | undefined;
  CreateDate?: Date | undefined;
}

interface Listed {
  principal: PrincipalInfo;
  name: string;
  /** Known when the listing carried them (GetAccountAuthorizationDetails). */
  tags?: Tag[];
  /** Outside /s3kit/: one of the developers only if taken over (--adopt), as its tags say. */
  outside?: boolean;
}

const toTags = (tags: { Key?: string; Value?: string }[] | undefined): Tag[] =>
  (tags ?? []).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" }));

/**
 * Users and roles under /s3kit/, and users s3kit took over (--adopt keeps their path, and
 * tags them), with their tags in a few pages (GetAccountAuthorizationDetails), which saves
 * one ListUserTags call per user; undefined when the caller may not make that call.
 */
async function listWithDetails(
  iam: IAMClient,
  call: <X>(fn: () => Promise<X>) => Promise<X>,
  roles: boolean,
): Promise<{ users: Listed[]; roles: Listed[] } | undefined> {
  try {
    const pages = await allPages((marker) =>
      call(() =>
        iam.send(
          new GetAccountAuthorizationDetailsCommand({
            Filter: roles ? ["User", "Role"] : ["User"],
            ...markerInput(marker),
          }),
        ),
      ),
    );
    const under = (path: string | undefined) => path?.startsWith(S3KIT_PATH) === true;
    return {
      users: pages
        .flatMap((p) => p.UserDetailList ?? [])
        .filter((u) => under(u.Path) || isManagedByS3kit(u.Tags ?? []))
        .map((u) => ({ principal: u, name: u.UserName ?? "", tags: toTags(u.Tags) })),
      roles: pages
        .flatMap((p) => p.RoleDetailList ?? [])
        .filter((r) => under(r.Path))
        .map((r) => ({ principal: r, name: r.RoleName ?? "", tags: toTags(r.Tags) })),
    };
  } catch (err) {
    if (errorCodeOf(err) === "AccessDenied") return undefined;
    throw err;
  }
}

/**
 * The plain listings, for callers without iam:GetAccountAuthorizationDetails: every user,
 * since a user taken over keeps its path (its tags tell, one call per user outside /s3kit/).
 */
async function listPlain(
  iam: IAMClient,
  call: <X>(fn: () => Promise<X>) => Promise<X>,
  roles: boolean,
): Promise<{ users: Listed[]; roles: Listed[] }> {
  const userPages = await allPages((marker) =>
    call(() => iam.send(new ListUsersCommand(markerInput(marker)))),
  );
  const rolePages = roles
    ? await allPages((marker) =>
        call(() =>
          iam.send(new ListRolesCommand({ PathPrefix: S3KIT_PATH, ...markerInput(marker) })),
        ),
      )
    : [];
  return {
    users: userPages
      .flatMap((p) => p.Users ?? [])
      .map((u) => ({
        principal: u,
        name: u.UserName ?? "",
        ...(u.Path?.startsWith(S3KIT_PATH) ? {} : { outside: true }),
      })),
    roles: rolePages
      .flatMap((p) => p.Roles ?? [])
      .map((r) => ({ principal: r, name: r.RoleName ?? "" })),
  };
}

export async function listDevs(aws: Aws, options: ListDevsOptions = {}): Promise<DevEntry[]> {
  const iam = await aws.iam();
  const now = options.now ?? new Date();
  const backoff = new Backoff(options);
  const listCall = <X>(fn: () => Promise<X>) => backoff.run(fn);
  const withRoles = options.roles !== false;
  const listed =
    (await listWithDetails(iam, listCall, withRoles)) ??
    (await listPlain(iam, listCall, withRoles));

  const userEntries = await mapPool(
    listed.users,
    ({ principal, name, tags, outside }, call) =>
      unlessDeleted(async () => {
        if (outside) {
          const userTags = tags ?? (await listPrincipalTags(iam, "user", name, call));
          if (!isManagedByS3kit(userTags)) return undefined;
          tags = userTags;
        }
        const [userTags, keys] = await Promise.all([
          tags ?? listPrincipalTags(iam, "user", name, call),
          describeKeys(iam, call, name, now),
        ]);
        // Only the masked id leaves list-devs.
        const masked = keys.map(({ accessKeyId: _full, ...rest }) => rest);
        return entryFrom("user", principal, name, userTags, masked);
      }),
    options,
  );
  const roleEntries = await mapPool(
    listed.roles,
    ({ principal, name, tags }, call) =>
      unlessDeleted(async () =>
        entryFrom(
          "role",
          principal,
          name,
          tags ?? (await listPrincipalTags(iam, "role", name, call)),
          [],
        ),
      ),
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
