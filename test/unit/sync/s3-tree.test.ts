import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { type ObjectEntry, unmappable, walkS3 } from "../../../src/core/sync/s3-tree.js";

/** A listing no local server produces (out of order, paged as given): the SDK client faked. */
function fakeS3(pages: string[][]): { client: S3Client; requests: (string | undefined)[] } {
  const requests: (string | undefined)[] = [];
  const client = {
    send: async (command: { input: { ContinuationToken?: string } }) => {
      const token = command.input.ContinuationToken;
      requests.push(token);
      const index = token === undefined ? 0 : Number(token);
      const keys = pages[index] ?? [];
      return {
        Contents: keys.map((Key) => ({
          Key,
          Size: Key.endsWith("/") ? 0 : 1,
          LastModified: new Date(0),
          ETag: '"e"',
        })),
        IsTruncated: index + 1 < pages.length,
        NextContinuationToken: String(index + 1),
      };
    },
  } as unknown as S3Client;
  return { client, requests };
}

async function collect(s3: S3Client, prefix = "p/", localNames = false) {
  const out: ObjectEntry[] = [];
  for await (const e of walkS3(s3, "b", prefix, { localNames })) out.push(e);
  return out;
}

describe("the S3 side of a sync", () => {
  it("pages through the listing, leaving out folder markers", async () => {
    const { client, requests } = fakeS3([["p/a", "p/b/"], ["p/c"]]);
    expect((await collect(client)).map((e) => e.rel)).toEqual(["a", "c"]);
    expect(requests).toEqual([undefined, "1"]);
  });

  it("stops, before anything is changed, when the server lists out of order (across pages too)", async () => {
    await expect(collect(fakeS3([["p/a/b", "p/a-b"]]).client)).rejects.toMatchObject({
      code: "ListingOutOfOrder",
      exitCode: 1,
    });
    await expect(collect(fakeS3([["p/b"], ["p/a"]]).client)).rejects.toThrow(
      /listed s3:\/\/b\/p\/a after s3:\/\/b\/p\/b/,
    );
  });

  it("toward a folder, marks keys that are no file path as they stand", async () => {
    const entries = await collect(fakeS3([["p/a//b", "p/a/b", "p/x/../y"]]).client, "p/", true);
    expect(entries.map((e) => [e.rel, e.unusable !== undefined])).toEqual([
      ["a//b", true],
      ["a/b", false],
      ["x/../y", true],
    ]);
  });
});

/** A bucket of sorted keys, listed `pageSize` at a time, with StartAfter and continuation. */
function fakeBucket(keys: string[], pageSize: number) {
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const requests: { startAfter?: string; token?: string }[] = [];
  const client = {
    send: async (command: {
      input: { ContinuationToken?: string; StartAfter?: string; Prefix?: string };
    }) => {
      const {
        ContinuationToken: token,
        StartAfter: startAfter,
        Prefix: prefix = "",
      } = command.input;
      requests.push({ ...(startAfter ? { startAfter } : {}), ...(token ? { token } : {}) });
      const after = token ?? startAfter;
      const from =
        after === undefined
          ? 0
          : sorted.findIndex((k) => Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0);
      const rest = (from === -1 ? [] : sorted.slice(from)).filter((k) => k.startsWith(prefix));
      const page = rest.slice(0, pageSize);
      return {
        Contents: page.map((Key) => ({ Key, Size: 1, LastModified: new Date(0) })),
        IsTruncated: rest.length > pageSize,
        NextContinuationToken: page.at(-1),
      };
    },
  } as unknown as S3Client;
  return { client, requests };
}

describe("a listing cut into pieces listed at once", () => {
  it("yields exactly the keys, in order, of one listing; each piece stops at the next", async () => {
    const keys = [
      "p/a-b",
      "p/a.txt",
      "p/a/1",
      "p/a/2",
      "p/b.",
      "p/b./x",
      "p/b/1",
      "p/b/2",
      "p/b/3",
      "p/b0",
      "p/c/1",
      "p/c/😀",
      "p/c/\uff5a",
      "p/d",
    ];
    const whole = fakeBucket(keys, 2);
    const one: string[] = [];
    for await (const e of walkS3(whole.client, "b", "p/")) one.push(e.key);
    const cut = fakeBucket(keys, 2);
    const pieces: string[] = [];
    for await (const e of walkS3(cut.client, "b", "p/", { splits: ["a/", "b/", "c/"] })) {
      pieces.push(e.key);
    }
    expect(pieces).toEqual(one);
    expect(one).toHaveLength(keys.length);
    expect(cut.requests.filter((r) => r.startAfter)).toEqual([
      { startAfter: "p/a." },
      { startAfter: "p/b." },
      { startAfter: "p/c." },
    ]);
    // Each piece stops once it reaches the next: no piece lists the whole rest.
    expect(cut.requests.length).toBeLessThan(whole.requests.length * 2);
  });

  it("stops every piece when the caller stops early", async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `p/${i % 4}/${String(i).padStart(3, "0")}`);
    const { client, requests } = fakeBucket(keys, 5);
    for await (const _ of walkS3(client, "b", "p/", { splits: ["1/", "2/", "3/"] })) break;
    await new Promise((r) => setTimeout(r, 20));
    const seen = requests.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(requests.length).toBe(seen);
    expect(seen).toBeLessThan(20);
  });
});

describe("keys that are no file path as they stand", () => {
  it.each([
    ["a/b", undefined],
    ["a b/ünï 😀.txt", undefined],
    ["a//b", /it would be the file a\/b/],
    ["./a", /it would be the file a/],
    ["a/", /it would be the file a/],
    ["a/../b", /it would be the file b/],
    ["../up", /leave the folder/],
    ["a\\b", /not a safe file name/],
  ])("%j", (rel, expected) => {
    const reason = unmappable(rel);
    if (expected === undefined) expect(reason).toBe(undefined);
    else expect(reason).toMatch(expected);
  });
});
