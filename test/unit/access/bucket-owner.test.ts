// Which account owns the bucket, online. Real S3 refuses HeadBucket with a wrong
// ExpectedBucketOwner (403); moto and MinIO ignore the parameter, so the "another account"
// answer can only come from a mocked SDK here. The answer decides the evaluation: for a
// bucket in another account, the caller's own policies must allow the request too.
import { describe, expect, it } from "vitest";
import { onlineDebug } from "../../../src/core/access/debug-online.js";
import { fakeAws, type Handlers, sdkError } from "../../support/fake-aws.js";

const ACCOUNT = "123456789012";
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** alice: no S3 permissions of her own; the bucket policy grants her GetObject. */
function handlers(owner: string | "ignored"): Handlers {
  return {
    GetUser: () => ({ User: { UserName: "alice", Arn: USER } }),
    ListGroupsForUser: () => ({ Groups: [], IsTruncated: false }),
    ListAttachedUserPolicies: () => ({ AttachedPolicies: [], IsTruncated: false }),
    ListUserPolicies: () => ({ PolicyNames: [], IsTruncated: false }),
    HeadBucket: (input) => {
      const expected = input.ExpectedBucketOwner;
      if (owner !== "ignored" && expected !== undefined && expected !== owner) {
        throw sdkError("AccessDenied", 403, "Access Denied");
      }
      return { BucketRegion: "us-east-1" };
    },
    GetBucketPolicy: () => ({
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AliceReads",
            Effect: "Allow",
            Principal: { AWS: USER },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::shared-data/*",
          },
        ],
      }),
    }),
    GetPublicAccessBlock: () => {
      throw sdkError("NoSuchPublicAccessBlockConfiguration", 404);
    },
    GetBucketEncryption: () => {
      throw sdkError("ServerSideEncryptionConfigurationNotFoundError", 404);
    },
    GetAccountAuthorizationDetails: () => ({ Policies: [], IsTruncated: false }),
  };
}

const debug = (h: Handlers, bucketAccount?: string) => {
  const fake = fakeAws(h);
  return {
    calls: fake.calls,
    report: onlineDebug(fake.aws, {
      bucket: "shared-data",
      principal: { user: "alice" },
      actions: ["s3:GetObject"],
      key: "q1.csv",
      simulate: false,
      ...(bucketAccount ? { bucketAccount } : {}),
    }),
  };
};

describe("the bucket's owner, online", () => {
  it("same account, confirmed by S3: the bucket policy naming alice grants on its own", async () => {
    const { report, calls } = debug(handlers(ACCOUNT));
    const r = await report;
    expect(r.bucket.owner).toEqual({ accountId: ACCOUNT, source: "confirmed" });
    expect(r.results[0]).toMatchObject({ decision: "allowed", crossAccount: false });
    expect(r.notes.join(" ")).not.toContain("owns");
    const owners = calls
      .filter((c) => c.command === "HeadBucket")
      .map((c) => c.input.ExpectedBucketOwner);
    expect(owners).toEqual([undefined, ACCOUNT, "000000000000"]);
  });

  it("another account: alice's own policies must allow it too, and they do not", async () => {
    const r = await debug(handlers("999988887777")).report;
    expect(r.bucket.owner).toEqual({ source: "other-account" });
    expect(r.results[0]).toMatchObject({
      decision: "implicit-deny",
      blockedBy: "identity-policy",
      crossAccount: true,
    });
    expect(r.results[0]?.diagnoses.map((d) => d.id)).toContain("cross-account-identity");
    expect(r.notes.join(" ")).toContain(
      "Bucket shared-data belongs to another account than 123456789012",
    );
  });

  it("an endpoint that ignores ExpectedBucketOwner: says it cannot tell", async () => {
    const r = await debug(handlers("ignored")).report;
    expect(r.bucket.owner).toEqual({ accountId: ACCOUNT, source: "assumed" });
    expect(r.results[0]?.decision).toBe("allowed");
    expect(r.notes.join(" ")).toContain(
      "does not check ExpectedBucketOwner, so it cannot say which account owns the bucket",
    );
    expect(r.notes.join(" ")).toContain("--bucket-account ID");
  });

  it("--bucket-account names it: no lookup, and the context has aws:ResourceAccount", async () => {
    const { report, calls } = debug(handlers("ignored"), "999988887777");
    const r = await report;
    expect(r.bucket.owner).toEqual({ accountId: "999988887777", source: "given" });
    expect(r.results[0]).toMatchObject({ decision: "implicit-deny", crossAccount: true });
    expect(r.results[0]?.context).toMatchObject({
      "aws:ResourceAccount": "999988887777",
      "s3:ResourceAccount": "999988887777",
    });
    expect(calls.filter((c) => c.input.ExpectedBucketOwner !== undefined)).toEqual([]);
  });
});
