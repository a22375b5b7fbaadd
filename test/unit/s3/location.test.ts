import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import {
  formatS3Url,
  isS3Url,
  type ParseLocationOptions,
  parseS3Location,
} from "../../../src/core/s3/location.js";

describe("parseS3Location", () => {
  it.each([
    ["s3://bucket/key.txt", "bucket", "key.txt"],
    ["s3://my-bucket/path/to/file.txt", "my-bucket", "path/to/file.txt"],
    ["s3://bucket/dir/sub/file name.png", "bucket", "dir/sub/file name.png"],
    ["s3://bucket/prefix/", "bucket", "prefix/"],
    ["s3://bucket", "bucket", ""],
    ["s3://bucket/", "bucket", ""],
    ["s3://my-bucket//double", "my-bucket", "/double"],
    ["s3://my-bucket/a b+c%20d?x=1#y", "my-bucket", "a b+c%20d?x=1#y"],
    ["s3://my-bucket/ünï/😀", "my-bucket", "ünï/😀"],
    ["s3://my-bucket/line\nbreak", "my-bucket", "line\nbreak"],
    ["s3://logs.example.com/k", "logs.example.com", "k"],
    // The scheme in any case, as cp, ls and rm have always taken it.
    ["S3://bucket/k", "bucket", "k"],
    // A legacy us-east-1 name: S3 still serves it, only `bucket create` applies today's rules.
    ["s3://Legacy_Bucket/k", "Legacy_Bucket", "k"],
    [`s3://bkt/${"k".repeat(1024)}`, "bkt", "k".repeat(1024)],
    [`s3://bkt/${"é".repeat(512)}`, "bkt", "é".repeat(512)],
  ])("%j → bucket %s, key %j", (input, bucket, key) => {
    expect(parseS3Location(input)).toEqual({ bucket, key });
  });

  it("keeps the key exactly as typed (no percent-decoding), like the AWS CLI", () => {
    expect(parseS3Location("s3://bkt/a%2Fb").key).toBe("a%2Fb");
  });

  const refusals: [string, ParseLocationOptions, string, RegExp][] = [
    ["bucket/key", {}, "InvalidLocation", /^"bucket\/key" is not an S3 location\.$/],
    ["", {}, "InvalidLocation", /not an S3 location/],
    ["s3:/my-bucket/key", {}, "InvalidLocation", /not an S3 location/],
    [
      "https://my-bucket.s3.amazonaws.com/key",
      {},
      "InvalidLocation",
      /is a https URL, not an S3 location/,
    ],
    ["arn:aws:s3:::my-bucket/key", {}, "InvalidLocation", /holds an ARN, not an S3 location/],
    ["s3://arn:aws:s3:::my-bucket/key", {}, "InvalidLocation", /holds an ARN/],
    ["s3://", {}, "MissingBucket", /names no bucket/],
    ["s3:///key", {}, "MissingBucket", /names no bucket/],
    ["s3://my-bucket", { needKey: true }, "MissingKey", /names a bucket but no object key/],
    ["s3://my-bucket/", { needKey: true }, "MissingKey", /no object key/],
    ["s3://my bucket/key", {}, "InvalidBucketName", /Invalid bucket name "my bucket"/],
    ["s3://bkt?x/key", {}, "InvalidBucketName", /Invalid bucket name "bkt\?x"/],
    ["s3://ab/key", {}, "InvalidBucketName", /at least 3 are needed/],
    ["s3://bück/key", {}, "InvalidBucketName", /"ü"/],
    [`s3://bkt/${"k".repeat(1025)}`, {}, "InvalidKey", /longer than S3's limit of 1024 bytes/],
    [`s3://bkt/${"é".repeat(513)}`, {}, "InvalidKey", /1024 bytes/],
    [`s3://bkt/${"€".repeat(342)}`, {}, "InvalidKey", /1024 bytes/],
    ["s3://bkt/bad\uD800surrogate", {}, "InvalidKey", /surrogate/],
    // A prefix is a key too: S3 would refuse it just the same.
    [`s3://bkt/${"p".repeat(1100)}/`, {}, "InvalidKey", /1024 bytes/],
  ];
  it.each(refusals)("%j (%j) is refused: %s", (input, options, code, message) => {
    try {
      parseS3Location(input, options);
      expect.unreachable();
    } catch (e) {
      // Every refusal is a usage error (exit 2) with a hint.
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).exitCode).toBe(2);
      expect((e as UsageError).code).toBe(code);
      expect((e as UsageError).message).toMatch(message);
      expect((e as UsageError).hint).toMatch(/s3:\/\/|key|Bucket|encoding/);
    }
  });

  it("points an ARN the console copied to its s3:// location", () => {
    expect(() => parseS3Location("arn:aws:s3:::photos/2024/cat.jpg")).toThrow(
      expect.objectContaining({ hint: "Write it as s3://photos/2024/cat.jpg." }),
    );
  });

  it("suggests adding a key, with the bucket filled in", () => {
    expect(() => parseS3Location("s3://photos", { needKey: true })).toThrow(
      expect.objectContaining({ hint: "Add the object's key: s3://photos/path/to/file.txt." }),
    );
  });

  it("runs the bucket validator it is given", () => {
    const validateBucket = (name: string): void => {
      if (name.length < 3) throw new UsageError(`"${name}" is too short.`, "Use 3 to 63.");
    };
    expect(() => parseS3Location("s3://ab/k", { validateBucket })).toThrow(/too short/);
    // A custom validator replaces the default rules (here "a+b" passes).
    expect(parseS3Location("s3://a+b/k", { validateBucket }).bucket).toBe("a+b");
  });

  it("round-trips", () => {
    expect(formatS3Url(parseS3Location("s3://b-1/a/b"))).toBe("s3://b-1/a/b");
    expect(isS3Url("s3://x")).toBe(true);
    expect(isS3Url("S3://x")).toBe(true);
    expect(isS3Url("./x")).toBe(false);
    expect(isS3Url("s3:x")).toBe(false);
  });
});

describe("access point ARNs, as the AWS CLI takes them", () => {
  const accessPoints = { accessPoints: true, needKey: true };
  it.each([
    [
      "s3://arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/photos/cat.jpg",
      "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap",
      "photos/cat.jpg",
    ],
    [
      "s3://arn:aws:s3:us-west-2:123456789012:accesspoint:my-ap/k",
      "arn:aws:s3:us-west-2:123456789012:accesspoint:my-ap",
      "k",
    ],
    [
      "s3://arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap/k",
      "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap",
      "k",
    ],
    [
      // A Multi-Region Access Point has no region.
      "s3://arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/k",
      "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
      "k",
    ],
    [
      "s3://arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/olap/a/b",
      "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/olap",
      "a/b",
    ],
    [
      "s3://arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01ac5d28a6a232904/accesspoint/example/k",
      "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01ac5d28a6a232904/accesspoint/example",
      "k",
    ],
  ])("%s", (input, bucket, key) => {
    expect(parseS3Location(input, accessPoints)).toEqual({ bucket, key });
  });

  it("still needs a key, and checks it", () => {
    const ap = "s3://arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap";
    expect(() => parseS3Location(ap, accessPoints)).toThrow(
      expect.objectContaining({ code: "MissingKey" }),
    );
    expect(() => parseS3Location(`${ap}/`, accessPoints)).toThrow(
      expect.objectContaining({ code: "MissingKey" }),
    );
    expect(() => parseS3Location(`${ap}/${"k".repeat(1025)}`, accessPoints)).toThrow(
      expect.objectContaining({ code: "InvalidKey" }),
    );
  });

  it("is refused, with the way out, where a command needs a bucket name", () => {
    expect(() =>
      parseS3Location("s3://arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/k.txt"),
    ).toThrow(
      expect.objectContaining({
        code: "InvalidLocation",
        exitCode: 2,
        message: expect.stringMatching(/names an access point; this command takes a bucket name/),
        hint: expect.stringContaining("s3://BUCKET/k.txt"),
      }),
    );
  });

  it.each([
    "s3://arn:aws:s3:us-west-2:12345:accesspoint/ap/k",
    "s3://arn:aws:iam::123456789012:user/alice",
    "s3://arn:aws:s3:us-west-2:123456789012:bucket/b/k",
  ])("%s is not an access point", (input) => {
    expect(() => parseS3Location(input, accessPoints)).toThrow(
      expect.objectContaining({
        code: "InvalidLocation",
        message: expect.stringMatching(/holds an ARN/),
      }),
    );
  });
});
