import { describe, expect, it } from "vitest";
import { baseName, folderPrefix, parseEndpoint } from "../../../src/core/objects/endpoints.js";

describe("parseEndpoint", () => {
  it("tells S3 locations, local paths and stdio apart", () => {
    expect(parseEndpoint("s3://bucket-a/k/x.txt", "/home/u")).toEqual({
      kind: "s3",
      text: "s3://bucket-a/k/x.txt",
      bucket: "bucket-a",
      key: "k/x.txt",
    });
    expect(parseEndpoint("-", "/home/u")).toEqual({ kind: "stdio", text: "-" });
    expect(parseEndpoint("docs/a.txt", "/home/u")).toMatchObject({
      kind: "local",
      path: "/home/u/docs/a.txt",
      isDirectoryName: false,
    });
    for (const dir of ["out/", ".", "..", "a/.."]) {
      expect(parseEndpoint(dir, "/home/u")).toMatchObject({ isDirectoryName: true });
    }
  });

  it.each([
    ["s3:/bucket/key", /is not an S3 location or a local path/],
    ["s3:bucket", /is not an S3 location or a local path/],
    ["https://example.com/x", /is not an S3 location or a local path/],
    ["s3://bad bucket/x", /Invalid bucket name "bad bucket"/],
    ["s3://", /names no bucket/],
    ["", /empty location/],
  ])("rejects %j", (text, message) => {
    expect(() => parseEndpoint(text, "/")).toThrow(message);
  });
});

describe("keys and folders", () => {
  it("folderPrefix", () => {
    expect(folderPrefix("")).toBe("");
    expect(folderPrefix("a")).toBe("a/");
    expect(folderPrefix("a/")).toBe("a/");
  });

  it("baseName", () => {
    expect(baseName("a/b/c.txt")).toBe("c.txt");
    expect(baseName("c.txt")).toBe("c.txt");
    expect(baseName("/tmp/dir/")).toBe("dir");
  });
});
