// How HeadBucket's answers read. A redirect to another region, a bare 403 and a network
// failure cannot be had from the local servers on demand, so a fake S3 client answers.
import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { Aws } from "../../../src/aws/clients.js";
import { S3kitError } from "../../../src/core/errors.js";
import {
  checkBucket,
  headBucket,
  regionOfFound,
  requireBucket,
} from "../../../src/core/s3/head-bucket.js";
import { isOwnBucket, listBuckets } from "../../../src/core/s3/list-buckets.js";
import { fakeAws, type Handler, type Handlers, throwing } from "../../support/fake-aws.js";

type Answer = Handler;

/** The S3 client of a fake connection (`.aws`), with its calls as `Operation {input}` lines. */
function fakeS3(answers: Handlers, region = "eu-west-1") {
  const fake = fakeAws(answers, { region });
  return {
    send: fake.client.send,
    aws: fake.aws,
    get calls() {
      return fake.calls.map((c) => `${c.command} ${JSON.stringify(c.input)}`);
    },
  } as unknown as S3Client & { aws: Aws; calls: string[] };
}

const answer = (name: string, status: number | undefined, extra: Record<string, unknown> = {}) =>
  throwing(name, status, `${name} message`, extra);

const redirect = (region: string) =>
  answer("PermanentRedirect", 301, { $response: { headers: { "x-amz-bucket-region": region } } });

describe("headBucket", () => {
  it.each([
    [
      "found in the expected region",
      () => ({ BucketRegion: "eu-west-1" }),
      { status: "exists", region: "eu-west-1" },
    ],
    ["found, region not said", () => ({}), { status: "exists" }],
    [
      "found elsewhere",
      () => ({ BucketRegion: "us-east-2" }),
      { status: "other-region", region: "us-east-2" },
    ],
    ["redirected", redirect("ap-south-1"), { status: "other-region", region: "ap-south-1" }],
    ["redirected, region not said", answer("Unknown", 301), { status: "other-region" }],
    [
      "403 naming another region",
      answer("Forbidden", 403, { Region: "us-west-2" }),
      { status: "other-region", region: "us-west-2" },
    ],
    ["missing (bare 404)", answer("NotFound", 404), { status: "missing" }],
    ["missing (NoSuchBucket)", answer("NoSuchBucket", 404), { status: "missing" }],
    ["forbidden", answer("Forbidden", 403), { status: "forbidden" }],
  ])("%s", async (_, head, expected) => {
    expect(await headBucket(fakeS3({ HeadBucket: head as Answer }), "b-1", "eu-west-1")).toEqual(
      expected,
    );
  });

  it("without an expected region, any region the endpoint names is just where it is", async () => {
    const s3 = fakeS3({ HeadBucket: () => ({ BucketRegion: "us-east-2" }) });
    expect(await headBucket(s3, "b-1")).toEqual({ status: "exists", region: "us-east-2" });
  });

  it("throws anything else as an S3kitError that names the bucket", async () => {
    const s3 = fakeS3({ HeadBucket: answer("TimeoutError", undefined, { code: "ETIMEDOUT" }) });
    const err = await headBucket(s3, "b-1", "eu-west-1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3kitError);
    expect(err).toMatchObject({ code: "EndpointUnreachable", exitCode: 1 });
  });
});

describe("requireBucket", () => {
  it("returns the region, asking GetBucketLocation when HeadBucket did not say", async () => {
    const s3 = fakeS3({
      HeadBucket: () => ({}),
      GetBucketLocation: () => ({ LocationConstraint: "EU" }),
    });
    expect(await requireBucket(s3.aws, "b-1")).toBe("eu-west-1");
    const usEast = fakeS3({ HeadBucket: () => ({}), GetBucketLocation: () => ({}) }, "us-east-1");
    expect(await requireBucket(usEast.aws, "b-1")).toBe("us-east-1");
  });

  it.each([
    [answer("NotFound", 404), { code: "NoSuchBucket", exitCode: 3 }],
    [answer("Forbidden", 403), { code: "AccessDenied", exitCode: 4 }],
    [
      redirect("ap-south-1"),
      { code: "WrongRegion", exitCode: 5, hint: expect.stringContaining("--region ap-south-1") },
    ],
    [
      answer("Unknown", 301),
      { code: "WrongRegion", message: expect.stringContaining("another region") },
    ],
  ])("refuses %#", async (head, expected) => {
    await expect(requireBucket(fakeS3({ HeadBucket: head }).aws, "b-1")).rejects.toMatchObject(
      expected,
    );
  });
});

describe("checkBucket (a grant's bucket)", () => {
  it("reports what it found, and a missing bucket is exit 3 with a hint to create it", async () => {
    const found = fakeS3({ HeadBucket: () => ({ BucketRegion: "eu-west-1" }) });
    expect(await checkBucket(found.aws, "b-1")).toEqual({
      bucket: "b-1",
      status: "exists",
      region: "eu-west-1",
    });
    const forbidden = fakeS3({ HeadBucket: answer("Forbidden", 403) });
    expect(await checkBucket(forbidden.aws, "b-1")).toEqual({
      bucket: "b-1",
      status: "forbidden",
    });
    const missing = fakeS3({ HeadBucket: answer("NotFound", 404) });
    await expect(checkBucket(missing.aws, "b-1")).rejects.toMatchObject({
      code: "NoSuchBucket",
      exitCode: 3,
      hint: expect.stringContaining("s3kit bucket create b-1"),
    });
  });

  it("regionOfFound says 'another region' when a redirect did not name it", async () => {
    expect(await regionOfFound(fakeS3({}), "b-1", { status: "other-region" })).toBe(
      "another region",
    );
  });
});

describe("listBuckets and isOwnBucket", () => {
  it("follows every page", async () => {
    const s3 = fakeS3({
      ListBuckets: [
        () => ({
          Buckets: [{ Name: "a-1", BucketRegion: "eu-west-1" }, {}],
          ContinuationToken: "t",
        }),
        () => ({ Buckets: [{ Name: "b-1", CreationDate: new Date(0) }] }),
      ],
    });
    const names = [];
    for await (const b of listBuckets(s3)) names.push(b);
    expect(names).toEqual([
      { name: "a-1", region: "eu-west-1" },
      { name: "b-1", created: new Date(0) },
    ]);
    expect(s3.calls[1]).toBe('ListBuckets {"ContinuationToken":"t"}');
  });

  it("tells an own bucket by its name among the listed ones; a refused list is unknown", async () => {
    const own = fakeS3({ ListBuckets: () => ({ Buckets: [{ Name: "b-10" }, { Name: "b-1" }] }) });
    expect(await isOwnBucket(own, "b-1")).toBe(true);
    expect(own.calls).toEqual(['ListBuckets {"Prefix":"b-1"}']);
    const other = fakeS3({ ListBuckets: () => ({ Buckets: [{ Name: "b-10" }] }) });
    expect(await isOwnBucket(other, "b-1")).toBe(false);
    const denied = fakeS3({ ListBuckets: answer("AccessDenied", 403) });
    expect(await isOwnBucket(denied, "b-1")).toBe(undefined);
  });
});
