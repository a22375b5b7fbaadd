import { describe } from "vitest";
import {
  ACCOUNT,
  ALICE,
  allow,
  deny,
  type EvalCase,
  named,
  OBJECT,
  ROLE,
  runCases,
  SESSION,
} from "./helpers.js";

// Permissions boundaries limit identity-policy allows; an Allow in the bucket policy
// naming the IAM user (or the role session) is not limited, one naming the role ARN is.
const idAllow = named("id", allow("s3:GetObject", "*"));
const boundaryS3 = named("boundary", allow("s3:*", "*"));
const boundaryOther = named("boundary", allow("ec2:*", "*"));

function bucketFor(principal: string | Record<string, string>) {
  return named("bucket", {
    Effect: "Allow",
    Principal: typeof principal === "string" ? { AWS: principal } : principal,
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*",
  });
}

function c(
  name: string,
  policies: EvalCase["policies"],
  decision: EvalCase["decision"],
  rest: Partial<EvalCase> = {},
): EvalCase {
  return {
    ...rest,
    name,
    policies,
    request: { resource: OBJECT, ...(rest.request ?? {}) },
    decision,
  };
}

describe("Permissions boundaries", () => {
  runCases([
    c(
      "identity allow inside the boundary is allowed",
      { identityPolicies: [idAllow], boundary: boundaryS3 },
      "allowed",
      {
        deciding: ["id[0]"],
      },
    ),
    c(
      "identity allow outside the boundary is an implicit deny",
      { identityPolicies: [idAllow], boundary: boundaryOther },
      "implicit-deny",
      {
        blockedBy: "boundary",
      },
    ),
    c("boundary alone grants nothing", { boundary: boundaryS3 }, "implicit-deny", {
      blockedBy: "no-allow",
    }),
    c(
      "explicit deny in the boundary wins",
      {
        identityPolicies: [idAllow],
        boundary: named("boundary", allow("s3:*", "*"), deny("s3:GetObject", "*")),
      },
      "explicit-deny",
      { deciding: ["boundary[1]"] },
    ),
    c(
      "boundary with a condition that fails blocks",
      {
        identityPolicies: [idAllow],
        boundary: named(
          "boundary",
          allow("s3:*", "*", { Bool: { "aws:SecureTransport": "true" } }),
        ),
      },
      "implicit-deny",
      { request: { context: { "aws:SecureTransport": "false" } }, blockedBy: "boundary" },
    ),
    c(
      "bucket policy naming the user ARN is not limited by the boundary",
      { boundary: boundaryOther, resourcePolicy: bucketFor(ALICE) },
      "allowed",
      { deciding: ["bucket[0]"] },
    ),
    c(
      "bucket policy naming the role ARN is limited by the boundary",
      { boundary: boundaryOther, resourcePolicy: bucketFor(ROLE) },
      "implicit-deny",
      { request: { principal: SESSION }, blockedBy: "boundary" },
    ),
    c(
      "bucket policy naming the role ARN inside the boundary is allowed",
      { boundary: boundaryS3, resourcePolicy: bucketFor(ROLE) },
      "allowed",
      { request: { principal: SESSION }, deciding: ["bucket[0]"] },
    ),
    c(
      "bucket policy naming the role session ARN is not limited by the boundary",
      { boundary: boundaryOther, resourcePolicy: bucketFor(SESSION) },
      "allowed",
      { request: { principal: SESSION }, deciding: ["bucket[0]"] },
    ),
    c(
      'bucket policy with Principal "*" is not limited by the boundary',
      {
        boundary: boundaryOther,
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      "allowed",
      { request: { principal: SESSION } },
    ),
    c(
      "bucket policy naming the account still needs identity allow within the boundary",
      { identityPolicies: [idAllow], boundary: boundaryOther, resourcePolicy: bucketFor(ACCOUNT) },
      "implicit-deny",
      { blockedBy: "boundary" },
    ),
    c(
      "a Deny with NotPrincipal always denies a principal with a boundary",
      {
        identityPolicies: [idAllow],
        boundary: boundaryS3,
        resourcePolicy: named("bucket", {
          Effect: "Deny",
          NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${ACCOUNT}:root`] },
          Action: "s3:*",
          Resource: "*",
        }),
      },
      "explicit-deny",
      { deciding: ["bucket[0]"] },
    ),
    c(
      "the same Deny with NotPrincipal exempts the user without a boundary",
      {
        identityPolicies: [idAllow],
        resourcePolicy: named("bucket", {
          Effect: "Deny",
          NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${ACCOUNT}:root`] },
          Action: "s3:*",
          Resource: "*",
        }),
      },
      "allowed",
    ),
    c("boundaries do not apply to the root user", { boundary: boundaryOther }, "allowed", {
      request: { principal: `arn:aws:iam::${ACCOUNT}:root` },
    }),
    c(
      "identity allow and bucket allow both within the boundary: both decide",
      { identityPolicies: [idAllow], boundary: boundaryS3, resourcePolicy: bucketFor(ALICE) },
      "allowed",
      { deciding: ["id[0]", "bucket[0]"] },
    ),
  ]);
});
