import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

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
    // "NullIfExists" is not an operator: the policy is invalid (negated-operators.test.ts).
  ]);
});
