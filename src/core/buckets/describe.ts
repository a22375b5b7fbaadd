// Bucket settings in plain words, for the human output of `bucket create`, `info` and
// `cors get` (pure strings, no colour: the commands style them).
import type {
  CorsRule,
  Encryption,
  LifecycleRule,
  Logging,
  PolicyDocument,
  PolicyStatement,
  PublicAccessBlock,
  Setting,
} from "./state.js";

const LABELS: Record<Setting, string> = {
  bucket: "bucket",
  ownership: "object ownership",
  publicAccessBlock: "public access block",
  encryption: "default encryption",
  versioning: "versioning",
  policy: "bucket policy",
  lifecycle: "lifecycle rules",
  cors: "CORS",
  tags: "tags",
  logging: "access logging",
};

export function settingLabel(setting: Setting): string {
  return LABELS[setting];
}

/** One or more lines describing a setting's value (`null`: absent). */
export function describeSetting(setting: Setting, value: unknown): string[] {
  switch (setting) {
    case "bucket": {
      const b = value as { name: string; region: string } | null;
      return [b ? `${b.name} in ${b.region}` : "absent"];
    }
    case "ownership":
      return [describeOwnership(value as string | null)];
    case "publicAccessBlock":
      return [describePublicAccessBlock(value as PublicAccessBlock | null)];
    case "encryption":
      return [describeEncryption(value as Encryption | null)];
    case "versioning":
      return [
        value === "Enabled"
          ? "enabled"
          : value === "Suspended"
            ? "suspended"
            : "off (never enabled)",
      ];
    case "policy":
      return describePolicy(value as PolicyDocument | null);
    case "lifecycle":
      return describeLifecycle(value as LifecycleRule[] | null);
    case "cors":
      return describeCors(value as CorsRule[] | null);
    case "tags": {
      const tags = value as Record<string, string> | null;
      if (!tags || Object.keys(tags).length === 0) return ["none"];
      return [
        Object.keys(tags)
          .sort()
          .map((k) => `${k}=${tags[k]}`)
          .join(", "),
      ];
    }
    case "logging": {
      const logging = value as Logging | null;
      return [logging ? `to s3://${logging.targetBucket}/${logging.targetPrefix}` : "off"];
    }
  }
}

export function describeOwnership(value: string | null): string {
  if (value === "BucketOwnerEnforced") return "BucketOwnerEnforced (ACLs disabled)";
  if (value === null) return "absent (ACLs enabled, object writer owns objects)";
  return `${value} (ACLs enabled)`;
}

const PAB_NAMES: [keyof PublicAccessBlock, string][] = [
  ["blockPublicAcls", "BlockPublicAcls"],
  ["ignorePublicAcls", "IgnorePublicAcls"],
  ["blockPublicPolicy", "BlockPublicPolicy"],
  ["restrictPublicBuckets", "RestrictPublicBuckets"],
];

export function describePublicAccessBlock(value: PublicAccessBlock | null): string {
  if (!value) return "absent (nothing blocked at the bucket level)";
  const on = PAB_NAMES.filter(([k]) => value[k]).map(([, n]) => n);
  const off = PAB_NAMES.filter(([k]) => !value[k]).map(([, n]) => n);
  if (off.length === 0) return "all four settings on";
  if (on.length === 0) return "all four settings off";
  return `on: ${on.join(", ")}; off: ${off.join(", ")}`;
}

export function describeEncryption(value: Encryption | null): string {
  if (!value) return "absent";
  if (value.algorithm === "AES256") return "SSE-S3 (AES256)";
  const kind = value.algorithm === "aws:kms:dsse" ? "DSSE-KMS" : "SSE-KMS";
  const key = value.kmsKeyId ? ` with ${value.kmsKeyId}` : " with the AWS managed key";
  return `${kind}${key}, bucket key ${value.bucketKeyEnabled ? "on" : "off"}`;
}

function list(value: unknown): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.map(String).join(", ") : String(value);
}

function describePrincipal(principal: unknown): string {
  if (principal === "*") return "*";
  if (principal && typeof principal === "object") {
    return Object.entries(principal)
      .map(([kind, v]) => `${kind}:${list(v)}`)
      .join(" ");
  }
  return String(principal);
}

/** The well-known statements (TLS only, public read) in words; undefined for others. */
function knownStatement(s: PolicyStatement): string | undefined {
  const everyone = s.Principal === "*" || list((s.Principal as { AWS?: unknown })?.AWS) === "*";
  if (!everyone || s.Action === undefined) return undefined;
  const conditions = Object.entries(s.Condition ?? {});
  const only = conditions.length === 1 ? conditions[0] : undefined;
  const entries = only ? Object.entries(only[1]) : [];
  if (s.Effect === "Deny" && list(s.Action) === "s3:*" && only && entries.length === 1) {
    const [op] = only;
    const [key, value] = entries[0] as [string, unknown];
    if (/^Bool/.test(op) && key === "aws:SecureTransport" && list(value) === "false")
      return "deny requests without TLS (HTTPS only)";
    if (/^NumericLessThan/.test(op) && key === "s3:TlsVersion")
      return `deny TLS older than ${list(value)}`;
  }
  if (s.Effect === "Allow" && conditions.length === 0 && list(s.Action) === "s3:GetObject") {
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (resources.length === 1 && typeof resources[0] === "string") {
      const m = /^arn:[^:]+:s3:::([^/]+)\/(.*)\*$/.exec(resources[0]);
      if (m)
        return `PUBLIC read (anyone, no credentials) of ${m[2] ? `objects under ${m[2]}` : "every object"}`;
    }
  }
  return undefined;
}

export function describeStatement(statement: PolicyStatement, index: number): string {
  const name = statement.Sid || `#${index + 1}`;
  const known = knownStatement(statement);
  if (known) return `${known} (${name})`;
  const who =
    statement.Principal !== undefined
      ? describePrincipal(statement.Principal)
      : statement.NotPrincipal !== undefined
        ? `everyone but ${describePrincipal(statement.NotPrincipal)}`
        : "(no principal)";
  const actions =
    statement.Action !== undefined
      ? list(statement.Action)
      : `all but ${list(statement.NotAction)}`;
  const resources =
    statement.Resource !== undefined
      ? list(statement.Resource)
      : `all but ${list(statement.NotResource)}`;
  const conditions = statement.Condition
    ? ` if ${Object.entries(statement.Condition)
        .flatMap(([op, kv]) => Object.entries(kv).map(([k, v]) => `${op} ${k}=${list(v)}`))
        .join(" and ")}`
    : "";
  return `${name}: ${statement.Effect} ${who} ${actions} on ${resources}${conditions}`;
}

export function describePolicy(value: PolicyDocument | null): string[] {
  if (!value) return ["absent"];
  if (value.Statement.length === 0) return ["no statements"];
  return value.Statement.map(describeStatement);
}

function describeFilter(rule: LifecycleRule): string {
  const filter = rule.Filter as
    | { Prefix?: string; Tag?: { Key?: string; Value?: string }; And?: Record<string, unknown> }
    | undefined;
  const prefix = filter?.Prefix ?? rule.Prefix;
  if (filter?.Tag) return `objects tagged ${filter.Tag.Key}=${filter.Tag.Value}`;
  if (filter?.And) return "objects matching several conditions";
  if (filter && Object.keys(filter).some((k) => k.startsWith("ObjectSize")))
    return "objects of some sizes";
  return prefix ? `objects under ${prefix}` : "all objects";
}

export function describeRule(rule: LifecycleRule): string {
  const actions: string[] = [];
  const abort = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
  if (abort !== undefined) actions.push(`abort incomplete multipart uploads after ${abort} days`);
  for (const t of rule.Transitions ?? []) {
    actions.push(
      `move to ${t.StorageClass} after ${t.Days !== undefined ? `${t.Days} days` : `${String(t.Date)}`}`,
    );
  }
  if (rule.Expiration?.Days !== undefined)
    actions.push(`expire after ${rule.Expiration.Days} days`);
  if (rule.Expiration?.Date !== undefined)
    actions.push(`expire on ${String(rule.Expiration.Date)}`);
  if (rule.Expiration?.ExpiredObjectDeleteMarker) actions.push("remove expired delete markers");
  const nonCurrent = rule.NoncurrentVersionExpiration?.NoncurrentDays;
  if (nonCurrent !== undefined) actions.push(`expire noncurrent versions after ${nonCurrent} days`);
  if ((rule.NoncurrentVersionTransitions ?? []).length > 0)
    actions.push("move noncurrent versions to colder storage");
  const status =
    rule.Status === "Enabled" ? "" : ` (${String(rule.Status ?? "disabled").toLowerCase()})`;
  const what = describeFilter(rule);
  return `${actions.join(", ") || "no actions"}${what === "all objects" ? "" : ` (${what})`}${status} [${rule.ID ?? "no id"}]`;
}

export function describeLifecycle(value: LifecycleRule[] | null): string[] {
  if (!value || value.length === 0) return ["absent"];
  return value.map(describeRule);
}

export function describeCorsRule(rule: CorsRule): string {
  const parts = [`${list(rule.AllowedOrigins)}: ${list(rule.AllowedMethods)}`];
  if (rule.AllowedHeaders?.length) parts.push(`headers ${list(rule.AllowedHeaders)}`);
  if (rule.ExposeHeaders?.length) parts.push(`expose ${list(rule.ExposeHeaders)}`);
  if (rule.MaxAgeSeconds !== undefined) parts.push(`max-age ${rule.MaxAgeSeconds}s`);
  return `${rule.ID ? `${rule.ID}: ` : ""}${parts.join("; ")}`;
}

export function describeCors(value: CorsRule[] | null): string[] {
  if (!value || value.length === 0) return ["absent"];
  return value.map(describeCorsRule);
}
