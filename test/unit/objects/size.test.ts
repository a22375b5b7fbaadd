import { describe, expect, it } from "vitest";
import { formatBytes, GiB, KiB, MiB, parseSize } from "../../../src/core/objects/size.js";

describe("parseSize", () => {
  it.each([
    ["0", 0],
    ["1024", 1024],
    ["8MiB", 8 * MiB],
    ["8MB", 8 * MiB],
    ["8m", 8 * MiB],
    ["8 MiB", 8 * MiB],
    ["16kb", 16 * KiB],
    ["1.5GiB", 1.5 * GiB],
    ["5G", 5 * GiB],
    ["2TiB", 2 * 1024 * GiB],
    ["100B", 100],
  ])("%s", (text, bytes) => {
    expect(parseSize(text, "--part-size")).toBe(bytes);
  });

  it.each([
    ["-1", /--part-size "-1" is negative/],
    ["-8MiB", /is negative/],
    ["lots", /--part-size "lots" is not a size/],
    ["8XB", /is not a size/],
    ["", /is not a size/],
    ["8 M B", /is not a size/],
  ])("rejects %j", (text, message) => {
    expect(() => parseSize(text, "--part-size")).toThrow(message);
    try {
      parseSize(text, "--part-size");
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1, "1 B"],
    [1023, "1023 B"],
    [1024, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [8 * MiB, "8.0 MiB"],
    [150 * MiB, "150 MiB"],
    [GiB, "1.0 GiB"],
  ])("%d → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
