import { describe, expect, it } from "vitest";
import { formatSize, parseSize } from "../../../src/core/presign/size.js";

describe("parseSize", () => {
  it.each([
    ["100", 100],
    ["0", 0],
    ["100B", 100],
    ["1KB", 1000],
    ["10MB", 10_000_000],
    ["10mb", 10_000_000],
    ["10 MB", 10_000_000],
    ["1GB", 1_000_000_000],
    ["1.5GB", 1_500_000_000],
    ["1.1MB", 1_100_000],
    ["2TB", 2_000_000_000_000],
    ["1KiB", 1024],
    ["5MiB", 5 * 1024 * 1024],
    ["5mib", 5 * 1024 * 1024],
    ["5GiB", 5 * 1024 ** 3],
    ["0.5KiB", 512],
    ["1TiB", 1024 ** 4],
  ])("%j is %i bytes", (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each([
    "",
    "MB",
    "10 M B",
    "-1",
    "1.5B",
    "0.3KiB",
    "10XB",
    "ten",
    "1,5MB",
    "1e6",
    "10M",
    "1.MB",
  ])("%j is not a size", (input) => {
    expect(() => parseSize(input)).toThrow(
      expect.objectContaining({ code: "InvalidSize", hint: expect.stringContaining("10MB") }),
    );
  });

  it("refuses sizes beyond what a number can hold exactly", () => {
    expect(() => parseSize("99999999999TiB")).toThrow(/too large/);
  });
});

describe("formatSize", () => {
  it.each([
    [10_000_000, "10MB"],
    [5 * 1024 * 1024, "5MiB"],
    [100, "100B"],
    [1000, "1KB"],
    [5 * 1024 ** 3, "5GiB"],
  ])("%i → %s, and back", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
    expect(parseSize(text)).toBe(bytes);
  });
});
