import { describe, expect, it } from "vitest";
import { findJsonError, lineAndColumn, parseJsonText } from "../../src/core/buckets/json-input.js";

describe("parseJsonText", () => {
  it("parses valid JSON", () => {
    expect(parseJsonText('{"a": [1, true, null, "x\\n"]}', "f")).toEqual({
      a: [1, true, null, "x\n"],
    });
  });

  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}'"],
    ['{"a": tru}', 1, 7, "expected a value"],
    ["{a: 1}", 1, 2, "expected a property name in double quotes"],
    ["[1, 2,]", 1, 7, "trailing comma before ']'"],
    ["[1, 2", 1, 6, "expected ',' or ']', found end of input"],
    ["", 1, 1, "expected a value, found end of input"],
    ['{"a": "b', 1, 9, "unterminated string"],
    ["{} x", 1, 4, "expected end of input"],
  ])("reports line and column for %j", (text, line, column, message) => {
    expect(() => parseJsonText(text, "cors.json")).toThrow(
      `cors.json:${line}:${column}: invalid JSON: ${message}`,
    );
  });

  it("agrees with JSON.parse about what is valid", () => {
    for (const text of ['{"a":1}', "[]", "0", '"s"', "-1.5e3", '{"k":{"n":[{}]}}']) {
      expect(findJsonError(text)).toBeUndefined();
    }
    for (const text of ["01", "+1", "'a'", "[1]]", "nul", '"\\x"']) {
      expect(findJsonError(text)).toBeDefined();
      expect(() => JSON.parse(text)).toThrow();
    }
  });

  it("counts lines and columns from 1", () => {
    expect(lineAndColumn("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});
