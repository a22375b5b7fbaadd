import { describe } from "vitest";
import { ACCOUNT, allow, deny, type EvalCase, named, OBJECT, runCases } from "./helpers.js";

// Service control policies: a filter on the caller's account; every level must allow.
const idAll = named("id", allow("s3:*", "*"));
const fullAccess = named("FullAWSAccess", allow("*", "*"));

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

describe("SCPs", () => {
  runCases([
    c(
      "FullAWSAccess SCP leaves identity allows in place",
      { identityPolicies: [idAll], scps: [fullAccess] },
      "allowed",
      { deciding: ["id[0]"] },
    ),
    c(
      "SCP that does not allow S3 blocks",
      { identityPolicies: [idAll], scps: [named("ec2only", allow("ec2:*", "*"))] },
      "implicit-deny",
      {
        blockedBy: "scp",
      },
    ),
    c(
      "SCP deny wins",
      {
        identityPolicies: [idAll],
        scps: [fullAccess, named("nodelete", deny("s3:DeleteObject", "*"))],
      },
      "explicit-deny",
      {
        request: { action: "s3:DeleteObject" },
        deciding: ["nodelete[0]"],
      },
    ),
    c(
      "SCP deny of another action",
      {
        identityPolicies: [idAll],
        scps: [fullAccess, named("nodelete", deny("s3:DeleteObject", "*"))],
      },
      "allowed",
    ),
    c("SCP grants nothing on its own", { scps: [fullAccess] }, "implicit-deny", {
      blockedBy: "no-allow",
    }),
    c(
      "each level must allow: the OU level does not allow S3",
      {
        identityPolicies: [idAll],
        scps: [
          { ...fullAccess, level: "root" },
          { ...named("ou-ec2", allow("ec2:*", "*")), level: "ou" },
        ],
      },
      "implicit-deny",
      { blockedBy: "scp" },
    ),
    c(
      "within a level one allowing SCP is enough",
      {
        identityPolicies: [idAll],
        scps: [
          { ...named("ec2", allow("ec2:*", "*")), level: "ou" },
          { ...named("s3", allow("s3:*", "*")), level: "ou" },
        ],
      },
      "allowed",
    ),
    c(
      "SCPs also limit what a bucket policy grants in the same account",
      {
        scps: [named("ec2only", allow("ec2:*", "*"))],
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
          Action: "s3:*",
          Resource: "*",
        }),
      },
      "implicit-deny",
      { blockedBy: "scp" },
    ),
    c(
      "SCPs apply to the root user of a member account",
      { scps: [named("ec2only", allow("ec2:*", "*"))] },
      "implicit-deny",
      {
        request: { principal: `arn:aws:iam::${ACCOUNT}:root` },
      },
    ),
    c(
      "SCPs do not apply to anonymous callers",
      {
        scps: [named("ec2only", allow("ec2:*", "*"))],
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      "allowed",
      { request: { principal: "anonymous" } },
    ),
    c(
      "SCP with a region condition",
      {
        identityPolicies: [idAll],
        scps: [
          named(
            "regions",
            allow("*", "*", { StringEquals: { "aws:RequestedRegion": ["eu-west-1"] } }),
          ),
        ],
      },
      "implicit-deny",
      { request: { context: { "aws:RequestedRegion": "us-east-1" } } },
    ),
    c(
      "SCP with a NotAction deny outside allowed regions",
      {
        identityPolicies: [idAll],
        scps: [
          fullAccess,
          named("region-guard", {
            Effect: "Deny",
            NotAction: ["iam:*", "sts:*"],
            Resource: "*",
            Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] } },
          }),
        ],
      },
      "explicit-deny",
      { request: { context: { "aws:RequestedRegion": "us-east-1" } } },
    ),
  ]);
});
