import { describe, expect, it } from "vitest";
import type { Aws } from "../../../src/aws/clients.js";
import {
  checkPostOptions,
  expiresAtFor,
  locationFromVariadic,
  parseContentLength,
  parseMaxSize,
  parseMetadata,
  presignTarget,
} from "../../../src/core/presign/options.js";
import { openPresignSession, sessionExpiryWarning } from "../../../src/core/presign/session.js";
import { fakeAws } from "../../support/fake-aws.js";

describe("flag parsing for the presign commands", () => {
  it("reads --metadata pairs; values may hold '=' or be empty", () => {
    expect(parseMetadata(undefined)).toBeUndefined();
    expect(parseMetadata(["owner=alice", "query=a=b", "empty="])).toEqual({
      owner: "alice",
      query: "a=b",
      empty: "",
    });
    expect(() => parseMetadata(["=x"])).toThrow(/"=x" is not key=value/);
    expect(() => parseMetadata(["novalue"])).toThrow(/"novalue" is not key=value/);
  });

  it("refuses one metadata name given two values, which would keep only the last", () => {
    expect(() => parseMetadata(["owner=alice", "owner=bob"])).toThrow(
      /--metadata gives "owner" twice, with different values/,
    );
    expect(() => parseMetadata(["Owner=alice", "owner=bob"])).toThrow(/twice/);
    expect(parseMetadata(["owner=alice", "owner=alice"])).toEqual({ owner: "alice" });
  });

  it("gives back a location swallowed by a variadic option, and only an s3:// one", () => {
    expect(locationFromVariadic(undefined, ["a=1", "s3://b/k", "c=3"])).toEqual({
      location: "s3://b/k",
      values: ["a=1", "c=3"],
    });
    expect(locationFromVariadic("s3://b/k", ["a=1"])).toEqual({
      location: "s3://b/k",
      values: ["a=1"],
    });
    expect(locationFromVariadic(undefined, ["a=1"])).toEqual({
      location: undefined,
      values: ["a=1"],
    });
  });

  it("reads --content-length as whole bytes", () => {
    expect(parseContentLength(undefined)).toBeUndefined();
    expect(parseContentLength("1048576")).toBe(1048576);
    expect(() => parseContentLength("1MB")).toThrow(/not a whole number of bytes/);
    expect(() => parseContentLength("-1")).toThrow(/not a whole number of bytes/);
  });

  it("reads --max-size with units and refuses sizes that accept nothing", () => {
    // MB is MiB, as in the AWS CLI and every other size flag of s3kit.
    expect(parseMaxSize("10MB")).toBe(10 * 1024 * 1024);
    expect(parseMaxSize("1MB")).toBe(1_048_576);
    expect(parseMaxSize("5MiB")).toBe(5 * 1024 * 1024);
    expect(parseMaxSize("5M")).toBe(5 * 1024 * 1024);
    expect(() => parseMaxSize("0")).toThrow(/only empty files/);
    expect(() => parseMaxSize("-1")).toThrow(/--max-size "-1" is negative/);
  });

  it("checks a POST's options without credentials", () => {
    expect(() =>
      checkPostOptions({
        bucket: "my-bucket",
        key: "u/",
        contentType: "a/b",
        contentTypePrefix: "a/",
      }),
    ).toThrow(/cannot be used together/);
    expect(() =>
      checkPostOptions({ bucket: "my-bucket", key: "u/", maxSize: 6 * 1024 ** 3 }),
    ).toThrow(/not valid for a POST upload/);
    expect(() => checkPostOptions({ bucket: "my-bucket", key: "u/", maxSize: 10 })).not.toThrow();
  });

  it.each([
    [
      { location: "s3://b/k", stdin: false },
      { kind: "single", location: "s3://b/k" },
    ],
    [
      { location: undefined, stdin: true },
      { kind: "batch", bucket: undefined },
    ],
    [
      { location: undefined, stdin: true, bucket: "bkt" },
      { kind: "batch", bucket: "bkt" },
    ],
  ])("targets %j", (input, expected) => {
    expect(
      presignTarget({ bucket: undefined, ...input, example: "s3kit presign get s3://b/k" }),
    ).toEqual(expected);
  });

  it.each([
    [{ location: undefined, stdin: false, bucket: undefined }, "MissingLocation"],
    [{ location: "s3://b/k", stdin: true, bucket: undefined }, "InvalidOption"],
    [{ location: "s3://b/k", stdin: false, bucket: "bkt" }, "InvalidOption"],
  ])("refuses %j", (input, code) => {
    expect(() => presignTarget({ ...input, example: "x" })).toThrow(
      expect.objectContaining({ code, exitCode: 2 }),
    );
  });

  it("counts the expiry from the signing second, as S3 does", () => {
    expect(expiresAtFor(new Date("2026-01-02T03:04:05.999Z"), 60)).toBe("2026-01-02T03:05:05.000Z");
  });
});

describe("a presign session from the run's AWS settings", () => {
  function presignAws(overrides: {
    endpoint?: string;
    forcePathStyle?: boolean;
    expiration?: Date;
    region?: string;
  }): Aws {
    return fakeAws(
      {},
      {
        region: overrides.region ?? "eu-west-1",
        ...(overrides.endpoint ? { endpoint: overrides.endpoint } : {}),
        forcePathStyle: overrides.forcePathStyle ?? false,
        credentials: {
          accessKeyId: "AKIDEXAMPLE",
          secretAccessKey: "secret",
          ...(overrides.expiration
            ? { sessionToken: "token", expiration: overrides.expiration }
            : {}),
          source: "environment",
        },
      },
    ).aws;
  }

  it("signs for the endpoint and path style in the settings, at one instant", async () => {
    const signingDate = new Date("2026-01-02T03:04:05Z");
    const session = await openPresignSession(
      presignAws({ endpoint: "https://s3.example.com", forcePathStyle: true }),
      signingDate,
    );
    const first = await session.presigner.get("my-bucket", "a");
    const second = await session.presigner.get("my-bucket", "b");
    expect(first.url).toMatch(/^https:\/\/s3\.example\.com\/my-bucket\/a\?/);
    expect(first.url).toContain("X-Amz-Date=20260102T030405Z");
    expect(second.url).toContain("X-Amz-Date=20260102T030405Z");
    expect(session.config.region).toBe("eu-west-1");
    expect(session.credentialsExpireAt).toBeUndefined();
    expect(sessionExpiryWarning(session, first.expiresAt)).toBeUndefined();
  });

  it("warns when temporary credentials end before the URL", async () => {
    const now = new Date("2026-01-02T03:00:00Z");
    const session = await openPresignSession(
      presignAws({ expiration: new Date("2026-01-02T03:30:00Z") }),
      now,
    );
    const { url, expiresAt } = await session.presigner.get("my-bucket", "k", { expiresIn: 7200 });
    expect(new URL(url).searchParams.get("X-Amz-Security-Token")).toBe("token");
    expect(sessionExpiryWarning(session, expiresAt, now)).toMatch(
      /expire at 2026-01-02T03:30:00Z: it will stop working then, in 30m/,
    );
    expect(sessionExpiryWarning(session, expiresAtFor(now, 600), now)).toBeUndefined();
  });
});
