import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateReference, referencePath } from "../../scripts/docs.mjs";

// The command reference is generated from `--help`; a change to a command's help must come
// with `npm run docs`, so the reference never drifts from what s3kit says about itself.
describe("docs/commands.md", () => {
  it("is what `npm run docs` generates from the built binary", { timeout: 180_000 }, () => {
    const expected = generateReference();
    expect(expected).toContain("## s3kit bucket create");
    expect(
      readFileSync(referencePath, "utf8"),
      "docs/commands.md is stale: run `npm run docs`",
    ).toBe(expected);
  });
});
