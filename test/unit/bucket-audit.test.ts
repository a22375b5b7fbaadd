import { describe, expect, it } from "vitest";
import { atOrAbove, auditBucket } from "../../src/core/buckets/audit.js";
import { planBucket } from "../../src/core/buckets/plan.js";
import { type BucketState, emptyState } from "../../src/core/buckets/state.js";

/** A bucket exactly as `s3kit bucket create` leaves it. */
function safeBucket(extra: Partial<BucketState> = {}): BucketState {
  const state = emptyState("safe-bucket", "eu-west-1");
  for (const step of planBucket(
    { bucket: "safe-bucket", region: "eu-west-1", versioning: true },
    null,
  ).steps) {
    if (step.setting !== "bucket")
      (state as unknown as Record<string, unknown>)[step.setting] = step.desired;
  }
  return { ...state, ...extra };
}

const ids = (state: BucketState) => auditBucket(state).findings.map((f) => f.id);

describe("auditBucket", () => {
  it("finds nothing on a bucket with the safe defaults and versioning", () => {
    expect(auditBucket(safeBucket())).toMatchObject({
      findings: [],
      counts: { high: 0, medium: 0, low: 0 },
    });
  });

  it("finds everything on a bucket with nothing configured, highest severity first", () => {
    const report = auditBucket(emptyState("bare", "us-east-1"));
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([
      ["public-access-block-off", "high"],
      ["no-default-encryption", "medium"],
      ["acls-enabled", "medium"],
      ["no-tls-only-policy", "medium"],
      ["old-tls-allowed", "low"],
      ["no-abort-incomplete-multipart", "low"],
      ["versioning-off", "low"],
    ]);
    for (const f of report.findings) expect(f.fix).toMatch(/s3kit|aws /);
  });

  it("says which region to converge a bucket outside us-east-1 in", () => {
    const finding = auditBucket({ ...safeBucket(), encryption: null }).findings[0];
    expect(finding?.fix).toContain("`s3kit bucket create safe-bucket --region eu-west-1`");
  });

  it("public access block: all off is high, partly off is medium", () => {
    const off = {
      blockPublicAcls: false,
      ignorePublicAcls: false,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    };
    expect(auditBucket(safeBucket({ publicAccessBlock: off })).findings[0]).toMatchObject({
      id: "public-access-block-off",
      severity: "high",
    });
    const partial = { ...off, blockPublicAcls: true, ignorePublicAcls: true };
    const finding = auditBucket(safeBucket({ publicAccessBlock: partial })).findings[0];
    expect(finding).toMatchObject({ id: "public-access-block-partial", severity: "medium" });
    expect(finding?.detail).toContain("off: BlockPublicPolicy, RestrictPublicBuckets");
  });

  it("ACLs enabled unless ownership is BucketOwnerEnforced", () => {
    expect(ids(safeBucket({ ownership: "BucketOwnerPreferred" }))).toEqual(["acls-enabled"]);
    expect(ids(safeBucket({ ownership: "ObjectWriter" }))).toEqual(["acls-enabled"]);
  });

  it("a policy that allows Principal * (string or AWS list), with and without conditions", () => {
    const base = safeBucket();
    const statements = base.policy?.Statement ?? [];
    const withStatement = (s: object) =>
      safeBucket({ policy: { Version: "2012-10-17", Statement: [...statements, s as never] } });
    const open = auditBucket(
      withStatement({
        Effect: "Allow",
        Principal: { AWS: ["*"] },
        Action: "s3:*",
        Resource: "arn:aws:s3:::safe-bucket/*",
      }),
    ).findings[0];
    expect(open).toMatchObject({
      id: "policy-allows-everyone",
      severity: "high",
      title: "The bucket policy allows anyone",
    });
    const read = auditBucket(
      withStatement({
        Sid: "Pub",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::safe-bucket/*",
      }),
    ).findings[0];
    expect(read).toMatchObject({
      severity: "high",
      title: "The bucket policy makes objects public",
    });
    expect(read?.detail).toContain('Statement "Pub"');
    const limited = auditBucket(
      withStatement({
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::safe-bucket/*",
        Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      }),
    ).findings[0];
    expect(limited).toMatchObject({ id: "policy-allows-everyone", severity: "medium" });
    expect(
      ids(
        withStatement({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::1:root" },
          Action: "s3:*",
          Resource: "*",
        }),
      ),
    ).toEqual([]);
  });

  it("recognises a TLS-only policy written by hand", () => {
    const handWritten = safeBucket({
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["s3:*"],
            Resource: "*",
            Condition: { Bool: { "aws:SecureTransport": false } },
          },
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } },
          },
        ],
      },
    });
    expect(ids(handWritten)).toEqual([]);
    const allowTrue = safeBucket({
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { Bool: { "aws:SecureTransport": "true" } },
          },
        ],
      },
    });
    expect(ids(allowTrue)).toEqual(["no-tls-only-policy", "old-tls-allowed"]);
  });

  it("an abort-multipart rule must be enabled and cover the whole bucket", () => {
    const rule = {
      ID: "x",
      Status: "Enabled",
      Filter: {},
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
    };
    expect(ids(safeBucket({ lifecycle: [rule] }))).toEqual([]);
    expect(ids(safeBucket({ lifecycle: [{ ...rule, Status: "Disabled" }] }))).toEqual([
      "no-abort-incomplete-multipart",
    ]);
    expect(ids(safeBucket({ lifecycle: [{ ...rule, Filter: { Prefix: "uploads/" } }] }))).toEqual([
      "no-abort-incomplete-multipart",
    ]);
  });

  it("versioning off or suspended is low", () => {
    expect(auditBucket(safeBucket({ versioning: null })).findings).toMatchObject([
      { id: "versioning-off", severity: "low" },
    ]);
    expect(ids(safeBucket({ versioning: "Suspended" }))).toEqual(["versioning-off"]);
  });

  it("CORS with any origin is a finding only with PUT, POST or DELETE", () => {
    expect(
      ids(safeBucket({ cors: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET", "HEAD"] }] })),
    ).toEqual([]);
    expect(
      ids(safeBucket({ cors: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET", "POST"] }] })),
    ).toEqual(["cors-any-origin-write"]);
    expect(
      ids(
        safeBucket({
          cors: [{ AllowedOrigins: ["https://a.example.com"], AllowedMethods: ["PUT"] }],
        }),
      ),
    ).toEqual([]);
  });

  it("skips the rules of settings it could not read", () => {
    const report = auditBucket({
      ...emptyState("x-bucket", "us-east-1"),
      ...safeBucket(),
      bucket: "x-bucket",
      policy: null,
      unreadable: { policy: "AccessDenied: no" },
    });
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual([{ setting: "policy", reason: "AccessDenied: no" }]);
  });

  it("orders severities for --fail-on", () => {
    expect(atOrAbove("high", "medium")).toBe(true);
    expect(atOrAbove("medium", "medium")).toBe(true);
    expect(atOrAbove("low", "medium")).toBe(false);
  });
});

describe("auditBucket on a bucket served through CloudFront", () => {
  const distribution = "arn:aws:cloudfront::123456789012:distribution/E1ABC";
  const oacStatement = {
    Sid: "S3kitCloudFrontRead",
    Effect: "Allow",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::safe-bucket/*",
    Condition: { StringEquals: { "AWS:SourceArn": distribution } },
  };
  const withStatements = (...extra: object[]) => {
    const base = safeBucket();
    return safeBucket({
      policy: {
        Version: "2012-10-17",
        Statement: [...(base.policy?.Statement ?? []), ...(extra as never[])],
      },
    });
  };

  it("passes the origin access control setup and finds nothing", () => {
    const report = auditBucket(withStatements(oacStatement));
    expect(report.findings).toEqual([]);
    expect(report.passed).toEqual([
      {
        id: "served-through-cloudfront",
        title: "Served through CloudFront with origin access control",
        detail: `Statement "S3kitCloudFrontRead" lets only ${distribution} read, through CloudFront.`,
      },
    ]);
  });

  it("does not count a CloudFront grant without aws:SourceArn (any distribution could read)", () => {
    const { Condition: _, ...open } = oacStatement;
    expect(auditBucket(withStatements(open)).passed).toEqual([]);
  });

  it("tells a public-read bucket with CloudFront in front to drop the public statement", () => {
    const pub = {
      Sid: "S3kitPublicRead",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::safe-bucket/*",
    };
    const served = auditBucket(withStatements(oacStatement, pub)).findings[0];
    expect(served?.id).toBe("policy-allows-everyone");
    expect(served?.fix).toContain(
      `already served through CloudFront with origin access control (${distribution})`,
    );
    const notServed = auditBucket(withStatements(pub)).findings[0];
    expect(notServed?.fix).toContain("`s3kit cdn create safe-bucket`");
  });
});
