// What a bucket has, as s3kit reads it: one value per setting, `null` when the setting
// is absent. Pure types and comparisons; reading it from S3 is in read.ts.

export const SETTINGS = [
  "bucket",
  "ownership",
  "publicAccessBlock",
  "encryption",
  "versioning",
  "policy",
  "lifecycle",
  "cors",
  "tags",
  "logging",
] as const;
export type Setting = (typeof SETTINGS)[number];

/** The configurable settings (everything but the bucket itself). */
export type ConfigSetting = Exclude<Setting, "bucket">;

export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export type Ownership = "BucketOwnerEnforced" | "BucketOwnerPreferred" | "ObjectWriter" | string;

export interface Encryption {
  /** `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse`. */
  algorithm: string;
  kmsKeyId: string | null;
  bucketKeyEnabled: boolean;
}

export type Versioning = "Enabled" | "Suspended";

/** A CORS rule in S3's own shape (as `aws s3api put-bucket-cors` takes it). */
export interface CorsRule {
  ID?: string;
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** A lifecycle rule in S3's own shape; s3kit passes rules it does not manage through untouched. */
export interface LifecycleRule {
  ID?: string;
  Status?: string;
  Filter?: Record<string, unknown>;
  Prefix?: string;
  Expiration?: { Days?: number; Date?: unknown; ExpiredObjectDeleteMarker?: boolean };
  Transitions?: { Days?: number; Date?: unknown; StorageClass?: string }[];
  NoncurrentVersionExpiration?: { NoncurrentDays?: number; NewerNoncurrentVersions?: number };
  NoncurrentVersionTransitions?: unknown[];
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
  [key: string]: unknown;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export interface Logging {
  targetBucket: string;
  targetPrefix: string;
}

export interface BucketState {
  bucket: string;
  region: string;
  publicAccessBlock: PublicAccessBlock | null;
  ownership: Ownership | null;
  encryption: Encryption | null;
  /** `null`: versioning was never enabled. */
  versioning: Versioning | null;
  policy: PolicyDocument | null;
  lifecycle: LifecycleRule[] | null;
  cors: CorsRule[] | null;
  tags: Record<string, string> | null;
  logging: Logging | null;
  /** Settings that could not be read (access denied, a server error), with why. */
  unreadable: Partial<Record<ConfigSetting, string>>;
  /** Settings the endpoint does not implement, with its answer as evidence. */
  unsupported: Partial<Record<ConfigSetting, string>>;
}

/** A bucket that was just created: every setting absent. */
export function emptyState(bucket: string, region: string): BucketState {
  return {
    bucket,
    region,
    publicAccessBlock: null,
    ownership: null,
    encryption: null,
    versioning: null,
    policy: null,
    lifecycle: null,
    cors: null,
    tags: null,
    logging: null,
    unreadable: {},
    unsupported: {},
  };
}

// ---- canonical forms, so that equal settings compare equal however S3 spelled them ----

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** A stable JSON text: keys sorted, undefined dropped, dates as ISO strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Policy element values: `"a"` and `["a"]` mean the same, and order does not matter. */
function canonicalPolicyValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonicalPolicyValue);
    if (items.length === 1) return items[0];
    return items.map((v) => JSON.stringify(v)).sort();
  }
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, canonicalPolicyValue(v)]),
    );
  }
  return value;
}

export function canonicalStatement(statement: PolicyStatement): string {
  return canonicalJson(canonicalPolicyValue(statement));
}

export function samePolicy(a: PolicyDocument | null, b: PolicyDocument | null): boolean {
  if (a === null || b === null) return a === b;
  if ((a.Version ?? "") !== (b.Version ?? "") || (a.Id ?? "") !== (b.Id ?? "")) return false;
  const sa = a.Statement.map(canonicalStatement).sort();
  const sb = b.Statement.map(canonicalStatement).sort();
  return sa.length === sb.length && sa.every((s, i) => s === sb[i]);
}

/** `Filter: {}`, `Filter: {Prefix: ""}` and a bare `Prefix: ""` all mean "the whole bucket". */
export function canonicalLifecycleRule(rule: LifecycleRule): string {
  const { Filter, Prefix, ...rest } = rule;
  let filter: unknown = Filter;
  if (Filter === undefined && Prefix !== undefined) filter = { Prefix };
  if (
    filter === undefined ||
    (filter !== null &&
      typeof filter === "object" &&
      (Object.keys(filter).length === 0 ||
        (Object.keys(filter).length === 1 && (filter as { Prefix?: unknown }).Prefix === "")))
  ) {
    filter = { Prefix: "" };
  }
  return canonicalJson({ ...rest, Filter: filter });
}

export function sameLifecycle(a: LifecycleRule[] | null, b: LifecycleRule[] | null): boolean {
  const ca = (a ?? []).map(canonicalLifecycleRule).sort();
  const cb = (b ?? []).map(canonicalLifecycleRule).sort();
  return ca.length === cb.length && ca.every((r, i) => r === cb[i]);
}

function canonicalCorsRule(rule: CorsRule): string {
  const list = (v: string[] | undefined) => (v && v.length > 0 ? [...v].sort() : undefined);
  return canonicalJson({
    ID: rule.ID || undefined,
    AllowedOrigins: list(rule.AllowedOrigins),
    AllowedMethods: list(rule.AllowedMethods.map((m) => m.toUpperCase())),
    AllowedHeaders: list(rule.AllowedHeaders),
    ExposeHeaders: list(rule.ExposeHeaders),
    MaxAgeSeconds: rule.MaxAgeSeconds,
  });
}

export function sameCors(a: CorsRule[] | null, b: CorsRule[] | null): boolean {
  if (a === null || b === null) return a === b;
  const ca = a.map(canonicalCorsRule);
  const cb = b.map(canonicalCorsRule);
  return ca.length === cb.length && ca.every((r, i) => r === cb[i]);
}

export function sameTags(
  a: Record<string, string> | null,
  b: Record<string, string> | null,
): boolean {
  return canonicalJson(a ?? {}) === canonicalJson(b ?? {});
}

export function samePublicAccessBlock(
  a: PublicAccessBlock | null,
  b: PublicAccessBlock | null,
): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function sameEncryption(a: Encryption | null, b: Encryption | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.algorithm !== b.algorithm) return false;
  // The bucket key only matters for KMS; S3 reports it as false for SSE-S3.
  if (a.algorithm === "AES256") return true;
  return a.kmsKeyId === b.kmsKeyId && a.bucketKeyEnabled === b.bucketKeyEnabled;
}

export function sameLogging(a: Logging | null, b: Logging | null): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export const ALL_BLOCKED: PublicAccessBlock = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};
