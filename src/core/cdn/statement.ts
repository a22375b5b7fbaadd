// The bucket policy statement that lets one CloudFront distribution read the bucket (or a
// prefix of it), merged into the bucket's policy without touching any other statement.
// Pure: no SDK, no I/O.
import cloudFrontReadTemplate from "../../../templates/cdn/cloudfront-read-statement.json" with {
  type: "json",
};
import type { PolicyDocument, PolicyStatement } from "../buckets/state.js";
import { bucketArn, fillTemplate, POLICY_VERSION } from "../buckets/templates.js";
import { CLOUDFRONT_READ_SID, CLOUDFRONT_SERVICE } from "./names.js";

/** `distributionArn` may be a template's reference to a distribution it creates. */
export function cloudFrontReadStatement(
  bucket: string,
  region: string,
  prefix: string,
  distributionArn: unknown,
): PolicyStatement {
  return fillTemplate(cloudFrontReadTemplate, {
    bucketArn: bucketArn(bucket, region),
    prefix,
    distributionArn,
  });
}

/** The policy with s3kit's CloudFront statement set (replacing an earlier one), every other statement kept. */
export function withCloudFrontStatement(
  policy: PolicyDocument | null,
  statement: PolicyStatement,
): PolicyDocument {
  const others = (policy?.Statement ?? []).filter((s) => s.Sid !== CLOUDFRONT_READ_SID);
  return {
    Version: policy?.Version ?? POLICY_VERSION,
    ...(policy?.Id ? { Id: policy.Id } : {}),
    Statement: [...others, statement],
  };
}

/** The policy without s3kit's CloudFront statement; `null` when nothing would be left. */
export function withoutCloudFrontStatement(policy: PolicyDocument | null): PolicyDocument | null {
  if (!policy) return null;
  const others = policy.Statement.filter((s) => s.Sid !== CLOUDFRONT_READ_SID);
  return others.length === 0 ? null : { ...policy, Statement: others };
}

/** s3kit's CloudFront statement in the policy, if any. */
export function findCloudFrontStatement(
  policy: PolicyDocument | null,
): PolicyStatement | undefined {
  return policy?.Statement.find((s) => s.Sid === CLOUDFRONT_READ_SID);
}

export interface CloudFrontGrant {
  /** Sid, or `#n` for a statement without one. */
  statement: string;
  /** The distributions named in aws:SourceArn (empty: any distribution, of any account). */
  distributionArns: string[];
  resources: string[];
}

const asList = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/**
 * Statements that let CloudFront (the service principal) read objects: what origin access
 * control needs. Recognised whoever wrote them, so `bucket audit` sees a console-made setup too.
 */
export function cloudFrontGrants(policy: PolicyDocument | null): CloudFrontGrant[] {
  const grants: CloudFrontGrant[] = [];
  (policy?.Statement ?? []).forEach((s, index) => {
    if (s.Effect !== "Allow" || !s.Principal || typeof s.Principal !== "object") return;
    const services = asList((s.Principal as { Service?: unknown }).Service);
    if (!services.includes(CLOUDFRONT_SERVICE)) return;
    const actions = asList(s.Action).map((a) => a.toLowerCase());
    if (!actions.some((a) => a === "s3:getobject" || a === "s3:*" || a === "*")) return;
    const distributionArns: string[] = [];
    for (const [op, entries] of Object.entries(s.Condition ?? {})) {
      if (!/^(StringEquals|StringLike|ArnEquals|ArnLike)$/i.test(op)) continue;
      for (const [key, value] of Object.entries(entries)) {
        if (key.toLowerCase() === "aws:sourcearn") distributionArns.push(...asList(value));
      }
    }
    grants.push({
      statement: s.Sid ?? `#${index + 1}`,
      distributionArns,
      resources: asList(s.Resource),
    });
  });
  return grants;
}
