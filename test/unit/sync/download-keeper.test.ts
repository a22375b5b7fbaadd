import { describe, expect, it } from "vitest";
import { downloadKeeper } from "../../../src/core/sync/planner.js";
import type { ObjectEntry } from "../../../src/core/sync/s3-tree.js";

const entry = (rel: string, unusable?: string): ObjectEntry => ({
  rel,
  key: `p/${rel}`,
  size: 1,
  mtimeMs: 0,
  ...(unusable ? { unusable } : {}),
});

describe("the local files a download keeps without a key of their exact name", () => {
  const entries = [entry("README"), entry("a//b", "not a file path"), entry("x/../y", "nope")];

  it("a file an unusable key would be written to", () => {
    const keep = downloadKeeper(entries, "b");
    expect(keep("a/b")).toContain("s3://b/p/a//b would be written to it");
    expect(keep("y")).toContain("s3://b/p/x/../y");
    expect(keep("other")).toBe(undefined);
    // On a file system that tells case apart, readme is another file: not kept.
    expect(keep("readme")).toBe(undefined);
  });

  it("where the file system folds case or Unicode form, a file named like a key", () => {
    const keep = downloadKeeper([...entries, entry("caf\u00e9")], "b", {
      caseInsensitive: true,
      unicodeInsensitive: true,
    });
    expect(keep("readme")).toContain("differ only in case or Unicode form");
    expect(keep("CAFE\u0301")).toContain("differ only in case");
    expect(keep("readme2")).toBe(undefined);
  });
});
