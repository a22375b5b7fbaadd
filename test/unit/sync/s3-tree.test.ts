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
