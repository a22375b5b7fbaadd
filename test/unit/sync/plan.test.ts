import { describe, expect, it } from "vitest";
import type { CompareMode, Direction } from "../../../src/core/sync/compare.js";
import { compareKeys } from "../../../src/core/sync/order.js";
import { planSync } from "../../../src/core/sync/plan.js";
import type { TreeEntry } from "../../../src/core/sync/tree.js";

async function* stream(entries: TreeEntry[]): AsyncGenerator<TreeEntry> {
  for (const e of entries) yield e;
}

const file = (rel: string, size = 1, seconds = 100, extra: Partial<TreeEntry> = {}): TreeEntry => ({
  rel,
  size,
  mtimeMs: seconds * 1000,
  ...extra,
});

function plan(
  source: TreeEntry[],
  destination: TreeEntry[],
  options: {
    direction?: Direction;
    mode?: CompareMode;
    deleteExtra?: boolean;
    keep?: (rel: string) => string | undefined;
    sameContent?: (s: TreeEntry, d: TreeEntry) => Promise<boolean>;
  } = {},
) {
  return planSync({
    direction: options.direction ?? "upload",
    mode: options.mode ?? "size-and-time",
    source: stream(source),
    destination: stream(destination),
    deleteExtra: options.deleteExtra ?? true,
    keep: options.keep,
    sameContent: options.sameContent,
  });
}

describe("the sync plan (a merge of two sorted listings)", () => {
  it("transfers what is new or changed, keeps what is the same, lists what is extra", async () => {
    const result = await plan(
      [file("a"), file("b", 2), file("c", 1, 200), file("d"), file("f")],
      [file("b", 1), file("c", 1, 100), file("d", 1, 300), file("e"), file("g")],
    );
    expect(result.transfers.map((t) => [t.source.rel, t.reason])).toEqual([
      ["a", "new"],
      ["b", "size"],
      ["c", "newer"],
      ["f", "new"],
    ]);
    expect(result.extra.map((e) => e.rel)).toEqual(["e", "g"]);
    expect(result.unchanged).toBe(1);
    expect(result.sourceFiles).toBe(5);
  });

  it("pairs names across the orders UTF-16 and S3 disagree on", async () => {
    const names = ["a-b", "a/b", "a0", "\uffff", "😀"].sort(compareKeys);
    const result = await plan(
      names.map((n) => file(n)),
      names.map((n) => file(n)),
    );
    expect(result.transfers).toEqual([]);
    expect(result.extra).toEqual([]);
    expect(result.unchanged).toBe(5);
  });

  it("refuses a side that is not sorted instead of pairing the wrong names", async () => {
    await expect(plan([file("b"), file("a")], [])).rejects.toThrow(/not sorted/);
    await expect(plan([], [file("a/b"), file("a-b")])).rejects.toThrow(/not sorted/);
  });

  it("leaves an unusable entry and its counterpart alone (never transferred, never deleted)", async () => {
    const result = await plan(
      [file("broken", 0, 0, { unusable: "a broken link" }), file("ok")],
      [file("broken"), file("ok")],
    );
    expect(result.transfers).toEqual([]);
    expect(result.extra).toEqual([]);
    expect(result.skipped).toEqual([
      { side: "source", rel: "broken", reason: "a broken link", error: false },
    ]);
  });

  it("an unreadable source folder keeps everything below it on the destination, and marks the source incomplete", async () => {
    const result = await plan(
      [file("locked/", 0, 0, { unusable: "cannot be read", folder: true, error: true }), file("z")],
      [file("locked/a"), file("locked/b/c"), file("lockedx"), file("z")],
    );
    expect(result.extra.map((e) => e.rel)).toEqual(["lockedx"]);
    expect(result.sourceIncomplete).toBe(true);
    expect(result.skipped.map((s) => [s.side, s.rel])).toEqual([
      ["source", "locked/"],
      ["destination", "locked/a"],
      ["destination", "locked/b/c"],
    ]);
  });

  it("an unusable destination folder keeps the source files below it from being written there", async () => {
    const result = await plan(
      [file("link/a"), file("other")],
      [file("link/", 0, 0, { unusable: "a link to a folder", folder: true })],
    );
    expect(result.transfers.map((t) => t.source.rel)).toEqual(["other"]);
    expect(result.skipped.map((s) => [s.side, s.rel])).toEqual([
      ["destination", "link/"],
      ["source", "link/a"],
    ]);
  });

  it("keeps what the caller says must stay (a file an unusable key would be written to)", async () => {
    const result = await plan(
      [file("a//b", 1, 1, { unusable: "not a file path" })],
      [file("a/b")],
      {
        direction: "download",
        keep: (rel) => (rel === "a/b" ? "kept: s3://b/a//b would be written here" : undefined),
      },
    );
    expect(result.extra).toEqual([]);
    expect(result.skipped.map((s) => s.rel)).toEqual(["a//b", "a/b"]);
  });

  it("--checksum asks for the content of same-sized pairs only, several at once, and keeps the order", async () => {
    const asked: string[] = [];
    let running = 0;
    let most = 0;
    const result = await plan(
      [file("a", 1), file("b", 1), file("c", 2), file("d", 1), file("e", 1)],
      [file("a", 1), file("b", 1), file("c", 3), file("d", 1), file("e", 1)],
      {
        mode: "checksum",
        sameContent: async (s) => {
          asked.push(s.rel);
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, s.rel === "a" ? 30 : 5));
          running--;
          return s.rel === "d";
        },
      },
    );
    expect(asked.sort()).toEqual(["a", "b", "d", "e"]);
    expect(most).toBeGreaterThan(1);
    expect(result.transfers.map((t) => [t.source.rel, t.reason])).toEqual([
      ["a", "content"],
      ["b", "content"],
      ["c", "size"],
      ["e", "content"],
    ]);
    expect(result.unchanged).toBe(1);
  });

  it("a failed content check fails the plan", async () => {
    await expect(
      plan([file("a")], [file("a")], {
        mode: "checksum",
        sameContent: async () => {
          throw new Error("HeadObject failed");
        },
      }),
    ).rejects.toThrow("HeadObject failed");
  });

  it("streams: a long listing is compared without being held", async () => {
    const n = 50_000;
    async function* many(offset: number): AsyncGenerator<TreeEntry> {
      for (let i = 0; i < n; i++) yield file(`k${String(i + offset).padStart(6, "0")}`);
    }
    const result = await planSync({
      direction: "upload",
      mode: "size-and-time",
      source: many(0),
      destination: many(10),
      deleteExtra: true,
    });
    expect(result.unchanged).toBe(n - 10);
    expect(result.transfers).toHaveLength(10);
    expect(result.extra).toHaveLength(10);
  });

  it("hands each transfer over as soon as it is known, and waits while the taker is busy", async () => {
    const taken: string[] = [];
    let release: () => void = () => {};
    const result = await planSync({
      direction: "upload",
      mode: "size-and-time",
      source: stream([file("a"), file("b", 2), file("c")]),
      destination: stream([file("b"), file("c"), file("d")]),
      deleteExtra: true,
      onTransfer: async (t) => {
        taken.push(t.source.rel);
        if (t.source.rel === "a") {
          // The merge does not go on until this one is taken.
          await new Promise<void>((r) => {
            release = r;
            setTimeout(() => release(), 10);
          });
          expect(taken).toEqual(["a"]);
        }
      },
    });
    expect(taken).toEqual(["a", "b"]);
    expect(result.transfers).toEqual([]);
    expect(result.transferCount).toBe(2);
    expect(result.transferBytes).toBe(3);
    expect(result.extra.map((e) => e.rel)).toEqual(["d"]);
  });
});
