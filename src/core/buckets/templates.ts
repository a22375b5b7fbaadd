// The documents in templates/ are what s3kit applies: imported here (esbuild bundles
// them), filled in per bucket, and never copied into code.
import publicReadStatement from "../../../templates/bucket/public-read-statement.json" with {
  type: "json",
};
import tlsOnlyPolicy from "../../../templates/bucket/tls-only-policy.json" with { type: "json" };
import frontendCors from "../../../templates/cors/frontend.json" with { type: "json" };
import abortIncompleteMultipart from "../../../templates/lifecycle/abort-incomplete-multipart.json" with {
  type: "json",
};
import expireRule from "../../../templates/lifecycle/expire.json" with { type: "json" };
import noncurrentExpireRule from "../../../templates/lifecycle/noncurrent-expire.json" with {
  type: "json",
};
import transitionRule from "../../../templates/lifecycle/transition.json" with { type: "json" };
import type { CorsRule, LifecycleRule, PolicyStatement } from "./state.js";

type Vars = Record<string, unknown>;

/**
 * Fills `${name}` placeholders in a JSON template. A string that is exactly one
 * placeholder takes the value itself (a number, a list); placeholders inside a longer
 * string are replaced as text. An unknown placeholder is a bug, so it throws.
 */
export function fillTemplate<T>(template: unknown, vars: Vars): T {
  const fill = (value: unknown): unknown => {
    if (typeof value === "string") {
      const whole = /^\$\{(\w+)\}$/.exec(value);
      if (whole) return lookup(whole[1] as string);
      return value.replace(/\$\{(\w+)\}/g, (_, name: string) => String(lookup(name)));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    }
    return value;
  };
  const lookup = (name: string): unknown => {
    if (!(name in vars)) throw new Error(`template placeholder \${${name}} has no value`);
    return vars[name];
  };
  return fill(template) as T;
}

/** The partition of a region, for ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function bucketArn(bucket: string, region: string): string {
  return `arn:${partitionOf(region)}:s3:::${bucket}`;
}

/** Sids of the statements s3kit manages in a bucket policy. */
export const MANAGED_SIDS = {
  denyInsecureTransport: "S3kitDenyInsecureTransport",
  denyOutdatedTls: "S3kitDenyOutdatedTls",
  publicRead: "S3kitPublicRead",
} as const;

/** IDs of the lifecycle rules s3kit manages. */
export const MANAGED_RULE_IDS = {
  abortIncompleteMultipart: abortIncompleteMultipart.ID,
  expire: expireRule.ID,
  transition: transitionRule.ID,
  noncurrentExpire: noncurrentExpireRule.ID,
} as const;

export function tlsOnlyStatements(bucket: string, region: string): PolicyStatement[] {
  return fillTemplate<{ Statement: PolicyStatement[] }>(tlsOnlyPolicy, {
    bucketArn: bucketArn(bucket, region),
  }).Statement;
}

export function publicReadPolicyStatement(
  bucket: string,
  region: string,
  prefix: string,
): PolicyStatement {
  return fillTemplate(publicReadStatement, { bucketArn: bucketArn(bucket, region), prefix });
}

export const POLICY_VERSION = tlsOnlyPolicy.Version;

/** The CORS rule for a browser frontend on the given origins. */
export function frontendCorsRule(
  origins: readonly string[],
  methods?: readonly string[],
): CorsRule {
  return {
    ...frontendCors,
    AllowedOrigins: [...origins],
    AllowedMethods: [...(methods ?? frontendCors.AllowedMethods)],
  };
}

export const DEFAULT_CORS_METHODS: readonly string[] = frontendCors.AllowedMethods;

export function abortIncompleteMultipartRule(): LifecycleRule {
  return fillTemplate(abortIncompleteMultipart, {});
}

export function expireLifecycleRule(days: number, prefix: string): LifecycleRule {
  return fillTemplate(expireRule, { days, prefix });
}

export function transitionLifecycleRule(
  transitions: readonly { storageClass: string; days: number }[],
): LifecycleRule {
  return fillTemplate(transitionRule, {
    transitions: transitions.map((t) => ({ Days: t.days, StorageClass: t.storageClass })),
  });
}

export function noncurrentExpireLifecycleRule(days: number): LifecycleRule {
  return fillTemplate(noncurrentExpireRule, { days });
}
