import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

// ForAnyValue / ForAllValues over multi-valued keys, including the documented
// behaviour for a missing key: ForAllValues is true, ForAnyValue is false.

const T = "aws:TagKeys";

describe("ForAllValues", () => {
  runCases([
    conditionCase("ForAllValues:StringEquals", T, ["env", "team"], ["env"], true),
    conditionCase("ForAllValues:StringEquals", T, ["env", "team"], ["env", "team"], true),
    conditionCase("ForAllValues:StringEquals", T, ["env", "team"], ["env", "cost"], false),
    conditionCase("ForAllValues:StringEquals", T, ["env", "team"], undefined, true),
    conditionCase("ForAllValues:StringEquals", T, ["env", "team"], [], true),
    conditionCase("ForAllValues:StringEquals", T, ["env"], "env", true),
    conditionCase("ForAllValues:StringLike", T, ["env*"], ["env", "environment"], true),
    conditionCase("ForAllValues:StringLike", T, ["env*"], ["env", "team"], false),
    conditionCase("ForAllValues:StringEqualsIgnoreCase", T, ["ENV"], ["env", "Env"], true),
    conditionCase("ForAllValues:StringNotEquals", T, ["secret"], ["env", "team"], true),
    conditionCase("ForAllValues:StringNotEquals", T, ["secret"], ["env", "secret"], false),
    conditionCase("ForAllValues:StringNotEquals", T, ["secret"], undefined, true),
    conditionCase("ForAllValues:NumericLessThan", "s3:x", "10", ["1", "2", "9"], true),
    conditionCase("ForAllValues:NumericLessThan", "s3:x", "10", ["1", "20"], false),
    conditionCase("ForAllValues:StringEqualsIfExists", T, ["env"], undefined, true),
    conditionCase("forallvalues:StringEquals", T, ["env"], ["env"], true),
  ]);
});

describe("ForAnyValue", () => {
  runCases([
    conditionCase("ForAnyValue:StringEquals", T, ["env", "team"], ["env", "cost"], true),
    conditionCase("ForAnyValue:StringEquals", T, ["env", "team"], ["cost"], false),
    conditionCase("ForAnyValue:StringEquals", T, ["env", "team"], undefined, false),
    conditionCase("ForAnyValue:StringEquals", T, ["env", "team"], [], false),
    conditionCase("ForAnyValue:StringEquals", T, ["env"], "env", true),
    conditionCase("ForAnyValue:StringLike", T, ["*secret*"], ["a", "topsecret1"], true),
    conditionCase("ForAnyValue:StringNotEquals", T, ["env"], ["env", "team"], true),
    conditionCase("ForAnyValue:StringNotEquals", T, ["env"], ["env"], false),
    conditionCase("ForAnyValue:StringNotEquals", T, ["env"], undefined, false),
    conditionCase("ForAnyValue:StringEqualsIfExists", T, ["env"], undefined, true),
    conditionCase(
      "ForAnyValue:IpAddress",
      "aws:SourceIp",
      ["10.0.0.0/8"],
      ["1.2.3.4", "10.1.1.1"],
      true,
    ),
    conditionCase("ForAnyValue:ArnLike", "aws:CalledVia", ["arn:aws:*:*:*:*"], ["x"], false),
    conditionCase(
      "ForAnyValue:StringEquals",
      "aws:CalledVia",
      ["athena.amazonaws.com"],
      ["athena.amazonaws.com", "glue.amazonaws.com"],
      true,
    ),
  ]);
});

describe("Operators without a set qualifier on multi-valued keys", () => {
  runCases([
    conditionCase("StringEquals", T, "env", ["team", "env"], true),
    conditionCase("StringEquals", T, "env", ["team"], false),
    conditionCase("StringNotEquals", T, "env", ["team", "env"], false),
    conditionCase("StringNotEquals", T, "env", ["team"], true),
  ]);
});
