// `bucket audit`: best-practice rules over a bucket's state. Pure, so each rule is tested
// against state fixtures; reading the state is read.ts's job.
import { cloudFrontGrants } from "../cdn/statement.js";
import { describePublicAccessBlock } from "./describe.js";
import type { BucketState, ConfigSetting, PolicyStatement } from "./state.js";

export const SEVERITIES = ["high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
  fix: string;
}

/** A practice the bucket follows that is worth saying (e.g. served through CloudFront). */
export interface Pass {
  id: string;
  title: string;
  detail: string;
}

export interface AuditReport {
  bucket: string;
  region: string;
  findings: Finding[];
  passed: Pass[];
  counts: Record<Severity, number>;
  /** Settings the audit could not read, so their rules were not checked. */
  skipped: { setting: ConfigSetting; reason: string }[];
}

const RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

/** True when a finding is at or above the given level (`--fail-on`). */
export function atOrAbove(severity: Severity, level: Severity): boolean {
  return RANK[severity] >= RANK[level];
}

const asList = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal && typeof principal === "object") {
    const aws = (principal as { AWS?: unknown }).AWS;
    return asList(aws).includes("*");
  }
  return false;
}

function conditionValues(statement: PolicyStatement, operators: RegExp, key: string): string[] {
  const values: string[] = [];
  for (const [op, entries] of Object.entries(statement.Condition ?? {})) {
    if (!operators.test(op)) continue;
    for (const [k, v] of Object.entries(entries)) {
      if (k.toLowerCase() === key.toLowerCase()) values.push(...asList(v));
    }
  }
  return values;
}

/** Does the action pattern list cover all S3 actions (or every action)? */
function coversAllS3(actions: string[]): boolean {
  return actions.some((a) => a === "*" || a.toLowerCase() === "s3:*");
}

function label(statement: PolicyStatement, index: number): string {
  return statement.Sid ? `"${statement.Sid}"` : `#${index + 1}`;
}

const READ_ONLY_ACTIONS = /^s3:(GetObject|GetObjectVersion)$/i;

/** The findings for one bucket, highest severity first. */
export function auditBucket(state: BucketState): AuditReport {
  const findings: Finding[] = [];
  const passed: Pass[] = [];
  const name = state.bucket;
  const regionFlag = state.region === "us-east-1" ? "" : ` --region ${state.region}`;
  const converge = `\`s3kit bucket create ${name}${regionFlag}\` (converges an existing bucket to the safe defaults)`;
  const skipped = Object.entries(state.unreadable).map(([setting, reason]) => ({
    setting: setting as ConfigSetting,
    reason: reason as string,
  }));
  const readable = (s: ConfigSetting) => state.unreadable[s] === undefined;

  // Public access block
  if (readable("publicAccessBlock")) {
    const pab = state.publicAccessBlock;
    const on = pab ? Object.values(pab).filter(Boolean).length : 0;
    if (on === 0) {
      findings.push({
        id: "public-access-block-off",
        severity: "high",
        title: "Block Public Access is off",
        detail: `The bucket-level public access block is ${pab ? "all off" : "absent"}: a public ACL or bucket policy would make objects public.`,
        fix: `Turn on all four settings: ${converge}, or \`aws s3api put-public-access-block --bucket ${name} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\`.`,
      });
    } else if (on < 4) {
      findings.push({
        id: "public-access-block-partial",
        severity: "medium",
        title: "Block Public Access is only partly on",
        detail: `Public access block: ${describePublicAccessBlock(pab)}.`,
        fix: `Unless the bucket is meant to serve public objects, turn on all four settings: ${converge}.`,
      });
    }
  }

  if (readable("encryption") && !state.encryption) {
    findings.push({
      id: "no-default-encryption",
      severity: "medium",
      title: "No default encryption",
      detail: "New objects are not encrypted at rest unless each upload asks for it.",
      fix: `Set SSE-S3 (or SSE-KMS with --kms-key ARN): ${converge}.`,
    });
  }

  if (readable("ownership") && state.ownership !== "BucketOwnerEnforced") {
    findings.push({
      id: "acls-enabled",
      severity: "medium",
      title: "ACLs are enabled",
      detail: `Object ownership is ${state.ownership ?? "not set (ObjectWriter)"}: objects can carry ACLs that grant access outside the bucket policy, and uploads from other accounts stay theirs.`,
      fix: `Disable ACLs with Object Ownership BucketOwnerEnforced: ${converge}.`,
    });
  }

  if (readable("policy")) {
    const statements = state.policy?.Statement ?? [];
    // Origin access control: only named distributions (aws:SourceArn) may read.
    const cdn = cloudFrontGrants(state.policy).filter((g) => g.distributionArns.length > 0);
    const distributions = [...new Set(cdn.flatMap((g) => g.distributionArns))];
    if (cdn.length > 0) {
      passed.push({
        id: "served-through-cloudfront",
        title: "Served through CloudFront with origin access control",
        detail: `Statement ${cdn.map((g) => `"${g.statement}"`).join(", ")} lets only ${distributions.join(", ")} read, through CloudFront.`,
      });
    }
    statements.forEach((statement, index) => {
      if (statement.Effect !== "Allow") return;
      const everyone = isEveryone(statement.Principal) || statement.NotPrincipal !== undefined;
      if (!everyone) return;
      const actions = asList(statement.Action ?? statement.NotAction);
      const readOnly =
        statement.Action !== undefined && actions.every((a) => READ_ONLY_ACTIONS.test(a));
      const conditions = Object.keys(statement.Condition ?? {});
      const what = statement.NotAction
        ? `everything but ${actions.join(", ")}`
        : actions.join(", ");
      findings.push({
        id: "policy-allows-everyone",
        severity: conditions.length === 0 ? "high" : "medium",
        title: readOnly
          ? "The bucket policy makes objects public"
          : "The bucket policy allows anyone",
        detail: `Statement ${label(statement, index)} allows Principal "*" to ${what} on ${asList(statement.Resource ?? statement.NotResource).join(", ") || "everything"}${conditions.length > 0 ? `, limited only by conditions (${conditions.join(", ")})` : " with no condition"}.`,
        fix: readOnly
          ? cdn.length > 0
            ? `The bucket is already served through CloudFront with origin access control (${distributions.join(", ")}): remove this statement (re-run \`s3kit bucket create ${name}\` without --public-read) so objects are reachable only through CloudFront.`
            : `If the objects are not meant to be public, remove the statement (or re-run \`s3kit bucket create\` without --public-read); for public assets, prefer CloudFront with origin access control: \`s3kit cdn create ${name}\`.`
          : `Remove the statement or replace "*" with the principals that need access (\`s3kit policy generate --bucket ${name}\` writes a least-privilege policy).`,
      });
    });

    const tlsDeny = statements.some(
      (s) =>
        s.Effect === "Deny" &&
        isEveryone(s.Principal) &&
        coversAllS3(asList(s.Action)) &&
        conditionValues(s, /^Bool(IfExists)?$/, "aws:SecureTransport").some(
          (v) => v.toLowerCase() === "false",
        ),
    );
    if (!tlsDeny) {
      findings.push({
        id: "no-tls-only-policy",
        severity: "medium",
        title: "Plain-HTTP requests are allowed",
        detail:
          'No bucket policy statement denies s3:* when "aws:SecureTransport" is false, so requests (and credentials in presigned URLs) may travel unencrypted.',
        fix: `Add a Deny statement on aws:SecureTransport=false: ${converge}.`,
      });
    }
    const oldTlsDeny = statements.some(
      (s) =>
        s.Effect === "Deny" &&
        isEveryone(s.Principal) &&
        coversAllS3(asList(s.Action)) &&
        conditionValues(s, /^NumericLessThan(IfExists)?$/, "s3:TlsVersion").some(
          (v) => Number(v) >= 1.2,
        ),
    );
    if (!oldTlsDeny) {
      findings.push({
        id: "old-tls-allowed",
        severity: "low",
        title: "TLS older than 1.2 is allowed",
        detail: 'No bucket policy statement denies requests with "s3:TlsVersion" below 1.2.',
        fix: `Add a Deny statement on s3:TlsVersion < 1.2: ${converge}.`,
      });
    }
  }

  if (readable("lifecycle")) {
    const abort = (state.lifecycle ?? []).some((rule) => {
      if (rule.Status !== "Enabled" || rule.AbortIncompleteMultipartUpload === undefined)
        return false;
      const filter = rule.Filter as { Prefix?: string } | undefined;
      const prefix = filter?.Prefix ?? rule.Prefix ?? "";
      const onlyPrefix = !filter || Object.keys(filter).every((k) => k === "Prefix");
      return prefix === "" && onlyPrefix;
    });
    if (!abort) {
      findings.push({
        id: "no-abort-incomplete-multipart",
        severity: "low",
        title: "Incomplete multipart uploads are kept forever",
        detail:
          "No enabled lifecycle rule aborts incomplete multipart uploads for the whole bucket; their parts are billed until someone aborts them.",
        fix: `Add a rule that aborts them after 7 days: ${converge}.`,
      });
    }
  }

  if (readable("versioning") && state.versioning !== "Enabled") {
    findings.push({
      id: "versioning-off",
      severity: "low",
      title: "Versioning is off",
      detail: `Versioning is ${state.versioning === "Suspended" ? "suspended" : "not enabled"}: an overwrite or delete cannot be undone.`,
      fix: `Enable it with \`s3kit bucket create ${name}${regionFlag} --versioning\` (add --noncurrent-expire-days N to limit the cost of old versions).`,
    });
  }

  if (readable("cors")) {
    (state.cors ?? []).forEach((rule, index) => {
      const anyOrigin = rule.AllowedOrigins.includes("*");
      const writes = rule.AllowedMethods.map((m) => m.toUpperCase()).filter((m) =>
        ["PUT", "POST", "DELETE"].includes(m),
      );
      if (anyOrigin && writes.length > 0) {
        findings.push({
          id: "cors-any-origin-write",
          severity: "medium",
          title: "CORS lets any website write",
          detail: `CORS rule ${rule.ID ? `"${rule.ID}"` : `#${index + 1}`} allows origin "*" with ${writes.join(", ")}: any web page can send uploads or deletes from a visitor's browser.`,
          fix: `Name your frontends' origins: \`s3kit bucket cors set ${name} --origin https://app.example.com\`.`,
        });
      }
    });
  }

  findings.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity]++;
  return { bucket: state.bucket, region: state.region, findings, passed, counts, skipped };
}
