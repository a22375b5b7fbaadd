import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  findCollisions,
  folderFor,
  localPlacement,
  probeNameFolding,
} from "../../../src/core/objects/local-paths.js";

describe("where a key lands in a recursive download", () => {
  it.each([
    ["a/b", "a/b"],
    ["a//b", "a/b"],
    ["/a/b", "a/b"],
    ["./a/./b", "a/b"],
    ["a/b/", "a/b"],
    ["a/x/../b", "a/b"],
    ["a b/ünï 😀.txt", "a b/ünï 😀.txt"],
    ["..a/b..", "..a/b.."],
  ])("%j → %j", (key, path) => {
    expect(localPlacement(key)).toEqual({ path });
  });

  it.each([
    ["../escape.txt", /leave the folder/],
    ["a/../../escape.txt", /leave the folder/],
    ["a/..", /target folder itself/],
    ["./", /target folder itself/],
    ["a\\b", /not a safe file name/],
    ["C:/x", /drive letter/],
    ["a\u0000b", /NUL/],
  ])("%j is unsafe", (key, reason) => {
    const placement = localPlacement(key);
    expect("unsafe" in placement && placement.unsafe).toMatch(reason);
  });
});

const placed = (...pairs: [string, string][]) =>
  pairs.map(([source, key]) => ({ source, path: (localPlacement(key) as { path: string }).path }));

describe("collisions", () => {
  it("finds keys that map to one file, and a file where others need a folder", () => {
    const collisions = findCollisions(
      placed(
        ["s3://b/p/a/b", "a/b"],
        ["s3://b/p/a//b", "a//b"],
        ["s3://b/p/./c", "./c"],
        ["s3://b/p/c", "c"],
        ["s3://b/p/d", "d"],
        ["s3://b/p/d/", "d/"],
        ["s3://b/p/e", "e"],
        ["s3://b/p/e/f", "e/f"],
        ["s3://b/p/e/g/h", "e/g/h"],
        ["s3://b/p/x/../y", "x/../y"],
        ["s3://b/p/y", "y"],
        ["s3://b/p/fine", "fine"],
        ["s3://b/p/dir/fine", "dir/fine"],
      ),
    );
    expect(collisions).toEqual([
      { path: "a/b", kind: "same-file", sources: ["s3://b/p/a//b", "s3://b/p/a/b"] },
      { path: "c", kind: "same-file", sources: ["s3://b/p/./c", "s3://b/p/c"] },
      { path: "d", kind: "same-file", sources: ["s3://b/p/d", "s3://b/p/d/"] },
      {
        path: "e",
        kind: "file-and-folder",
        sources: ["s3://b/p/e"],
        folderUser: "s3://b/p/e/f",
        folderUsers: 2,
      },
      { path: "y", kind: "same-file", sources: ["s3://b/p/x/../y", "s3://b/p/y"] },
    ]);
  });

  it("finds none among distinct paths, however many", () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({
      source: `s3://b/k${i}`,
      path: `d${i % 100}/f${i}`,
    }));
    const started = performance.now();
    expect(findCollisions(many)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("folds names the way the file system compares them", () => {
    const items = placed(
      ["s3://b/README", "README"],
      ["s3://b/readme", "readme"],
      ["s3://b/caf\u00e9", "caf\u00e9"],
      ["s3://b/cafe\u0301", "cafe\u0301"],
    );
    expect(findCollisions(items)).toEqual([]);
    const macos = folderFor({ caseInsensitive: true, unicodeInsensitive: true });
    expect(findCollisions(items, macos).map((c) => c.sources)).toEqual([
      ["s3://b/README", "s3://b/readme"],
      ["s3://b/cafe\u0301", "s3://b/caf\u00e9"],
    ]);
    const windows = folderFor({ caseInsensitive: true, unicodeInsensitive: false });
    expect(findCollisions(items, windows)).toHaveLength(1);
  });

  it("probes how a folder's file system compares names, and leaves nothing behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-fold-"));
    try {
      const folding = await probeNameFolding(join(dir, "not", "yet"));
      // This machine's file system (Linux: ext4, tmpfs) tells every name apart.
      expect(folding).toEqual({ caseInsensitive: false, unicodeInsensitive: false });
      const { readdirSync } = await import("node:fs");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
