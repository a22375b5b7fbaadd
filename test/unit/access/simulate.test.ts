// SimulatePrincipalPolicy exists only on AWS: its answers, its refusals, and endpoints
// without it, with a mocked SDK.
import { describe, expect, it } from "vitest";
import { onlineDebug } from "../../../src/core/access/debug-online.js";
import { simulatePrincipal } from "../../../src/core/access/simulate.js";
import { fakeAws, type Handlers, sdkError } from "../../support/fake-aws.js";

const USER = "arn:aws:iam::123456789012:user/s3kit/alice";
const request = (action: string, resource: string) => ({
  action,
  resource,
  principal: USER,
  context: { "aws:SecureTransport": "true", "s3:prefix": "uploads/" },
});

describe("simulatePrincipal", () => {
  it("asks once per request and maps AWS's decisions", async () => {
    const { aws, calls } = fakeAws({
      SimulatePrincipalPolicy: (input) => ({
        EvaluationResults: [
          {
            EvalActionName: (input.ActionNames as string[])[0],
            EvalDecision:
              (input.ActionNames as string[])[0] === "s3:GetObject" ? "allowed" : "explicitDeny",
            MatchedStatements: [{ SourcePolicyId: "uploads" }],
          },
        ],
      }),
    });
    const sim = await simulatePrincipal(aws, USER, [
      request("s3:GetObject", "arn:aws:s3:::b/x"),
      request("s3:PutObject", "arn:aws:s3:::b/x"),
    ]);
    expect(sim).toEqual({
      status: "done",
      results: [
        {
          action: "s3:GetObject",
          resource: "arn:aws:s3:::b/x",
          decision: "allowed",
          matched: ["uploads"],
        },
        {
          action: "s3:PutObject",
          resource: "arn:aws:s3:::b/x",
          decision: "explicit-deny",
          matched: ["uploads"],
        },
      ],
    });
    // Context keys AWS sets itself are not passed; the others are.
    expect(calls[0]?.input.ContextEntries).toEqual([
      { ContextKeyName: "s3:prefix", ContextKeyValues: ["uploads/"], ContextKeyType: "string" },
    ]);
    expect(calls[0]?.input.PolicySourceArn).toBe(USER);
  });

  it("says in one line when an S3-compatible endpoint does not implement it", async () => {
    const { aws } = fakeAws(
      {
        SimulatePrincipalPolicy: () => {
          throw sdkError("InternalFailure", 500, "Internal Server Error");
        },
      },
      { endpoint: "http://127.0.0.1:5000" },
    );
    expect(
      await simulatePrincipal(aws, USER, [request("s3:GetObject", "arn:aws:s3:::b/x")]),
    ).toEqual({
      status: "unsupported",
      note: "http://127.0.0.1:5000 does not implement SimulatePrincipalPolicy; the results are s3kit's own evaluation.",
    });
  });

  it("reports AWS refusing the simulator (no iam:SimulatePrincipalPolicy)", async () => {
    const { aws } = fakeAws({
      SimulatePrincipalPolicy: () => {
        throw sdkError(
          "AccessDenied",
          403,
          "User is not authorized to perform: iam:SimulatePrincipalPolicy",
        );
      },
    });
    const sim = await simulatePrincipal(aws, USER, [request("s3:GetObject", "arn:aws:s3:::b/x")]);
    expect(sim.status).toBe("failed");
    expect("note" in sim && sim.note).toContain(
      "AccessDenied: User is not authorized to perform: iam:SimulatePrincipalPolicy",
    );
  });
});

describe("online debug against AWS", () => {
  const handlers = (simulated: string): Handlers => ({
    GetUser: () => ({ User: { UserName: "alice", Arn: USER } }),
    ListGroupsForUser: () => ({ Groups: [], IsTruncated: false }),
    ListAttachedUserPolicies: () => ({ AttachedPolicies: [], IsTruncated: false }),
    ListUserPolicies: () => ({ PolicyNames: ["uploads"], IsTruncated: false }),
    GetUserPolicy: () => ({
      PolicyDocument: encodeURIComponent(
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::media" }],
        }),
      ),
    }),
    HeadBucket: () => ({ BucketRegion: "us-east-1" }),
    GetBucketPolicy: () => {
      throw sdkError("NoSuchBucketPolicy", 404);
    },
    GetPublicAccessBlock: () => ({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
    GetBucketEncryption: () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
    }),
    GetAccountAuthorizationDetails: () => ({ Policies: [], IsTruncated: false }),
    SimulatePrincipalPolicy: () => ({ EvaluationResults: [{ EvalDecision: simulated }] }),
  });

  it("agrees with AWS: no disagreement reported", async () => {
    const { aws } = fakeAws(handlers("implicitDeny"));
    const report = await onlineDebug(aws, {
      bucket: "media",
      principal: { user: "alice" },
      actions: ["s3:PutObject"],
    });
    expect(report.results[0]).toMatchObject({
      decision: "implicit-deny",
      simulated: "implicit-deny",
    });
    expect(report.results[0]?.diagnoses.map((d) => d.id)).toContain("missing-object-wildcard");
    expect(report.disagreements).toEqual([]);
    expect(report.bucket.encryption).toEqual({ type: "SSE-S3" });
  });

  it("reports where AWS's simulator disagrees", async () => {
    const { aws } = fakeAws(handlers("allowed"));
    const report = await onlineDebug(aws, {
      bucket: "media",
      principal: { user: "alice" },
      actions: ["s3:PutObject"],
    });
    expect(report.disagreements).toEqual([
      "IAM's policy simulator says allowed for s3:PutObject on arn:aws:s3:::media/example-key; s3kit says implicit-deny.",
    ]);
  });
});
