import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFilter } from "../../../src/core/objects/glob.js";
import { folderSplits, type LocalEntry, walkLocal } from "../../../src/core/sync/local-tree.js";

let root: string;

async function collect(dir: string, options: Parameters<typeof walkLocal>[1]) {
  const out: LocalEntry[] = [];
  for await (const entry of walkLocal(dir, options)) out.push(entry);
  return out;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "s3kit-walk-"));
  const file = (rel: string, body = rel) => {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), body);
  };
  file("a-b");
  file("a0");
  file("a/b");
  file("a/c/d");
  file("z/😀");
  file("z/\uffff");
  file("z/é");
  utimesSync(join(root, "a0"), 1_700_000_000, 1_700_000_123.5);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the local walk", () => {
  it("yields files in S3's key order of their paths (a-b before a/…), with size and mtime", async () => {
    const entries = await collect(root, { links: "follow" });
    expect(entries.map((e) => e.rel)).toEqual([
      "a-b",
      "a/b",
      "a/c/d",
      "a0",
      "z/é",
      "z/\uffff",
      "z/😀",
    ]);
    const a0 = entries.find((e) => e.rel === "a0");
    expect(a0).toMatchObject({ size: 2, mtimeMs: 1_700_000_123_500, path: join(root, "a0") });
  });

  it("applies the filters to the files (a folder is walked for what is below it)", async () => {
    const include = compileFilter([{ type: "include", pattern: "*.txt" }]);
    const dir = mkdtempSync(join(tmpdir(), "s3kit-walk-filter-"));
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "x.txt"), "x");
    writeFileSync(join(dir, "docs", "y.md"), "y");
    writeFileSync(join(dir, "z.txt"), "z");
    try {
      expect((await collect(dir, { links: "follow", include })).map((e) => e.rel)).toEqual([
        "docs/x.txt",
        "z.txt",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("symbolic links", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "s3kit-walk-links-"));
      mkdirSync(join(dir, "real/sub"), { recursive: true });
      writeFileSync(join(dir, "real/sub/file.txt"), "hello");
      writeFileSync(join(dir, "target.txt"), "target");
      symlinkSync(join(dir, "target.txt"), join(dir, "link.txt"));
      symlinkSync(join(dir, "real"), join(dir, "linked"));
      symlinkSync(join(dir, "nowhere"), join(dir, "broken"));
      // A loop: real/sub/up → real.
      symlinkSync(join(dir, "real"), join(dir, "real/sub/up"));
      symlinkSync(join(dir, "self"), join(dir, "self"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("are followed by default; a loop is left out once, as a folder; a broken one is reported", async () => {
      const entries = await collect(dir, { links: "follow" });
      expect(entries.map((e) => [e.rel, e.unusable ?? e.size])).toEqual([
        ["broken", "a broken link"],
        ["link.txt", 6],
        ["linked/sub/file.txt", 5],
        ["linked/sub/up/", expect.stringContaining("contains it")],
        ["real/sub/file.txt", 5],
        ["real/sub/up/", expect.stringContaining("contains it")],
        ["self", "a link that points to itself"],
        ["target.txt", 6],
      ]);
      expect(entries.find((e) => e.rel === "real/sub/up/")?.folder).toBe(true);
      expect(entries.some((e) => e.error)).toBe(false);
    });

    it("with links: none, every link is left out (a folder link as a folder)", async () => {
      const entries = await collect(dir, { links: "none" });
      expect(entries.map((e) => [e.rel, e.unusable ?? e.size, e.folder ?? false])).toEqual([
        ["broken", "a symbolic link (--no-follow-symlinks)", false],
        ["link.txt", "a symbolic link (--no-follow-symlinks)", false],
        ["linked/", "a symbolic link (--no-follow-symlinks)", true],
        ["real/sub/file.txt", 5, false],
        ["real/sub/up/", "a symbolic link (--no-follow-symlinks)", true],
        ["self", "a symbolic link (--no-follow-symlinks)", false],
        ["target.txt", 6, false],
      ]);
    });

    it("with links: files (a destination), links to folders are not followed", async () => {
      const entries = await collect(dir, { links: "files" });
      expect(entries.find((e) => e.rel === "linked/")?.unusable).toContain("not followed");
      expect(entries.find((e) => e.rel === "link.txt")?.size).toBe(6);
    });
  });

  it.skipIf(process.getuid?.() === 0)(
    "reports a folder it cannot read as an error (and goes on)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "s3kit-walk-denied-"));
      mkdirSync(join(dir, "locked"));
      writeFileSync(join(dir, "locked", "secret"), "x");
      writeFileSync(join(dir, "open"), "y");
      chmodSync(join(dir, "locked"), 0o000);
      try {
        const entries = await collect(dir, { links: "follow" });
        expect(entries.map((e) => [e.rel, e.error ?? false])).toEqual([
          ["locked/", true],
          ["open", false],
        ]);
      } finally {
        chmodSync(join(dir, "locked"), 0o755);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("fails when the root does not exist", async () => {
    await expect(collect(join(root, "missing"), { links: "follow" })).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});

describe("where to cut a destination listing", () => {
  it("at evenly spaced top-level folders, or those of a single folder holding everything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-splits-"));
    try {
      for (let i = 0; i < 10; i++)
        mkdirSync(join(dir, "site", "dist", `d${i}`), { recursive: true });
      expect(await folderSplits(dir, 4)).toEqual([
        "site/dist/d3/",
        "site/dist/d5/",
        "site/dist/d8/",
      ]);
      expect(await folderSplits(dir, 2)).toEqual(["site/dist/d5/"]);
      writeFileSync(join(dir, "top.txt"), "x");
      expect(await folderSplits(dir, 4)).toEqual([]);
      expect(await folderSplits(join(dir, "missing"), 4)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
