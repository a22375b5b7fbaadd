import { describe, expect, it } from "vitest";
import {
  formatDuration,
  MAX_PRESIGN_SECONDS,
  parseDuration,
} from "../../../src/core/presign/duration.js";
import { PresignInputError } from "../../../src/core/presign/errors.js";

describe("parseDuration", () => {
  it.each([
    ["900", 900],
    ["1", 1],
    ["30s", 30],
    ["15m", 900],
    ["1h", 3600],
    ["7d", 604_800],
    ["1h30m", 5400],
    ["1d2h3m4s", 93_784],
    [" 15M ", 900],
    ["604800", 604_800],
    ["6d23h59m59s", 604_799],
  ])("%j is %i seconds", (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(["", "abc", "15x", "m", "1.5h", "-5", "15 m", "30m1h", "1h1h", "1w", "0x10", "1e3"])(
    "%j is not a duration",
    (input) => {
      expect(() => parseDuration(input)).toThrow(
        expect.objectContaining({ code: "InvalidDuration", name: "PresignInputError" }),
      );
    },
  );

  it.each(["0", "0s", "0d0h"])("%j is refused as not positive", (input) => {
    expect(() => parseDuration(input)).toThrow(/greater than zero/);
  });

  it.each(["604801", "8d", "7d1s", "169h", "99999999999999999999"])(
    "%j is longer than 7 days",
    (input) => {
      try {
        parseDuration(input);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PresignInputError);
        const err = e as PresignInputError;
        expect(err.code).toMatch(/ExpiresTooLong|InvalidDuration/);
        expect(err.hint).not.toBe("");
      }
    },
  );

  it("explains the 7-day limit", () => {
    expect(() => parseDuration("8d")).toThrow(
      expect.objectContaining({
        code: "ExpiresTooLong",
        hint: expect.stringContaining("7 days"),
      }),
    );
  });

  it("accepts a smaller maximum, e.g. the session left on temporary credentials", () => {
    expect(parseDuration("1h", 3600)).toBe(3600);
    expect(() => parseDuration("2h", 3600)).toThrow(
      expect.objectContaining({ code: "ExpiresTooLong" }),
    );
  });

  it("serialises as {code, message, hint}", () => {
    try {
      parseDuration("soon");
      expect.unreachable();
    } catch (e) {
      expect(JSON.parse(JSON.stringify(e))).toEqual({
        code: "InvalidDuration",
        message: 'Invalid duration "soon".',
        hint: expect.any(String),
      });
    }
  });
});

describe("formatDuration", () => {
  it.each([
    [900, "15m"],
    [3600, "1h"],
    [MAX_PRESIGN_SECONDS, "7d"],
    [93_784, "1d2h3m4s"],
    [59, "59s"],
    [0, "0s"],
  ])("%i → %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    if (seconds > 0) expect(parseDuration(text)).toBe(seconds);
  });
});
