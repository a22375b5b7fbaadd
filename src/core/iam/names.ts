// IAM names: validation of what the user types (user and role names) and the names
// s3kit derives for the managed policy and group of a grant. Pure: no SDK, no I/O.

import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";
import { PER_USER_FOLDER } from "../policy/generate.js";

/** Where s3kit keeps its users, groups, roles and policies: easy to list and to tell apart. */
export const S3KIT_PATH = "/s3kit/";

/** Tag on every user and role s3kit creates. */
export const MANAGED_BY_TAG = { Key: "managed-by", Value: "s3kit" } as const;
export const BUCKET_TAG = "s3kit:bucket";
export const ACCESS_TAG = "s3kit:access";
export const PREFIX_TAG = "s3kit:prefix";
/** `s3kit:grant:<bucket>` = `<level> <policy name>`: one per bucket the principal may use. */
export const GRANT_TAG_PREFIX = "s3kit:grant:";

const NAME_CHARS = /^[A-Za-z0-9+=,.@_-]+$/;

type NameKind = "user" | "role" | "group" | "policy";
const MAX_LENGTH: Record<NameKind, number> = { user: 64, role: 64, group: 128, policy: 128 };

/** Why `name` is not a valid IAM name of this kind, or undefined. */
export function iamNameProblem(name: string, kind: NameKind): string | undefined {
  const max = MAX_LENGTH[kind];
  if (name.length === 0) return "is empty";
  if (name.length > max) return `has ${name.length} characters; at most ${max} are allowed`;
  if (!NAME_CHARS.test(name)) {
    const bad = [...new Set(name.replace(/[A-Za-z0-9+=,.@_-]/g, ""))];
    return `contains ${bad.map((c) => JSON.stringify(c)).join(", ")}; only letters, digits and + = , . @ _ - are allowed`;
  }
  return undefined;
}

/** Throws a UsageError (exit 2) for an invalid IAM user or role name. */
export function assertValidIamName(name: string, kind: "user" | "role"): void {
  const problem = iamNameProblem(name, kind);
  if (problem) {
    throw new UsageError(
      `Invalid IAM ${kind} name "${name}": it ${problem}.`,
      `IAM ${kind} names have 1-${MAX_LENGTH[kind]} characters: letters, digits and + = , . @ _ -. For example "alice" or "ci-deploy".`,
      `InvalidIam${kind === "user" ? "User" : "Role"}Name`,
    );
  }
}

export interface GrantSpec {
  bucket: string;
  access: string;
  prefixes: readonly string[];
  perUserPrefix: boolean;
}

/**
 * The name of the managed policy (and of the group) for a grant, e.g.
 * `s3kit-my-app-uploads-read-write-uploads`. Folder prefixes ("uploads/") lose their
 * trailing slash, inner slashes become "+". When the name would be ambiguous (a prefix
 * that is not a folder, characters IAM names cannot hold) or too long, a short hash of
 * the exact prefixes makes it unique.
 */
export function grantName(grant: GrantSpec): string {
  const parts = ["s3kit", grant.bucket, grant.access];
  let exact = true;
  for (const prefix of grant.prefixes) {
    let p = prefix;
    if (p.endsWith("/")) p = p.slice(0, -1);
    else exact = false;
    if (p.includes("+")) exact = false;
    p = p.replaceAll("/", "+");
    const cleaned = p.replace(/[^A-Za-z0-9+=,.@_-]/g, "_");
    if (cleaned !== p) exact = false;
    parts.push(cleaned);
  }
  if (grant.perUserPrefix) parts.push("per-user");
  let name = parts.join("-");
  const max = MAX_LENGTH.policy;
  if (!exact || name.length > max) {
    const hash = createHash("sha256")
      .update(JSON.stringify([grant.prefixes, grant.perUserPrefix]))
      .digest("hex")
      .slice(0, 8);
    name = `${name.slice(0, max - hash.length - 1)}-${hash}`;
  }
  return name;
}

/** Tag values allow letters, digits, spaces and _ . : / = + - @ only. */
export function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, "_").slice(0, 256);
}

/** The human form of a grant's prefixes: "uploads/", "uploads/${aws:username}/", "". */
export function describePrefixes(grant: Pick<GrantSpec, "prefixes" | "perUserPrefix">): string {
  const user = grant.perUserPrefix ? PER_USER_FOLDER : "";
  if (grant.prefixes.length === 0) return user;
  return grant.prefixes.map((p) => p + user).join(" ");
}

export interface Tag {
  Key: string;
  Value: string;
}

/** Tags s3kit puts on a user or role for a grant (the latest grant wins the plain tags). */
export function grantTags(grant: GrantSpec, policyName: string): Tag[] {
  const tags: Tag[] = [
    { ...MANAGED_BY_TAG },
    { Key: BUCKET_TAG, Value: grant.bucket },
    { Key: ACCESS_TAG, Value: grant.access },
    { Key: `${GRANT_TAG_PREFIX}${grant.bucket}`, Value: `${grant.access} ${policyName}` },
  ];
  const prefixes = describePrefixes(grant).replaceAll(PER_USER_FOLDER, "per-user/");
  tags.push({ Key: PREFIX_TAG, Value: tagValue(prefixes) });
  return tags;
}

export interface GrantRecord {
  bucket: string;
  access: string;
  policyName: string;
}

/** The grants recorded in a principal's tags. */
export function grantsFromTags(tags: readonly { Key?: string; Value?: string }[]): GrantRecord[] {
  const out: GrantRecord[] = [];
  for (const t of tags) {
    if (!t.Key?.startsWith(GRANT_TAG_PREFIX)) continue;
    const [access = "", policyName = ""] = (t.Value ?? "").split(" ");
    out.push({ bucket: t.Key.slice(GRANT_TAG_PREFIX.length), access, policyName });
  }
  return out.sort((a, b) => a.bucket.localeCompare(b.bucket));
}

export function isManagedByS3kit(tags: readonly { Key?: string; Value?: string }[]): boolean {
  return tags.some((t) => t.Key === MANAGED_BY_TAG.Key && t.Value === MANAGED_BY_TAG.Value);
}

export function tagOf(
  tags: readonly { Key?: string; Value?: string }[],
  key: string,
): string | undefined {
  return tags.find((t) => t.Key === key)?.Value;
}

/** `AKIA************MPLE`: enough to tell keys apart, not to copy one. */
export function maskKeyId(id: string): string {
  if (id.length <= 8) return "*".repeat(id.length);
  return `${id.slice(0, 4)}${"*".repeat(id.length - 8)}${id.slice(-4)}`;
}
