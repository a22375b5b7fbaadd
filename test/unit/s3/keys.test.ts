import { describe, expect, it } from "vitest";
import { assertValidKey, fitsInXml, keyProblem, MAX_KEY_BYTES } from "../../../src/core/s3/keys.js";

describe("keys S3 takes", () => {
  it.each([
    "a",
    "",
    "photos/2024/cat.jpg",
    "dir/",
    "with space and + and %20",
    "ünïcødé/😀",
    "tab\there",
    "k".repeat(MAX_KEY_BYTES),
    // 341 × 3 bytes + 1 = 1024 bytes exactly.
    `${"€".repeat(341)}x`,
    // 256 four-byte characters (surrogate pairs) = 1024 bytes.
    "😀".repeat(256),
  ])("%j", (key) => {
    expect(keyProblem(key)).toBeUndefined();
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    ["k".repeat(MAX_KEY_BYTES + 1), /longer than S3's limit of 1024 bytes/],
    [`${"€".repeat(341)}xy`, /1024 bytes/],
    [`${"😀".repeat(256)}x`, /1024 bytes/],
    ["é".repeat(513), /1024 bytes/],
    ["bad\uD800", /unpaired UTF-16 surrogate/],
    ["\uDC00bad", /unpaired UTF-16 surrogate/],
  ])("refuses %#", (key, message) => {
    expect(keyProblem(key)).toMatch(message);
    expect(() => assertValidKey(key, `s3://bkt/${key}`)).toThrow(
      expect.objectContaining({
        code: "InvalidKey",
        exitCode: 2,
        message: expect.stringMatching(message),
      }),
    );
  });

  it("names what was typed, cut short", () => {
    const key = "k".repeat(2000);
    try {
      assertValidKey(key, `s3://bkt/${key}`);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(
        `The key in "s3://bkt/${"k".repeat(71)}…" is longer than S3's limit of 1024 bytes.`,
      );
    }
  });

  it("tells which keys an XML body cannot carry", () => {
    expect(fitsInXml("plain/key.txt")).toBe(true);
    expect(fitsInXml("tab\tline\nreturn\r")).toBe(true);
    expect(fitsInXml("bell\u0007")).toBe(false);
    expect(fitsInXml("nul\u0000")).toBe(false);
    expect(fitsInXml("\uffff")).toBe(false);
  });
});
