import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

// …IfExists: a missing key makes the condition true; a present key is checked as usual.

describe("…IfExists", () => {
  runCases([
    conditionCase("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", undefined, true),
    conditionCase("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", "t3.micro", true),
    conditionCase("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", "m5.large", false),
    conditionCase(
      "StringLikeIfExists",
      "ec2:InstanceType",
      ["t1.*", "t2.*", "m3.*"],
      "t2.small",
      true,
    ),
    conditionCase(
      "StringLikeIfExists",
      "ec2:InstanceType",
      ["t1.*", "t2.*", "m3.*"],
      "c5.large",
      false,
    ),
    conditionCase(
      "StringNotEqualsIfExists",
      "s3:x-amz-server-side-encryption",
      "aws:kms",
      undefined,
      true,
    ),
    conditionCase(
      "StringNotEqualsIfExists",
      "s3:x-amz-server-side-encryption",
      "aws:kms",
      "AES256",
      true,
    ),
    conditionCase(
      "StringNotEqualsIfExists",
      "s3:x-amz-server-side-encryption",
      "aws:kms",
      "aws:kms",
      false,
    ),
    conditionCase("NumericLessThanIfExists", "s3:max-keys", "100", undefined, true),
    conditionCase("NumericLessThanIfExists", "s3:max-keys", "100", "1000", false),
    conditionCase(
      "DateLessThanIfExists",
      "aws:TokenIssueTime",
      "2030-01-01T00:00:00Z",
      undefined,
      true,
    ),
    conditionCase("BoolIfExists", "aws:MultiFactorAuthPresent", "true", undefined, true),
    conditionCase("BoolIfExists", "aws:MultiFactorAuthPresent", "true", "false", false),
    conditionCase("IpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", undefined, true),
    conditionCase("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sns:*:*:*", undefined, true),
    conditionCase("BinaryEqualsIfExists", "s3:x", "QUJD", undefined, true),
  ]);
});
