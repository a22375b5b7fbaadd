import { describe, expect, it } from "vitest";
import { compareKeys } from "../../../src/core/sync/order.js";

/** S3's order: the UTF-8 bytes of the keys. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("key order", () => {
  it("is S3's (UTF-8 byte) order, also where UTF-16 code units disagree", () => {
    const keys = [
      "a",
      "a-b",
      "a/b",
      "a0",
      "é",
      "\uff41",
      "😀",
      "\ue000",
      "\uffff",
      "a/😀",
      "a/\uffff",
      "",
    ];
    const sorted = [...keys].sort(compareKeys);
    expect(sorted).toEqual([...keys].sort(byBytes));
    // What `<` alone would get wrong.
    expect("😀" < "\uffff").toBe(true);
    expect(compareKeys("😀", "\uffff")).toBeGreaterThan(0);
  });

  it("agrees with the byte order on random strings", () => {
    const alphabet = ["a", "/", "-", "é", "\ud7ff", "\ue000", "\uffff", "😀", "𝄞", "0"];
    for (let round = 0; round < 2000; round++) {
      const word = () =>
        Array.from(
          { length: Math.floor(Math.random() * 4) },
          () => alphabet[Math.floor(Math.random() * alphabet.length)],
        ).join("");
      const a = word();
      const b = word();
      expect(Math.sign(compareKeys(a, b)), `${a} vs ${b}`).toBe(Math.sign(byBytes(a, b)));
    }
  });
});
