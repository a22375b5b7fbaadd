// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// `policy generate`: a least-privilege identity policy for one bucket and access level,
// rendered from templates/policies/<level>.json.
//
// Decisions worth knowing:
// - With prefixes, listing is limited by StringLike s3:prefix ["P*"]. The bucket root ""
//   is not added: with it a caller could list every key of the bucket, which defeats
//   the prefix. Clients must send the prefix when they list.
// - A prefix is used literally: "uploads" also covers "uploads-old/…"; write "uploads/"
//   for a folder.
// - upload has no s3:ListBucketMultipartUploads: SDK multipart uploads (create, upload
//   part, complete, abort, list the parts of their own upload) only need the object
//   actions, and listing uploads would reveal other keys. The lifecycle rule that
//   `bucket create` adds cleans up abandoned uploads.
// - admin manages the bucket's configuration but cannot delete the bucket, and has no
//   PutBucketAcl (ACLs are disabled by BucketOwnerEnforced).
// - With --kms-key, reads get kms:Decrypt; writes get kms:GenerateDataKey and
//   kms:Decrypt (a multipart upload decrypts the data key for each part).

import { bucketNameProblem } from "../s3/bucket-names.js";
import { bucketArn } from "./arn.js";
import { PolicyInputError } from "./errors.js";
import {
  ACCESS_LEVEL_NAMES,
  type AccessLevel,
  POLICY_TEMPLATES,
  renderTemplate,
  type TemplateValue,
} from "./templates.js";
import type { PolicyDocument } from "./types.js";

export interface GeneratePolicyOptions {
  bucket: string;
  access: AccessLevel | string;
  /** Limit object actions to `bucket/PREFIX*` and listing to `s3:prefix` PREFIX*. */
  prefixes?: string[];
  /** Give each IAM user its own folder `${aws:username}/` (under each prefix, if any). */
  perUserPrefix?: boolean;
  /** SSE-KMS key of the bucket: adds the KMS actions the level needs. */
  kmsKeyArn?: string;
  /** Prefix of every Sid (letters and digits). Default "S3kit". */
  sidPrefix?: string;
  partition?: string;
}

export const DEFAULT_SID_PREFIX = "S3kit";
export const PER_USER_FOLDER = "${aws:username}/";

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

export function isAccessLevel(v: string): v is AccessLevel {
  return (ACCESS_LEVEL_NAMES as readonly string[]).includes(v);
}

function validatePrefix(p: string): void {
  const bad = (why: string, hint: string) =>
    new PolicyInputError("invalid-prefix", `Prefix "${p}" ${why}`, hint);
  if (p === "") throw bad("is empty", "Leave out --prefix to cover the whole bucket.");
  if (p.startsWith("/")) {
    throw bad("starts with /", `S3 keys have no leading slash; use "${p.replace(/^\/+/, "")}".`);
  }
  if (p.includes("*") || p.includes("?")) {
    throw bad("contains a wildcard", "Give the literal prefix; s3kit adds the * itself.");
  }
  if (p.includes("${")) {
    throw bad("contains a policy variable", "Use --per-user-prefix for ${aws:username}/ folders.");
  }
  if ([...p].some((c) => c.charCodeAt(0) < 0x20)) {
    throw bad("contains a control character", "Use printable characters only.");
  }
}

/** Validate the options; throws PolicyInputError (exit code 2) for bad input. */
export function validateGenerateOptions(o: GeneratePolicyOptions): AccessLevel {
  const problem = bucketNameProblem(o.bucket);
  if (problem) {
    throw new PolicyInputError(
      "invalid-bucket-name",
      `Bucket name "${o.bucket}" ${problem}`,
      "Give the bucket name only, without s3:// or arn:aws:s3:::.",
    );
  }
  if (!isAccessLevel(o.access)) {
    throw new PolicyInputError(
      "unknown-access-level",
      `Unknown access level "${o.access}"`,
      `Use one of: ${ACCESS_LEVEL_NAMES.join(", ")}.`,
    );
  }
  for (const p of o.prefixes ?? []) validatePrefix(p);
  if (o.kmsKeyArn !== undefined && !KMS_KEY_ARN.test(o.kmsKeyArn)) {
    throw new PolicyInputError(
      "invalid-kms-key",
      `"${o.kmsKeyArn}" is not a KMS key ARN`,
      "Use the key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID); an alias ARN does not work in Resource for kms:Decrypt.",
    );
  }
  const sid = o.sidPrefix ?? DEFAULT_SID_PREFIX;
  if (!/^[A-Za-z0-9]*$/.test(sid)) {
    throw new PolicyInputError(
      "invalid-sid-prefix",
      `Sid prefix "${sid}" may contain only letters and digits`,
      "IAM statement ids allow only A-Z, a-z and 0-9.",
    );
  }
  return o.access;
}

/** The key prefixes a policy covers: "" means the whole bucket. */
export function coveredPrefixes(
  o: Pick<GeneratePolicyOptions, "prefixes" | "perUserPrefix">,
): string[] {
  const base = [...new Set(o.prefixes ?? [])];
  const user = o.perUserPrefix ? PER_USER_FOLDER : "";
  if (base.length === 0) return [user];
  return base.map((p) => p + user);
}

export function generatePolicy(options: GeneratePolicyOptions): PolicyDocument {
  const level = validateGenerateOptions(options);
  const bucket = bucketArn(options.bucket, options.partition ?? "aws");
  const prefixes = coveredPrefixes(options);
  const limited = !(prefixes.length === 1 && prefixes[0] === "");
  const values: Record<string, TemplateValue> = {
    sidPrefix: options.sidPrefix ?? DEFAULT_SID_PREFIX,
    bucketArn: bucket,
    objectArns: prefixes.map((p) => `${bucket}/${p}*`),
    listCondition: limited
      ? { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } }
      : undefined,
    kmsKeyArn: options.kmsKeyArn,
  };
  return renderTemplate(POLICY_TEMPLATES[level], values);
}
