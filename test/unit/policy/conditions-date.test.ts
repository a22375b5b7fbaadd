import { afterEach, describe, expect, it } from "vitest";
import { createEvaluator } from "../../../src/core/policy/evaluate.js";
import { conditionCase, request, runCases } from "./helpers.js";

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

// A date without a zone is UTC, whatever the host's time zone: the decision must not
// change with TZ (Date.parse reads "2024-06-01T12:00:00" in local time).
describe("dates without a zone are UTC on every host", () => {
  const zones = ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati"];
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  const decide = (policyValue: string, requestValue: string) => {
    const c = conditionCase("DateLessThan", D, policyValue, requestValue, true);
    const ev = createEvaluator(c.policies);
    return ev.decide(request(c.request)).decision;
  };
  it.each(zones)("TZ=%s", (zone) => {
    process.env.TZ = zone;
    // 11:30 UTC is before 12:00 UTC; in any zone west or east of UTC a local reading moves one side.
    expect(decide("2024-06-01T12:00:00", "2024-06-01T11:30:00Z")).toBe("allowed");
    expect(decide("2024-06-01T12:00:00", "2024-06-01T12:30:00Z")).toBe("implicit-deny");
    expect(decide("2024-06-01T12:00", "2024-06-01T11:59:00Z")).toBe("allowed");
    // The request side too: a context value without a zone is UTC.
    expect(decide("2024-06-01T12:00:00Z", "2024-06-01T11:30:00")).toBe("allowed");
    expect(decide("2024-06-01T12:00:00Z", "2024-06-01T12:30:00")).toBe("implicit-deny");
  });
});
