import { describe, expect, it } from "vitest";
import { renderNotes } from "../../src/io/help-notes.js";

describe("renderNotes", () => {
  it("wraps paragraphs at the width, list items with a hanging indent", () => {
    const text = renderNotes(
      [
        "One two three four five six seven eight nine ten eleven twelve.",
        "- first item that is long enough to wrap around",
        "- second",
        "  s3kit cp a b   # kept as written, however long the line is",
      ],
      30,
    );
    expect(text).toBe(
      [
        "",
        "Notes:",
        "  One two three four five six",
        "  seven eight nine ten eleven",
        "  twelve.",
        "",
        "  - first item that is long",
        "    enough to wrap around",
        "  - second",
        "",
        "  s3kit cp a b   # kept as written, however long the line is",
      ].join("\n"),
    );
    for (const line of text.split("\n").slice(0, -1)) expect(line.length).toBeLessThanOrEqual(30);
  });

  it("leaves a word longer than the width on a line of its own", () => {
    expect(renderNotes(["a arn:aws:s3:::a-very-long-bucket-name/* b"], 12)).toBe(
      "\nNotes:\n  a\n  arn:aws:s3:::a-very-long-bucket-name/*\n  b",
    );
  });
});
