import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import { PresignInputError } from "../../../src/core/presign/errors.js";
import { parseS3Location } from "../../../src/core/presign/location.js";

describe("parseS3Location", () => {
  it.each([
    ["s3://my-bucket/file.txt", "my-bucket", "file.txt", false],
    ["s3://my-bucket/path/to/file.txt", "my-bucket", "path/to/file.txt", false],
    ["s3://my-bucket/dir/", "my-bucket", "dir/", true],
    ["s3://my-bucket//double", "my-bucket", "/double", false],
    ["s3://my-bucket/a b+c%20d?x=1#y", "my-bucket", "a b+c%20d?x=1#y", false],
    ["s3://my-bucket/ünï/😀", "my-bucket", "ünï/😀", false],
    ["s3://logs.example.com/k", "logs.example.com", "k", false],
    ["s3://Legacy_Bucket/k", "Legacy_Bucket", "k", false],
  ])("%s → bucket %s, key %j", (input, bucket, key, isPrefix) => {
    expect(parseS3Location(input)).toEqual({ bucket, key, isPrefix });
  });

  it("keeps the key exactly as typed (no percent-decoding), like the AWS CLI", () => {
    expect(parseS3Location("s3://bkt/a%2Fb").key).toBe("a%2Fb");
  });

  it.each([
    ["https://my-bucket.s3.amazonaws.com/key", "InvalidLocation", /https URL, not an S3 location/],
    ["my-bucket/key", "InvalidLocation", /not an S3 location/],
    ["S3://my-bucket/key", "InvalidLocation", /not an S3 location/],
    ["s3:/my-bucket/key", "InvalidLocation", /not an S3 location/],
    ["", "InvalidLocation", /not an S3 location/],
    ["s3://", "MissingBucket", /no bucket/],
    ["s3:///key", "MissingBucket", /no bucket/],
    ["s3://my-bucket", "MissingKey", /no object key/],
    ["s3://my-bucket/", "MissingKey", /no object key/],
    ["s3://my bucket/key", "InvalidBucketName", /Invalid bucket name "my bucket"/],
    ["s3://bkt?x/key", "InvalidBucketName", /Invalid bucket name "bkt\?x"/],
    ["s3://ab/key", "InvalidBucketName", /at least 3 are needed/],
    ["s3://bück/key", "InvalidBucketName", /"ü"/],
    [`s3://bkt/${"k".repeat(1025)}`, "InvalidKey", /1024 bytes/],
    [`s3://bkt/${"é".repeat(513)}`, "InvalidKey", /1024 bytes/],
    ["s3://bkt/bad\uD800surrogate", "InvalidKey", /surrogate/],
  ])("%j is refused (%s)", (input, code, message) => {
    try {
      parseS3Location(input);
      expect.unreachable();
    } catch (e) {
      // Every refusal is a usage error (exit 2); bucket names are checked by the
      // shared S3 naming rules, everything else by the presign core.
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).exitCode).toBe(2);
      expect((e as UsageError).code).toBe(code);
      expect((e as UsageError).message).toMatch(message);
      expect((e as UsageError).hint).toMatch(/s3:\/\/|key|Bucket|encoding/);
    }
  });

  it("is a PresignInputError for everything but the bucket name", () => {
    expect(() => parseS3Location("my-bucket/key")).toThrow(PresignInputError);
    expect(() => parseS3Location("s3://my-bucket")).toThrow(PresignInputError);
  });

  it("suggests adding a key, with the bucket filled in", () => {
    expect(() => parseS3Location("s3://photos")).toThrow(
      expect.objectContaining({ hint: "Add the object's key: s3://photos/path/to/file.txt." }),
    );
  });

  it("accepts a prefix, or the whole bucket, when asked to (presign post)", () => {
    expect(parseS3Location("s3://bkt/uploads/", { accept: "prefix" })).toEqual({
      bucket: "bkt",
      key: "uploads/",
      isPrefix: true,
    });
    expect(parseS3Location("s3://bkt/", { accept: "prefix" })).toEqual({
      bucket: "bkt",
      key: "",
      isPrefix: true,
    });
    expect(parseS3Location("s3://bkt", { accept: "prefix" })).toEqual({
      bucket: "bkt",
      key: "",
      isPrefix: true,
    });
    expect(parseS3Location("s3://bkt/exact.txt", { accept: "prefix" }).isPrefix).toBe(false);
  });

  it("runs the bucket validator it is given", () => {
    const validateBucket = (name: string): void => {
      if (name.length < 3)
        throw new PresignInputError(
          "InvalidBucketName",
          `"${name}" is too short.`,
          "Use 3 to 63 characters.",
        );
    };
    expect(() => parseS3Location("s3://ab/k", { validateBucket })).toThrow(/too short/);
    // A custom validator replaces the default rules (here "a_b" passes).
    expect(parseS3Location("s3://a_b/k", { validateBucket }).bucket).toBe("a_b");
    expect(parseS3Location("s3://abc/k", { validateBucket }).bucket).toBe("abc");
  });
});
