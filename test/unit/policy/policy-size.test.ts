import { afterEach, describe, expect, it, vi } from "vitest";
import { sizeProblem } from "../../../src/core/policy/policy-size.js";

describe("sizeProblem", () => {
  afterEach(() => vi.restoreAllMocks());

  it("formats no number for a policy within every limit (locale data costs start-up)", () => {
    const format = vi.spyOn(Number.prototype, "toLocaleString");
    expect(sizeProblem('{"Version":"2012-10-17","Statement":[]}', "identity")).toBeUndefined();
    expect(sizeProblem('{"Version":"2012-10-17","Statement":[]}', "resource")).toBeUndefined();
    expect(format).not.toHaveBeenCalled();
  });

  it("names every limit a policy is over", () => {
    const text = `{"Sid":"${"x".repeat(5_200)}"}`;
    expect(sizeProblem(text, "identity")).toBe(
      "The policy has 5,210 characters without whitespace, more than IAM accepts for the inline policies of a user (2,048), of a group (5,120).",
    );
    expect(sizeProblem(`{"Sid":"${"x".repeat(7_000)}"}`, "identity")).toMatch(
      /^The policy has 7,010 characters without whitespace, more than IAM accepts for a managed policy \(6,144\), the inline policies of a user \(2,048\), of a group \(5,120\)\.$/,
    );
  });
});
