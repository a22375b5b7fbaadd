// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
import { describe } from "vitest";
import { allow, BUCKET, type EvalCase, named, OBJECT, runCases } from "./helpers.js";

// NotAction / NotResource: they match everything *except* what they list.
function c(
  name: string,
  policies: EvalCase["policies"],
  request: EvalCase["request"],
  decision: EvalCase["decision"],
  rest: Partial<EvalCase> = {},
): EvalCase {
  return { name, policies, request, decision, ...rest };
}

const allowNotDelete = named("p", { Effect: "Allow", NotAction: "s3:Delete*", Resource: "*" });
const allowNotBucket = named("p", {
  Effect: "Allow",
  Action: "s3:*",
  NotResource: "arn:aws:s3:::secret/*",
});

describe("NotAction", () => {
  runCases([
    c(
      "Allow NotAction allows actions not listed",
      { identityPolicies: [allowNotDelete] },
      { action: "s3:GetObject" },
      "allowed",
    ),
    c(
      "Allow NotAction does not allow a listed action",
      { identityPolicies: [allowNotDelete] },
      { action: "s3:DeleteObject" },
      "implicit-deny",
    ),
    c(
      "Allow NotAction allows other services too",
      { identityPolicies: [allowNotDelete] },
      { action: "iam:CreateUser", resource: "*" },
      "allowed",
    ),
    c(
      "Allow NotAction is case-insensitive",
      { identityPolicies: [allowNotDelete] },
      { action: "S3:DELETEOBJECT" },
      "implicit-deny",
    ),
    c(
      "Deny NotAction denies everything not listed",
      {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Effect: "Deny",
            NotAction: "s3:GetObject",
            Resource: "*",
          }),
        ],
      },
      { action: "s3:PutObject" },
      "explicit-deny",
      { deciding: ["p[1]"] },
    ),
    c(
      "Deny NotAction leaves the listed action alone",
      {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Effect: "Deny",
            NotAction: "s3:GetObject",
            Resource: "*",
          }),
        ],
      },
      { action: "s3:GetObject" },
      "allowed",
    ),
    c(
      "Deny NotAction with a list",
      {
        identityPolicies: [
          named("p", allow("*", "*"), {
            Effect: "Deny",
            NotAction: ["s3:Get*", "s3:List*"],
            Resource: "*",
          }),
        ],
      },
      { action: "s3:ListBucket", resource: BUCKET },
      "allowed",
    ),
    c(
      "MFA guard: deny everything but IAM self-service without MFA",
      {
        identityPolicies: [
          named("p", allow("*", "*"), {
            Effect: "Deny",
            NotAction: ["iam:ChangePassword", "iam:GetUser"],
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          }),
        ],
      },
      { action: "s3:GetObject", resource: OBJECT },
      "explicit-deny",
    ),
    c(
      "MFA guard does not fire with MFA",
      {
        identityPolicies: [
          named("p", allow("*", "*"), {
            Effect: "Deny",
            NotAction: ["iam:ChangePassword", "iam:GetUser"],
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          }),
        ],
      },
      {
        action: "s3:GetObject",
        resource: OBJECT,
        context: { "aws:MultiFactorAuthPresent": "true" },
      },
      "allowed",
    ),
  ]);
});

describe("NotResource", () => {
  runCases([
    c(
      "Allow NotResource allows other resources",
      { identityPolicies: [allowNotBucket] },
      { resource: OBJECT },
      "allowed",
    ),
    c(
      "Allow NotResource does not allow the listed resource",
      { identityPolicies: [allowNotBucket] },
      { resource: "arn:aws:s3:::secret/x" },
      "implicit-deny",
    ),
    c(
      "Allow NotResource allows the bucket ARN of the listed objects",
      { identityPolicies: [allowNotBucket] },
      { resource: "arn:aws:s3:::secret" },
      "allowed",
    ),
    c(
      "Deny NotResource denies everything outside the listed resources",
      {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Effect: "Deny",
            Action: "s3:*",
            NotResource: ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
          }),
        ],
      },
      { resource: "arn:aws:s3:::other/x" },
      "explicit-deny",
    ),
    c(
      "Deny NotResource leaves the listed bucket alone",
      {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Effect: "Deny",
            Action: "s3:*",
            NotResource: ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
          }),
        ],
      },
      { resource: OBJECT },
      "allowed",
    ),
    c(
      "NotResource with a variable",
      {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Effect: "Deny",
            Action: "s3:*",
            NotResource: "arn:aws:s3:::b/${aws:username}/*",
          }),
        ],
      },
      { resource: "arn:aws:s3:::b/bob/x" },
      "explicit-deny",
    ),
    c(
      "NotResource with a variable: own folder allowed",
      {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Effect: "Deny",
            Action: "s3:*",
            NotResource: "arn:aws:s3:::b/${aws:username}/*",
          }),
        ],
      },
      { resource: "arn:aws:s3:::b/alice/x" },
      "allowed",
    ),
    c(
      "NotAction and NotResource together",
      {
        identityPolicies: [
          named("p", {
            Effect: "Allow",
            NotAction: "s3:Delete*",
            NotResource: "arn:aws:s3:::secret/*",
          }),
        ],
      },
      { action: "s3:PutObject", resource: "arn:aws:s3:::public/x" },
      "allowed",
    ),
    c(
      "NotAction and NotResource together: listed resource",
      {
        identityPolicies: [
          named("p", {
            Effect: "Allow",
            NotAction: "s3:Delete*",
            NotResource: "arn:aws:s3:::secret/*",
          }),
        ],
      },
      { action: "s3:PutObject", resource: "arn:aws:s3:::secret/x" },
      "implicit-deny",
    ),
  ]);
});
