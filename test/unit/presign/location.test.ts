import { describe, expect, it } from "vitest";
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
  ])("%s → bucket %s, key %j", (input, bucket, key, isPrefix) => {
    expect(parseS3Location(input)).toEqual({ bucket, key, isPrefix });
  });

  it("keeps the key exactly as typed (no percent-decoding), like the AWS CLI", () => {
    expect(parseS3Location("s3://b/a%2Fb").key).toBe("a%2Fb");
  });

  it.each([
    ["https://my-bucket.s3.amazonaws.com/key", "invalid_location", /https URL, not an S3 location/],
    ["my-bucket/key", "invalid_location", /not an S3 location/],
    ["S3://my-bucket/key", "invalid_location", /not an S3 location/],
    ["s3:/my-bucket/key", "invalid_location", /not an S3 location/],
    ["", "invalid_location", /not an S3 location/],
    ["s3://", "missing_bucket", /no bucket/],
    ["s3:///key", "missing_bucket", /no bucket/],
    ["s3://my-bucket", "missing_key", /no object key/],
    ["s3://my-bucket/", "missing_key", /no object key/],
    ["s3://my bucket/key", "invalid_bucket", /not a valid bucket/],
    ["s3://b?x/key", "invalid_bucket", /not a valid bucket/],
    [`s3://b/${"k".repeat(1025)}`, "invalid_key", /1024 bytes/],
    [`s3://b/${"é".repeat(513)}`, "invalid_key", /1024 bytes/],
    ["s3://b/bad\uD800surrogate", "invalid_key", /surrogate/],
  ])("%j is refused (%s)", (input, code, message) => {
    try {
      parseS3Location(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PresignInputError);
      expect((e as PresignInputError).code).toBe(code);
      expect((e as PresignInputError).message).toMatch(message);
      expect((e as PresignInputError).hint).toMatch(/s3:\/\/|key|Bucket|encoding/);
    }
  });

  it("suggests adding a key, with the bucket filled in", () => {
    expect(() => parseS3Location("s3://photos")).toThrow(
      expect.objectContaining({ hint: "Add the object's key: s3://photos/path/to/file.txt." }),
    );
  });

  it("accepts a prefix, or the whole bucket, when asked to (presign post)", () => {
    expect(parseS3Location("s3://b/uploads/", { accept: "prefix" })).toEqual({
      bucket: "b",
      key: "uploads/",
      isPrefix: true,
    });
    expect(parseS3Location("s3://b/", { accept: "prefix" })).toEqual({
      bucket: "b",
      key: "",
      isPrefix: true,
    });
    expect(parseS3Location("s3://b", { accept: "prefix" })).toEqual({
      bucket: "b",
      key: "",
      isPrefix: true,
    });
    expect(parseS3Location("s3://b/exact.txt", { accept: "prefix" }).isPrefix).toBe(false);
  });

  it("runs the bucket validator it is given", () => {
    const validateBucket = (name: string): void => {
      if (name.length < 3)
        throw new PresignInputError(
          "invalid_bucket",
          `"${name}" is too short.`,
          "Use 3 to 63 characters.",
        );
    };
    expect(() => parseS3Location("s3://ab/k", { validateBucket })).toThrow(/too short/);
    expect(parseS3Location("s3://abc/k", { validateBucket }).bucket).toBe("abc");
  });
});
