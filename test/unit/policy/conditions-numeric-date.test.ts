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

const D = "aws:CurrentTime";

describe("Date condition operators", () => {
  runCases([
    conditionCase("DateEquals", D, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", true),
    conditionCase("DateEquals", D, "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", false),
    conditionCase("DateEquals", D, "2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z", true),
    conditionCase("DateEquals", D, "1704067200", "2024-01-01T00:00:00Z", true),
    conditionCase("DateEquals", D, "2024-01-01T00:00:00Z", "1704067200", true),
    conditionCase("DateNotEquals", D, "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z", true),
    conditionCase("DateNotEquals", D, "2024-01-01T00:00:00Z", undefined, true),
    conditionCase("DateLessThan", D, "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", true),
    conditionCase("DateLessThan", D, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", false),
    conditionCase("DateLessThanEquals", D, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", true),
    conditionCase("DateGreaterThan", D, "2020-01-01T00:00:01Z", "2024-05-05T10:00:00Z", true),
    conditionCase("DateGreaterThan", D, "2020-01-01T00:00:01Z", "2019-05-05T10:00:00Z", false),
    conditionCase("DateGreaterThanEquals", D, "2024-01-01", "2024-01-01T00:00:00Z", true),
    conditionCase("DateGreaterThanEquals", D, "2024-01", "2023-12-31T00:00:00Z", false),
    conditionCase("DateLessThan", D, "not-a-date", "2024-01-01T00:00:00Z", false),
    conditionCase("DateLessThan", D, "2024-01-01T00:00:00Z", "yesterday", false),
    conditionCase("DateLessThan", D, "2024-01-01T00:00:00Z", undefined, false),
    conditionCase(
      "DateGreaterThan",
      "aws:TokenIssueTime",
      "2020-01-01T00:00:01Z",
      undefined,
      false,
    ),
    conditionCase("DateLessThan", "aws:EpochTime", "1704067200", "1704067199", true),
  ]);
});
