import { describe, expect, it } from "vitest";
import { ExitCode, S3kitError, UsageError } from "../../../src/core/errors.js";
import { PresignInputError } from "../../../src/core/presign/errors.js";
import { parseDuration } from "../../../src/core/presign/index.js";
import { toS3kitError } from "../../../src/program.js";

describe("PresignInputError", () => {
  it("is a usage error: exit 2, with code, message and hint", () => {
    const err = new PresignInputError("InvalidDuration", "Invalid duration.", "Use 15m.");
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toBeInstanceOf(S3kitError);
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.name).toBe("PresignInputError");
    expect(err.toJSON()).toEqual({
      code: "InvalidDuration",
      message: "Invalid duration.",
      hint: "Use 15m.",
    });
  });

  it("reaches the top-level error handler unchanged", () => {
    let thrown: unknown;
    try {
      parseDuration("8d");
    } catch (e) {
      thrown = e;
    }
    const mapped = toS3kitError(thrown);
    expect(mapped).toBe(thrown);
    expect(mapped.exitCode).toBe(2);
    expect(mapped.code).toBe("ExpiresTooLong");
  });
});
