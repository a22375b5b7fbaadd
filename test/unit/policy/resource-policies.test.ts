import { describe } from "vitest";
import { ACCOUNT, ALICE, allow, BOB, type EvalCase, named, OBJECT, runCases } from "./helpers.js";

// Same-account bucket policies: union with identity policies, denies, conditions.
const bucketAllowAlice = named("bucket", {
  Sid: "AliceRead",
  Effect: "Allow",
  Principal: { AWS: ALICE },
  Action: ["s3:GetObject", "s3:ListBucket"],
  Resource: ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
});
const tlsDeny = named("bucket", {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});

function c(
  name: string,
  policies: EvalCase["policies"],
  request: EvalCase["request"],
  decision: EvalCase["decision"],
  rest: Partial<EvalCase> = {},
): EvalCase {
  return { name, policies, request: { resource: OBJECT, ...request }, decision, ...rest };
}

describe("Bucket policies in the same account", () => {
  runCases([
    c(
      "bucket policy alone grants the named user",
      { resourcePolicy: bucketAllowAlice },
      {},
      "allowed",
      { deciding: ["bucket[0]"] },
    ),
    c(
      "bucket policy does not grant another user",
      { resourcePolicy: bucketAllowAlice },
      { principal: BOB },
      "implicit-deny",
    ),
    c(
      "identity allow alone is enough in the same account",
      { identityPolicies: [named("id", allow("s3:GetObject", "*"))] },
      {},
      "allowed",
    ),
    c(
      "identity allow for GetObject plus bucket allow for ListBucket: union",
      {
        identityPolicies: [named("id", allow("s3:GetObject", "*"))],
        resourcePolicy: bucketAllowAlice,
      },
      { action: "s3:ListBucket", resource: "arn:aws:s3:::amzn-s3-demo-bucket" },
      "allowed",
      { deciding: ["bucket[0]"] },
    ),
    c(
      "TLS deny in the bucket policy wins over an identity allow",
      { identityPolicies: [named("id", allow("s3:*", "*"))], resourcePolicy: tlsDeny },
      { context: { "aws:SecureTransport": "false" } },
      "explicit-deny",
      { deciding: ["bucket[0]"] },
    ),
    c(
      "TLS deny does not apply over TLS",
      { identityPolicies: [named("id", allow("s3:*", "*"))], resourcePolicy: tlsDeny },
      { context: { "aws:SecureTransport": "true" } },
      "allowed",
    ),
    c(
      "TLS deny does not apply when aws:SecureTransport is missing (Bool on a missing key is false)",
      { identityPolicies: [named("id", allow("s3:*", "*"))], resourcePolicy: tlsDeny },
      {},
      "allowed",
    ),
    c(
      "deny naming another user does not apply",
      {
        identityPolicies: [named("id", allow("s3:*", "*"))],
        resourcePolicy: named("bucket", {
          Effect: "Deny",
          Principal: { AWS: BOB },
          Action: "s3:*",
          Resource: "*",
        }),
      },
      {},
      "allowed",
    ),
    c(
      "deny naming the user applies",
      {
        identityPolicies: [named("id", allow("s3:*", "*"))],
        resourcePolicy: named("bucket", {
          Effect: "Deny",
          Principal: { AWS: ALICE },
          Action: "s3:*",
          Resource: "*",
        }),
      },
      {},
      "explicit-deny",
    ),
    c(
      "deny naming the account applies to its users",
      {
        identityPolicies: [named("id", allow("s3:*", "*"))],
        resourcePolicy: named("bucket", {
          Effect: "Deny",
          Principal: { AWS: ACCOUNT },
          Action: "s3:*",
          Resource: "*",
        }),
      },
      {},
      "explicit-deny",
    ),
    c(
      "bucket policy naming the account plus identity allow: both decide",
      {
        identityPolicies: [named("id", allow("s3:GetObject", "*"))],
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: { AWS: ACCOUNT },
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      {},
      "allowed",
      { deciding: ["id[0]", "bucket[0]"] },
    ),
    c(
      "public read: anonymous GetObject allowed",
      {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*",
        }),
      },
      { principal: "anonymous" },
      "allowed",
    ),
    c(
      "public read: anonymous PutObject denied",
      {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*",
        }),
      },
      { principal: "anonymous", action: "s3:PutObject" },
      "implicit-deny",
    ),
    c(
      "bucket policy statement without Principal never applies",
      { resourcePolicy: named("bucket", allow("s3:GetObject", "*")) },
      {},
      "implicit-deny",
    ),
    c(
      "bucket policy with IP condition: inside the range",
      {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
        }),
      },
      { principal: "anonymous", context: { "aws:SourceIp": "203.0.113.9" } },
      "allowed",
    ),
    c(
      "bucket policy with IP condition: outside the range",
      {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
        }),
      },
      { principal: "anonymous", context: { "aws:SourceIp": "198.51.100.9" } },
      "implicit-deny",
    ),
    c(
      "aws:PrincipalArn condition with Principal * (not limited by identity policies)",
      {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:user/a*` } },
        }),
      },
      {},
      "allowed",
    ),
    c(
      "the root user of the bucket account has access without policies",
      {},
      { principal: `arn:aws:iam::${ACCOUNT}:root` },
      "allowed",
    ),
    c(
      "the root user is still bound by an explicit deny",
      { resourcePolicy: tlsDeny },
      { principal: `arn:aws:iam::${ACCOUNT}:root`, context: { "aws:SecureTransport": "false" } },
      "explicit-deny",
    ),
  ]);
});
