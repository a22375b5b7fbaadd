import { describe, expect, it } from "vitest";
import { listedKey } from "../../../src/core/objects/list.js";

describe("keys from a listing with EncodingType=url", () => {
  it.each([
    ["a%0Db", "a\rb"],
    ["a%1B%5D0%3Bx%07", "a\u001b]0;x\u0007"],
    ["i%2Bj+k", "i+j k"], // S3 and MinIO: a space is "+", a "+" is %2B
    ["i%2Bj%20k", "i+j k"], // moto: a space is %20
    ["g%2541h", "g%41h"],
    ["%C3%A9%20%F0%9F%98%80", "é 😀"],
    ["caf%c3%a9", "café"],
    ["plain/key.txt", "plain/key.txt"],
    ["100%", "100%"],
    ["%zz", "%zz"],
  ])("%s is %j", (encoded, key) => {
    expect(listedKey(encoded, "url")).toBe(key);
  });

  it("takes keys as they come from a server that did not encode them", () => {
    expect(listedKey("i+j%20k", undefined)).toBe("i+j%20k");
    expect(listedKey("a\rb", undefined)).toBe("a\rb");
  });
});
