import { describe, expect, it } from "vitest";
import { formatS3Url, isS3Url, parseS3Url } from "../../src/core/location.js";

describe("parseS3Url", () => {
  it.each([
    ["s3://bucket/key.txt", { bucket: "bucket", key: "key.txt" }],
    ["s3://bucket/dir/sub/file name.png", { bucket: "bucket", key: "dir/sub/file name.png" }],
    ["s3://bucket/prefix/", { bucket: "bucket", key: "prefix/" }],
    ["s3://bucket", { bucket: "bucket", key: "" }],
    ["s3://bucket/", { bucket: "bucket", key: "" }],
    ["S3://bucket/k", { bucket: "bucket", key: "k" }],
    // A legacy us-east-1 name: S3 still serves it, only `bucket create` applies today's rules.
    ["s3://Legacy_Bucket/k", { bucket: "Legacy_Bucket", key: "k" }],
  ])("%s", (text, expected) => {
    expect(parseS3Url(text)).toEqual(expected);
  });

  it.each([
    ["bucket/key", /is not an S3 location/],
    ["https://bucket.s3.amazonaws.com/key", /is not an S3 location/],
    ["s3://", /names no bucket/],
    ["s3:///key", /names no bucket/],
    ["s3://my bucket/key", /Invalid bucket name "my bucket"/],
    ["s3://ab/key", /at least 3/],
    [`s3://bucket/${"k".repeat(1025)}`, /longer than S3's limit of 1024 bytes/],
    [`s3://bucket/${"€".repeat(342)}`, /1024 bytes/],
  ])("rejects %s", (text, message) => {
    expect(() => parseS3Url(text)).toThrow(message);
  });

  it("requires a key when asked", () => {
    expect(() => parseS3Url("s3://bucket", { needKey: true })).toThrow(
      /names a bucket but no object key/,
    );
    expect(() => parseS3Url("s3://bucket/", { needKey: true })).toThrow(/no object key/);
  });

  it("round-trips", () => {
    expect(formatS3Url(parseS3Url("s3://b-1/a/b"))).toBe("s3://b-1/a/b");
    expect(isS3Url("s3://x")).toBe(true);
    expect(isS3Url("./x")).toBe(false);
  });
});
