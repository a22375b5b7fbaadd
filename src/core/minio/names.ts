// Names on MinIO: what MinIO accepts for a user (its access key) and the names s3kit
// derives for a grant's policy and group. Pure: no calls.

import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";
import type { Grant } from "../iam/grant.js";

/** Policies and groups s3kit manages carry this prefix (as on AWS). */
export const S3KIT_NAME_PREFIX = "s3kit-";

/** Throws a UsageError (exit 2) for a name MinIO would refuse as a user. */
export function assertValidMinioUserName(name: string): void {
  let problem: string | undefined;
  if (name.length < 3) problem = `has ${name.length} characters; MinIO needs at least 3`;
  else if (/[,=]/.test(name)) problem = 'contains "," or "=", which MinIO reserves';
  if (problem) {
    throw new UsageError(
      `Invalid MinIO user name "${name}": it ${problem}.`,
      'MinIO user names have 3 or more characters: letters, digits and + . @ _ -. For example "alice" or "ci-deploy".',
      "InvalidMinioUserName",
    );
  }
}

/**
 * The policy and group name of a grant on MinIO: the AWS name, unless a prefix put a ","
 * or "=" in it (MinIO refuses those); then those characters become "_" and a short hash
 * of the exact prefixes keeps the name unique.
 */
export function minioGrantName(grant: Pick<Grant, "name" | "prefixes" | "perUserPrefix">): string {
  if (!/[,=]/.test(grant.name)) return grant.name;
  const hash = createHash("sha256")
    .update(JSON.stringify([grant.prefixes, grant.perUserPrefix, "minio"]))
    .digest("hex")
    .slice(0, 8);
  return `${grant.name.replace(/[,=]/g, "_").slice(0, 119)}-${hash}`;
}

export const isS3kitName = (name: string): boolean => name.startsWith(S3KIT_NAME_PREFIX);
