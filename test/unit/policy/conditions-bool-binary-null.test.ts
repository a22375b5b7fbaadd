import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

const S = "aws:SecureTransport";

describe("Bool condition operator", () => {
  runCases([
    conditionCase("Bool", S, "true", "true", true),
    conditionCase("Bool", S, "true", "false", false),
    conditionCase("Bool", S, true, "true", true),
    conditionCase("Bool", S, false, "false", true),
    conditionCase("Bool", S, "TRUE", "true", true),
    conditionCase("Bool", S, "true", "True", true),
    conditionCase("Bool", S, "false", "true", false),
    conditionCase("Bool", S, "true", undefined, false),
    conditionCase("Bool", S, "false", undefined, false),
    conditionCase("Bool", S, "yes", "true", false),
    conditionCase("Bool", "aws:MultiFactorAuthPresent", "true", "true", true),
  ]);
});

describe("BinaryEquals condition operator", () => {
  runCases([
    conditionCase(
      "BinaryEquals",
      "s3:x",
      "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
      "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
      true,
    ),
    conditionCase(
      "BinaryEquals",
      "s3:x",
      "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
      "QmluYXJ5VmFsdWVJbkJhc2U2NQ==",
      false,
    ),
    conditionCase("BinaryEquals", "s3:x", "QUJD", "QUJD", true),
    conditionCase("BinaryEquals", "s3:x", "QUJD", "QUJE", false),
    conditionCase("BinaryEquals", "s3:x", "QUJD", undefined, false),
    conditionCase("BinaryEquals", "s3:x", "!!!", "QUJD", false),
  ]);
});

describe("Null condition operator", () => {
  runCases([
    conditionCase("Null", "aws:TokenIssueTime", "true", undefined, true),
    conditionCase("Null", "aws:TokenIssueTime", "true", "2024-01-01T00:00:00Z", false),
    conditionCase("Null", "aws:TokenIssueTime", "false", "2024-01-01T00:00:00Z", true),
    conditionCase("Null", "aws:TokenIssueTime", "false", undefined, false),
    conditionCase("Null", "aws:TokenIssueTime", true, undefined, true),
    conditionCase("Null", "s3:x-amz-server-side-encryption", "true", undefined, true),
    conditionCase("Null", "aws:TagKeys", "true", [], true),
    conditionCase("Null", "aws:TagKeys", "false", ["a"], true),
    conditionCase("NullIfExists", "aws:TokenIssueTime", "true", undefined, false),
  ]);
});
