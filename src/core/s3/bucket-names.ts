// S3's bucket naming rules, in two strengths: today's rules for a bucket s3kit creates (or
// names in a policy), and the wider legacy rules for a bucket that already exists.

import { UsageError } from "../errors.js";

export interface NameProblem {
  rule: string;
  message: string;
}

const reservedPrefixes: [prefix: string, why: string][] = [
  ["xn--", "it must not start with xn-- (reserved for internationalised domain names)"],
  ["sthree-", "it must not start with sthree- (reserved by S3)"],
  ["amzn-s3-demo-", "it must not start with amzn-s3-demo- (reserved for AWS examples)"],
];

const reservedSuffixes: [suffix: string, why: string][] = [
  ["-s3alias", "it must not end with -s3alias (reserved for access point aliases)"],
  ["--ol-s3", "it must not end with --ol-s3 (reserved for Object Lambda access point aliases)"],
  [".mrap", "it must not end with .mrap (reserved for Multi-Region Access Points)"],
  ["--x-s3", "it must not end with --x-s3 (reserved for directory buckets)"],
  ["--table-s3", "it must not end with --table-s3 (reserved for table buckets)"],
];

/** Every S3 naming rule the name breaks (general purpose buckets), most basic first. */
export function bucketNameProblems(name: string): NameProblem[] {
  const problems: NameProblem[] = [];
  const add = (rule: string, message: string) => problems.push({ rule, message });
  if (name.length < 3)
    add(
      "length",
      `it has ${name.length} character${name.length === 1 ? "" : "s"}; at least 3 are needed`,
    );
  if (name.length > 63) add("length", `it has ${name.length} characters; at most 63 are allowed`);
  const bad = [...new Set(name.replace(/[a-z0-9.-]/g, ""))];
  if (bad.length > 0) {
    const upper = bad.some((c) => c >= "A" && c <= "Z");
    add(
      "characters",
      `it contains ${bad.map((c) => JSON.stringify(c)).join(", ")}; only lowercase letters, digits, dots and hyphens are allowed${upper ? " (no capitals)" : ""}`,
    );
  }
  if (name.length > 0 && !/^[a-z0-9]/.test(name))
    add("start", "it must start with a lowercase letter or a digit");
  if (name.length > 0 && !/[a-z0-9]$/.test(name))
    add("end", "it must end with a lowercase letter or a digit");
  if (name.includes("..")) add("adjacent-dots", "it must not contain two adjacent dots");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name))
    add("ip-address", "it must not look like an IP address");
  for (const [prefix, why] of reservedPrefixes)
    if (name.startsWith(prefix)) add("reserved-prefix", why);
  for (const [suffix, why] of reservedSuffixes)
    if (name.endsWith(suffix)) add("reserved-suffix", why);
  return problems;
}

/**
 * Why the name breaks today's rules, as one phrase that follows the name ("is not a valid
 * bucket name: it has 2 characters; …"), or undefined when it keeps them.
 */
export function bucketNameProblem(name: string): string | undefined {
  const problems = bucketNameProblems(name);
  if (problems.length === 0) return undefined;
  return `is not a valid bucket name: ${problems.map((p) => p.message).join("; ")}`;
}

/** Throws a usage error (exit 2) naming every rule the bucket name breaks. */
export function assertValidBucketName(name: string): void {
  const problems = bucketNameProblems(name);
  if (problems.length === 0) return;
  throw new UsageError(
    `Invalid bucket name "${name}": ${problems.map((p) => p.message).join("; ")}.`,
    "Bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (e.g. my-app-uploads).",
    "InvalidBucketName",
  );
}

/** The longest legacy bucket name (us-east-1, created before March 2018). */
const MAX_LEGACY_NAME = 255;

/**
 * Checks the name of a bucket that is used, not created (cp, ls, rm, stat, exists,
 * presign): buckets made in us-east-1 before March 2018 may have up to 255 letters of
 * either case, digits, dots, hyphens and underscores, and S3 still serves them. Only what
 * no bucket can be called is refused here; `bucket create` applies today's rules.
 */
export function assertExistingBucketName(name: string): void {
  const problems: string[] = [];
  if (name.length < 3)
    problems.push(
      `it has ${name.length} character${name.length === 1 ? "" : "s"}; at least 3 are needed`,
    );
  if (name.length > MAX_LEGACY_NAME)
    problems.push(`it has ${name.length} characters; at most ${MAX_LEGACY_NAME} are allowed`);
  const bad = [...new Set(name.replace(/[A-Za-z0-9._-]/g, ""))];
  if (bad.length > 0) {
    problems.push(
      `it contains ${bad.map((c) => JSON.stringify(c)).join(", ")}, which no bucket name can hold`,
    );
  }
  if (problems.length === 0) return;
  throw new UsageError(
    `Invalid bucket name "${name}": ${problems.join("; ")}.`,
    "Bucket names are 3-63 lowercase letters, digits, dots and hyphens (older us-east-1 buckets: up to 255 letters, digits, dots, hyphens and underscores).",
    "InvalidBucketName",
  );
}
