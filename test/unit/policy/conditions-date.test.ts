import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

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
