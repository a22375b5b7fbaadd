import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatSize,
  GiB,
  KiB,
  MiB,
  parseSize,
  TiB,
} from "../../../src/core/s3/size.js";

describe("parseSize: the AWS CLI's units, the same for every flag", () => {
  it.each([
    ["0", 0],
    ["100", 100],
    ["1048576", 1_048_576],
    ["100B", 100],
    ["100b", 100],
    // K, KB and KiB are all 1024; M, MB, MiB all 1024²; and so on.
    ["1K", KiB],
    ["1KB", KiB],
    ["1KiB", KiB],
    ["16kb", 16 * KiB],
    ["5M", 5 * MiB],
    ["5MB", 5 * MiB],
    ["5MiB", 5 * MiB],
    ["5mb", 5 * MiB],
    ["5mib", 5 * MiB],
    ["8m", 8 * MiB],
    ["8 MiB", 8 * MiB],
    ["10 MB", 10 * MiB],
    [" 10MB ", 10 * MiB],
    ["1G", GiB],
    ["1GB", GiB],
    ["1GiB", GiB],
    ["5G", 5 * GiB],
    ["2T", 2 * TiB],
    ["2TB", 2 * TiB],
    ["2TiB", 2 * TiB],
    ["1.5GiB", 1.5 * GiB],
    ["1.5GB", 1.5 * GiB],
    ["0.5KiB", 512],
    [".5KB", 512],
    // A fraction of a byte is dropped, as the size is a count of bytes.
    ["1.1MB", 1_153_433],
    ["0.3KiB", 307],
    ["1.5B", 1],
    ["4095.9999TiB", Math.floor(4095.9999 * TiB)],
  ])("%j is %i bytes", (text, bytes) => {
    expect(parseSize(text, "--part-size")).toBe(bytes);
  });

  it.each([
    "",
    " ",
    "MB",
    "10 M B",
    "10XB",
    "10MiBs",
    "ten",
    "lots",
    "1,5MB",
    "1e6",
    "1.MB",
    "0x10",
    "10 KB extra",
    "∞",
  ])("%j is not a size (exit 2, names the flag, says the convention)", (text) => {
    expect(() => parseSize(text, "--max-size")).toThrow(
      expect.objectContaining({
        code: "InvalidSize",
        exitCode: 2,
        message: `--max-size "${text}" is not a size.`,
        hint: expect.stringContaining("1MB = 1MiB = 1M = 1,048,576 bytes"),
      }),
    );
  });

  it.each(["-1", "-8MiB", "-0.5KB"])("%j is negative", (text) => {
    expect(() => parseSize(text, "--part-size")).toThrow(
      expect.objectContaining({
        code: "InvalidSize",
        message: `--part-size "${text}" is negative.`,
      }),
    );
  });

  it("refuses sizes beyond what a number holds exactly", () => {
    expect(() => parseSize("99999999999TiB", "--max-size")).toThrow(/too large/);
    expect(parseSize(String(Number.MAX_SAFE_INTEGER), "--max-size")).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseSize(`${Number.MAX_SAFE_INTEGER}1`, "--max-size")).toThrow(/too large/);
  });
});

describe("formatSize: exact, and read back as the same size", () => {
  it.each([
    [5 * MiB, "5MiB"],
    [1024, "1KiB"],
    [5 * GiB, "5GiB"],
    [2 * TiB, "2TiB"],
    [1536, "1536B"],
    [100, "100B"],
    [1_000_000, "1000000B"],
    [0, "0B"],
  ])("%i → %s, and back", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
    expect(parseSize(text, "--max-size")).toBe(bytes);
  });
});

describe("formatBytes: rounded, for people", () => {
  it.each([
    [0, "0 B"],
    [1, "1 B"],
    [1023, "1023 B"],
    [1024, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [8 * MiB, "8.0 MiB"],
    [150 * MiB, "150 MiB"],
    [GiB, "1.0 GiB"],
    [5 * TiB, "5.0 TiB"],
  ])("%d → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
