import { describe, expect, it } from "vitest";
import { type BucketPlan, desiredState, planBucket } from "../../src/core/buckets/plan.js";
import type { CreateBucketSpec } from "../../src/core/buckets/spec.js";
import { type BucketState, emptyState } from "../../src/core/buckets/state.js";

const spec = (extra: Partial<CreateBucketSpec> = {}): CreateBucketSpec => ({
  bucket: "my-app",
  region: "us-east-1",
  versioning: false,
  ...extra,
});

/** The state a bucket has after the plan ran (what S3 would read back). */
function applied(plan: BucketPlan, base: BucketState | null = null): BucketState {
  const state: BucketState = base ? structuredClone(base) : emptyState(plan.bucket, plan.region);
  for (const step of plan.steps) {
    if (step.setting === "bucket" || step.change === "unchanged") continue;
    (state as unknown as Record<string, unknown>)[step.setting] = structuredClone(step.desired);
  }
  return state;
}

const desiredOf = <T>(plan: BucketPlan, setting: string): T =>
  plan.steps.find((s) => s.setting === setting)?.desired as T;

const changes = (plan: BucketPlan) =>
  Object.fromEntries(
    plan.steps.filter((s) => s.change !== "unchanged").map((s) => [s.setting, s.change]),
  );

describe("planBucket for a new bucket", () => {
  it("creates the bucket, then ownership, public access block, encryption, policy, lifecycle", () => {
    const plan = planBucket(spec(), null);
    expect(plan.exists).toBe(false);
    expect(plan.steps.filter((s) => s.call).map((s) => s.call?.operation)).toEqual([
      "CreateBucket",
      "PutBucketOwnershipControls",
      "PutPublicAccessBlock",
      "PutBucketEncryption",
      "PutBucketPolicy",
      "PutBucketLifecycleConfiguration",
    ]);
    expect(plan.steps[0]?.call?.input).toEqual({ Bucket: "my-app" });
    const encryption = plan.steps.find((s) => s.setting === "encryption");
    expect(encryption?.call?.input).toEqual({
      Bucket: "my-app",
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
    });
    const policy = JSON.parse(
      plan.steps.find((s) => s.setting === "policy")?.call?.input.Policy as string,
    );
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
      "S3kitDenyOutdatedTls",
    ]);
    expect(policy.Statement[0].Resource).toEqual(["arn:aws:s3:::my-app", "arn:aws:s3:::my-app/*"]);
  });

  it("puts a LocationConstraint outside us-east-1 and uses the region's partition", () => {
    const plan = planBucket(spec({ region: "cn-north-1" }), null);
    expect(plan.steps[0]?.call?.input).toEqual({
      Bucket: "my-app",
      CreateBucketConfiguration: { LocationConstraint: "cn-north-1" },
    });
    expect(plan.steps.find((s) => s.setting === "policy")?.call?.input.Policy).toContain(
      "arn:aws-cn:s3:::my-app",
    );
  });

  it("adds the optional settings only when asked", () => {
    const plan = planBucket(
      spec({
        versioning: true,
        kmsKeyId: "alias/app",
        cors: [{ AllowedOrigins: ["https://a.example.com"], AllowedMethods: ["GET"] }],
        tags: { env: "dev" },
        accessLog: { bucket: "logs", prefix: "my-app/" },
        publicRead: { prefix: "" },
      }),
      null,
    );
    expect(Object.keys(changes(plan))).toEqual([
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
    ]);
    const pab = plan.steps.find((s) => s.setting === "publicAccessBlock");
    expect(pab?.desired).toEqual({
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    });
    const encryption = plan.steps.find((s) => s.setting === "encryption");
    expect(encryption?.call?.input.ServerSideEncryptionConfiguration).toEqual({
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: "aws:kms",
            KMSMasterKeyID: "alias/app",
          },
          BucketKeyEnabled: true,
        },
      ],
    });
    expect(plan.steps.find((s) => s.setting === "policy")?.call?.input.Policy).toContain(
      '"Sid":"S3kitPublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-app/*"',
    );
  });
});

describe("planBucket for an existing bucket", () => {
  it("plans nothing when the bucket already has every setting (idempotent)", () => {
    const full = spec({
      versioning: true,
      cors: [{ AllowedOrigins: ["https://a.example.com"], AllowedMethods: ["GET"] }],
      expire: { days: 30, prefix: "" },
      transitions: [{ storageClass: "GLACIER", days: 10 }],
      noncurrentExpireDays: 5,
      tags: { env: "dev" },
      accessLog: { bucket: "logs", prefix: "x/" },
    });
    const state = applied(planBucket(full, null));
    const again = planBucket(full, state);
    expect(changes(again)).toEqual({});
    expect(again.steps.every((s) => !s.call)).toBe(true);
  });

  it("treats S3's spellings of the same setting as equal", () => {
    const state = applied(planBucket(spec(), null));
    // S3 may return a filter as {} or {Prefix: ""}, a single-item list as a string, etc.
    state.lifecycle = (state.lifecycle ?? []).map((r) => ({ ...r, Filter: {} }));
    state.policy = {
      Version: "2012-10-17",
      Statement: (state.policy?.Statement ?? []).map((s) => ({ ...s, Action: ["s3:*"] })).reverse(),
    };
    expect(changes(planBucket(spec(), state))).toEqual({});
  });

  it("updates only the setting whose option changed", () => {
    const before = spec({ expire: { days: 30, prefix: "" } });
    const state = applied(planBucket(before, null));
    const plan = planBucket(spec({ expire: { days: 60, prefix: "" } }), state);
    expect(changes(plan)).toEqual({ lifecycle: "update" });
    expect(desiredOf<{ ID: string }[]>(plan, "lifecycle").map((r) => r.ID)).toEqual([
      "s3kit-abort-incomplete-multipart",
      "s3kit-expire",
    ]);
  });

  it("leaves unrequested optional settings (and s3kit's own optional rules) as they are", () => {
    const state = applied(
      planBucket(
        spec({ versioning: true, tags: { a: "1" }, expire: { days: 9, prefix: "" } }),
        null,
      ),
    );
    const plan = planBucket(spec(), state);
    expect(changes(plan)).toEqual({});
    expect(plan.steps.find((s) => s.setting === "versioning")?.desired).toBe("Enabled");
  });

  it("keeps foreign statements, rules and tags; merges tags", () => {
    const state: BucketState = {
      ...emptyState("my-app", "us-east-1"),
      policy: {
        Version: "2012-10-17",
        Id: "team",
        Statement: [
          {
            Sid: "Ci",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::1:role/ci" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::my-app/*",
          },
        ],
      },
      lifecycle: [
        { ID: "team-rule", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 1 } },
      ],
      tags: { owner: "team" },
    };
    const desired = desiredState(spec({ tags: { env: "dev" } }), state);
    expect(desired.policy?.Id).toBe("team");
    expect(desired.policy?.Statement.map((s) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
      "S3kitDenyOutdatedTls",
      "Ci",
    ]);
    expect(desired.lifecycle.map((r) => r.ID)).toEqual([
      "s3kit-abort-incomplete-multipart",
      "team-rule",
    ]);
    expect(desired.tags).toEqual({ owner: "team", env: "dev" });
  });

  it("keeps SSE-KMS when no --kms-key is given, and upgrades absent encryption to SSE-S3", () => {
    const kms = { algorithm: "aws:kms", kmsKeyId: "alias/x", bucketKeyEnabled: true };
    const state = { ...applied(planBucket(spec(), null)), encryption: kms };
    expect(changes(planBucket(spec(), state))).toEqual({});
    const none = { ...state, encryption: null };
    expect(changes(planBucket(spec(), none))).toEqual({ encryption: "create" });
  });

  it("turns a public bucket private again without --public-read", () => {
    const state = applied(planBucket(spec({ publicRead: { prefix: "img/" } }), null));
    const plan = planBucket(spec(), state);
    expect(changes(plan)).toEqual({ publicAccessBlock: "update", policy: "update" });
    const statements = desiredOf<{ Statement: { Sid: string }[] }>(plan, "policy").Statement;
    expect(statements.map((s) => s.Sid)).not.toContain("S3kitPublicRead");
  });
});

describe("the TLS-only policy modes", () => {
  const sids = (plan: BucketPlan) =>
    (desiredOf<{ Statement: { Sid?: string }[] } | null>(plan, "policy")?.Statement ?? []).map(
      (s) => s.Sid,
    );

  it("keep: a new bucket gets no policy at all", () => {
    const plan = planBucket(spec({ tlsPolicy: "keep" }), null);
    const policy = plan.steps.find((s) => s.setting === "policy");
    expect(policy).toMatchObject({ change: "unchanged", desired: null });
    expect(policy?.call).toBeUndefined();
  });

  it("keep: an existing TLS policy stays as it is", () => {
    const withTls = applied(planBucket(spec(), null));
    const plan = planBucket(spec({ tlsPolicy: "keep" }), withTls);
    expect(changes(plan)).toEqual({});
  });

  it("keep: a public-read statement still comes alone", () => {
    expect(sids(planBucket(spec({ tlsPolicy: "keep", publicRead: { prefix: "" } }), null))).toEqual(
      ["S3kitPublicRead"],
    );
  });

  it("remove: s3kit's TLS statements go and others stay", () => {
    const withTls = applied(planBucket(spec(), null));
    withTls.policy?.Statement.push({
      Sid: "Theirs",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:DeleteBucket",
      Resource: "arn:aws:s3:::my-app",
    });
    const plan = planBucket(spec({ tlsPolicy: "remove" }), withTls);
    expect(sids(plan)).toEqual(["Theirs"]);
  });

  it("remove: a policy that held only the TLS statements is deleted", () => {
    const withTls = applied(planBucket(spec(), null));
    const plan = planBucket(spec({ tlsPolicy: "remove" }), withTls);
    const policy = plan.steps.find((s) => s.setting === "policy");
    expect(policy).toMatchObject({
      change: "update",
      desired: null,
      call: { operation: "DeleteBucketPolicy" },
    });
  });
});
