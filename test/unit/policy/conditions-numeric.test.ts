import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

const N = "s3:max-keys";

describe("Numeric condition operators", () => {
  runCases([
    conditionCase("NumericEquals", N, "10", "10", true),
    conditionCase("NumericEquals", N, 10, "10.0", true),
    conditionCase("NumericEquals", N, "10", "11", false),
    conditionCase("NumericEquals", N, ["5", "10"], "5", true),
    conditionCase("NumericEquals", N, "10", undefined, false),
    conditionCase("NumericEquals", N, "10", "ten", false),
    conditionCase("NumericEquals", N, "ten", "10", false),
    conditionCase("NumericNotEquals", N, "10", "11", true),
    conditionCase("NumericNotEquals", N, "10", "10", false),
    conditionCase("NumericNotEquals", N, "10", undefined, true),
    conditionCase("NumericLessThan", N, "10", "9", true),
    conditionCase("NumericLessThan", N, "10", "10", false),
    conditionCase("NumericLessThan", N, "10", "-3", true),
    conditionCase("NumericLessThanEquals", N, "10", "10", true),
    conditionCase("NumericLessThanEquals", N, "10", "10.5", false),
    conditionCase("NumericGreaterThan", N, "10", "10.5", true),
    conditionCase("NumericGreaterThan", N, "10", "10", false),
    conditionCase("NumericGreaterThanEquals", N, "10", "10", true),
    conditionCase("NumericGreaterThanEquals", N, "10", "9.99", false),
    conditionCase("NumericGreaterThanEquals", N, "1e3", "1000", true),
    conditionCase("NumericLessThan", N, "10", undefined, false),
  ]);
});
