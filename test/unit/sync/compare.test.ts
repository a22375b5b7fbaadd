import { describe, expect, it } from "vitest";
import { compareEntries } from "../../../src/core/sync/compare.js";

const at = (seconds: number, size = 10) => ({ size, mtimeMs: seconds * 1000 });

describe("what changed: size and time (the AWS CLI's rules)", () => {
  it("another size is a change, in every mode and direction", () => {
    for (const mode of ["size-and-time", "exact-timestamps", "size-only", "checksum"] as const) {
      for (const direction of ["upload", "download", "copy"] as const) {
        expect(compareEntries(direction, mode, at(100, 1), at(100, 2))).toBe("size");
      }
    }
  });

  it("uploads and copies: a source newer than the destination is a change; older or equal is not", () => {
    for (const direction of ["upload", "copy"] as const) {
      expect(compareEntries(direction, "size-and-time", at(200), at(100))).toBe("newer");
      expect(compareEntries(direction, "size-and-time", at(100), at(200))).toBe("same");
      expect(compareEntries(direction, "size-and-time", at(100), at(100))).toBe("same");
      // --exact-timestamps changes downloads only, as in the AWS CLI.
      expect(compareEntries(direction, "exact-timestamps", at(100), at(200))).toBe("same");
    }
  });

  it("compares whole seconds: S3 keeps no fraction, so a file written in its upload's second is the same", () => {
    const file = { size: 10, mtimeMs: 100_900 };
    const object = { size: 10, mtimeMs: 100_000 };
    expect(compareEntries("upload", "size-and-time", file, object)).toBe("same");
    expect(compareEntries("upload", "size-and-time", { size: 10, mtimeMs: 101_000 }, object)).toBe(
      "newer",
    );
  });

  it("downloads: a local file newer than the object is a change; a newer object of the same size is not (the pitfall)", () => {
    expect(compareEntries("download", "size-and-time", at(100), at(200))).toBe("time");
    expect(compareEntries("download", "size-and-time", at(200), at(100))).toBe("same");
    expect(compareEntries("download", "exact-timestamps", at(200), at(100))).toBe("time");
    expect(compareEntries("download", "exact-timestamps", at(100), at(100))).toBe("same");
  });

  it("--size-only ignores time; --checksum asks for the content of same-sized entries", () => {
    expect(compareEntries("upload", "size-only", at(999), at(1))).toBe("same");
    expect(compareEntries("upload", "checksum", at(1), at(1))).toBe("check-content");
  });
});
