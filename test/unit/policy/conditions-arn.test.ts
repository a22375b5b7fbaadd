import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

const A = "aws:SourceArn";

describe("ARN condition operators", () => {
  runCases([
    conditionCase(
      "ArnEquals",
      A,
      "arn:aws:sns:us-east-2:123456789012:topic",
      "arn:aws:sns:us-east-2:123456789012:topic",
      true,
    ),
    conditionCase(
      "ArnEquals",
      A,
      "arn:aws:sns:us-east-2:123456789012:topic",
      "arn:aws:sns:us-east-2:123456789012:other",
      false,
    ),
    conditionCase(
      "ArnEquals",
      A,
      "arn:aws:sns:*:123456789012:topic",
      "arn:aws:sns:eu-west-1:123456789012:topic",
      true,
    ),
    conditionCase(
      "ArnLike",
      A,
      "arn:aws:sns:*:123456789012:*",
      "arn:aws:sns:eu-west-1:123456789012:t",
      true,
    ),
    conditionCase("ArnLike", A, "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", true),
    conditionCase("ArnLike", A, "arn:aws:s3:::bucket/*", "arn:aws:s3:::other/a", false),
    conditionCase(
      "ArnLike",
      A,
      "arn:aws:sns:*:111122223333:*",
      "arn:aws:sns:us-east-1:999999999999:x",
      false,
    ),
    // AWS's documented example: ArnLike matches component by component, StringLike does not.
    conditionCase(
      "ArnLike",
      A,
      "arn:aws:someservice:*:111122223333:finance/*",
      "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
      false,
    ),
    conditionCase(
      "StringLike",
      A,
      "arn:aws:someservice:*:111122223333:finance/*",
      "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
      true,
    ),
    conditionCase("ArnLike", A, "arn:aws:sns:us-east-?:*:*", "arn:aws:sns:us-east-2:1:t", true),
    conditionCase("ArnLike", A, "arn:aws:sns:*:*:*", "not-an-arn", false),
    conditionCase("ArnLike", A, "arn:aws:sns:*:*:*", undefined, false),
    conditionCase(
      "ArnNotEquals",
      A,
      "arn:aws:sns:us-east-2:1:t",
      "arn:aws:sns:us-east-2:1:u",
      true,
    ),
    conditionCase("ArnNotLike", A, "arn:aws:sns:*:1:*", "arn:aws:sns:us-east-2:1:u", false),
    conditionCase("ArnNotLike", A, "arn:aws:sns:*:1:*", undefined, true),
    conditionCase(
      "ArnLike",
      "aws:PrincipalArn",
      "arn:aws:iam::111122223333:role/*",
      "arn:aws:iam::111122223333:role/app",
      true,
    ),
    conditionCase("ArnEquals", A, "arn:aws:SNS:us-east-2:1:t", "arn:aws:sns:us-east-2:1:t", false),
  ]);
});
