import { describe } from "vitest";
import {
  ACCOUNT,
  allow,
  type EvalCase,
  named,
  OBJECT,
  OTHER_ACCOUNT,
  runCases,
} from "./helpers.js";

// The caller is in OTHER_ACCOUNT, the bucket in ACCOUNT: both sides must allow.
const CALLER = `arn:aws:iam::${OTHER_ACCOUNT}:user/partner`;
const CALLER_SESSION = `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/reader/s1`;
const idAllow = named("id", allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*"));

function bucketFor(aws: string | string[]) {
  return named("bucket", {
    Effect: "Allow",
    Principal: { AWS: aws },
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
    request: {
      principal: CALLER,
      resource: OBJECT,
      resourceAccount: ACCOUNT,
      ...(rest.request ?? {}),
    },
    decision,
  };
}

describe("Cross-account access", () => {
  runCases([
    c(
      "identity allow and bucket policy naming the account: allowed",
      { identityPolicies: [idAllow], resourcePolicy: bucketFor(OTHER_ACCOUNT) },
      "allowed",
      {
        deciding: ["id[0]", "bucket[0]"],
      },
    ),
    c(
      "identity allow and bucket policy naming the user: allowed",
      { identityPolicies: [idAllow], resourcePolicy: bucketFor(CALLER) },
      "allowed",
    ),
    c(
      "identity allow and bucket policy root ARN: allowed",
      {
        identityPolicies: [idAllow],
        resourcePolicy: bucketFor(`arn:aws:iam::${OTHER_ACCOUNT}:root`),
      },
      "allowed",
    ),
    c(
      "identity allow without bucket policy: denied",
      { identityPolicies: [idAllow] },
      "implicit-deny",
      { blockedBy: "resource-policy" },
    ),
    c(
      "bucket policy without identity allow: denied",
      { resourcePolicy: bucketFor(CALLER) },
      "implicit-deny",
      { blockedBy: "identity-policy" },
    ),
    c(
      "bucket policy naming the account without identity allow: denied",
      { resourcePolicy: bucketFor(OTHER_ACCOUNT) },
      "implicit-deny",
      {
        blockedBy: "identity-policy",
      },
    ),
    c(
      "bucket policy naming a third account: denied",
      { identityPolicies: [idAllow], resourcePolicy: bucketFor("999999999999") },
      "implicit-deny",
      {
        blockedBy: "resource-policy",
      },
    ),
    c(
      "bucket policy naming the caller's role, caller is a session of it",
      {
        identityPolicies: [idAllow],
        resourcePolicy: bucketFor(`arn:aws:iam::${OTHER_ACCOUNT}:role/reader`),
      },
      "allowed",
      { request: { principal: CALLER_SESSION } },
    ),
    c(
      "identity allow within the boundary and bucket allow",
      {
        identityPolicies: [idAllow],
        boundary: named("b", allow("s3:*", "*")),
        resourcePolicy: bucketFor(CALLER),
      },
      "allowed",
    ),
    c(
      "identity allow outside the boundary: the bucket policy cannot help across accounts",
      {
        identityPolicies: [idAllow],
        boundary: named("b", allow("ec2:*", "*")),
        resourcePolicy: bucketFor(CALLER),
      },
      "implicit-deny",
      { blockedBy: "boundary" },
    ),
    c(
      "deny in the bucket policy wins",
      {
        identityPolicies: [idAllow],
        resourcePolicy: named(
          "bucket",
          { Effect: "Allow", Principal: { AWS: OTHER_ACCOUNT }, Action: "s3:*", Resource: "*" },
          {
            Effect: "Deny",
            Principal: { AWS: OTHER_ACCOUNT },
            Action: "s3:GetObject",
            Resource: "*",
          },
        ),
      },
      "explicit-deny",
      { deciding: ["bucket[1]"] },
    ),
    c(
      "public bucket policy plus identity allow across accounts",
      {
        identityPolicies: [idAllow],
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      "allowed",
    ),
    c(
      "same account when resourceAccount is not given",
      { identityPolicies: [idAllow] },
      "allowed",
      { request: { principal: CALLER, resourceAccount: OTHER_ACCOUNT } },
    ),
    c(
      "aws:PrincipalAccount condition in the bucket policy",
      {
        identityPolicies: [idAllow],
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalAccount": OTHER_ACCOUNT } },
        }),
      },
      "allowed",
    ),
    c("cross-account root user still needs the bucket policy", {}, "implicit-deny", {
      request: { principal: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
      blockedBy: "resource-policy",
    }),
  ]);
});
