import { describe } from "vitest";
import { type EvalCase, named, runCases } from "./helpers.js";

// Scenarios adapted from the IAM User Guide (policy evaluation logic, condition
// operators, policy variables, cross-account access).
const CARLOS = "arn:aws:iam::111122223333:user/carlossalazar";
const carlosPolicy = named(
  "carlos",
  {
    Sid: "AllowS3ListRead",
    Effect: "Allow",
    Action: [
      "s3:GetBucketLocation",
      "s3:GetAccountPublicAccessBlock",
      "s3:ListAccessPoints",
      "s3:ListAllMyBuckets",
    ],
    Resource: "arn:aws:s3:*:111122223333:*",
  },
  {
    Sid: "AllowS3Self",
    Effect: "Allow",
    Action: "s3:*",
    Resource: [
      "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
      "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar",
    ],
  },
  { Sid: "DenyS3Logs", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*log*" },
);
const logsBucketPolicy = named("logs-bucket", {
  Effect: "Allow",
  Principal: { AWS: CARLOS },
  Action: "s3:*",
  Resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*",
});

function c(
  name: string,
  policies: EvalCase["policies"],
  request: EvalCase["request"],
  decision: EvalCase["decision"],
  deciding?: string[],
): EvalCase {
  return { name, policies, request, decision, ...(deciding ? { deciding } : {}) };
}

describe("IAM User Guide: identity-based and resource-based policy evaluation", () => {
  runCases([
    c(
      "Carlos writes to his own bucket: allowed by AllowS3Self",
      { identityPolicies: [carlosPolicy] },
      {
        principal: CARLOS,
        action: "s3:PutObject",
        resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/file",
      },
      "allowed",
      ["carlos[1]"],
    ),
    c(
      "Carlos writes to the logs bucket: DenyS3Logs wins over the bucket policy allow",
      { identityPolicies: [carlosPolicy], resourcePolicy: logsBucketPolicy },
      {
        principal: CARLOS,
        action: "s3:PutObject",
        resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file",
      },
      "explicit-deny",
      ["carlos[2]"],
    ),
    c(
      "Without the deny, the bucket policy alone would allow Carlos",
      { resourcePolicy: logsBucketPolicy },
      {
        principal: CARLOS,
        action: "s3:PutObject",
        resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file",
      },
      "allowed",
      ["logs-bucket[0]"],
    ),
    c(
      "Carlos reads someone else's bucket: implicit deny",
      { identityPolicies: [carlosPolicy] },
      {
        principal: CARLOS,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::amzn-s3-demo-bucket-other/file",
      },
      "implicit-deny",
    ),
  ]);
});

describe("IAM User Guide: condition operator examples", () => {
  const maxKeys = named("p", {
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: "arn:aws:s3:::example_bucket",
    Condition: { NumericLessThanEquals: { "s3:max-keys": "10" } },
  });
  const tokenIssued = named("p", {
    Effect: "Allow",
    Action: "iam:*AccessKey*",
    Resource: "arn:aws:iam::111122223333:user/*",
    Condition: { DateGreaterThan: { "aws:TokenIssueTime": "2020-01-01T00:00:01Z" } },
  });
  const sns = named("queue", {
    Effect: "Allow",
    Principal: { AWS: "111122223333" },
    Action: "SQS:SendMessage",
    Resource: "arn:aws:sqs:us-east-2:111122223333:queue",
    Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-2:111122223333:topic" } },
  });
  runCases([
    c(
      "list up to 10 keys",
      { identityPolicies: [maxKeys] },
      {
        action: "s3:ListBucket",
        resource: "arn:aws:s3:::example_bucket",
        context: { "s3:max-keys": "10" },
      },
      "allowed",
    ),
    c(
      "list 1000 keys",
      { identityPolicies: [maxKeys] },
      {
        action: "s3:ListBucket",
        resource: "arn:aws:s3:::example_bucket",
        context: { "s3:max-keys": "1000" },
      },
      "implicit-deny",
    ),
    c(
      "access keys with temporary credentials issued after 2020",
      { identityPolicies: [tokenIssued] },
      {
        action: "iam:CreateAccessKey",
        resource: "arn:aws:iam::111122223333:user/bob",
        context: { "aws:TokenIssueTime": "2024-03-01T10:00:00Z" },
      },
      "allowed",
    ),
    c(
      "access keys with long-term credentials (no aws:TokenIssueTime)",
      { identityPolicies: [tokenIssued] },
      { action: "iam:CreateAccessKey", resource: "arn:aws:iam::111122223333:user/bob" },
      "implicit-deny",
    ),
    c(
      "SNS sends on behalf of the topic (ArnEquals aws:SourceArn)",
      {
        identityPolicies: [
          named("id", { Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }),
        ],
        resourcePolicy: sns,
      },
      {
        principal: "arn:aws:iam::111122223333:user/alice",
        action: "sqs:SendMessage",
        resource: "arn:aws:sqs:us-east-2:111122223333:queue",
        context: { "aws:SourceArn": "arn:aws:sns:us-east-2:111122223333:topic" },
      },
      "allowed",
    ),
  ]);
});

describe("IAM User Guide: cross-account bucket access", () => {
  const bucketInA = named("bucket", {
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::444455556666:root" },
    Action: ["s3:GetObject", "s3:ListBucket"],
    Resource: ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
  });
  const userInB = named("dave", {
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*",
  });
  const DAVE = "arn:aws:iam::444455556666:user/Dave";
  runCases([
    c(
      "account A delegates to account B, B's admin grants Dave: allowed",
      { identityPolicies: [userInB], resourcePolicy: bucketInA },
      {
        principal: DAVE,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::amzn-s3-demo-bucket/x",
        resourceAccount: "111122223333",
      },
      "allowed",
      ["dave[0]", "bucket[0]"],
    ),
    c(
      "Dave lists the bucket: A allows it but B does not grant it",
      { identityPolicies: [userInB], resourcePolicy: bucketInA },
      {
        principal: DAVE,
        action: "s3:ListBucket",
        resource: "arn:aws:s3:::amzn-s3-demo-bucket",
        resourceAccount: "111122223333",
      },
      "implicit-deny",
    ),
  ]);
});
