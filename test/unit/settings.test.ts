import { describe, expect, it } from "vitest";
import {
  isLocalHost,
  isLoopback,
  normalizeEndpoint,
  resolveAwsSettings,
} from "../../src/aws/settings.js";
import { UsageError } from "../../src/core/errors.js";

describe("region resolution", () => {
  const cases: [string, Parameters<typeof resolveAwsSettings>, string, string][] = [
    [
      "flag wins over everything",
      [{ region: "eu-west-1" }, { AWS_REGION: "us-west-2" }, { region: "ap-south-1" }],
      "eu-west-1",
      "--region",
    ],
    [
      "AWS_REGION over AWS_DEFAULT_REGION",
      [{}, { AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "eu-central-1" }, {}],
      "us-west-2",
      "AWS_REGION",
    ],
    [
      "AWS_DEFAULT_REGION over the profile",
      [{}, { AWS_DEFAULT_REGION: "eu-central-1" }, { region: "ap-south-1" }],
      "eu-central-1",
      "AWS_DEFAULT_REGION",
    ],
    [
      "the profile's region",
      [{ profile: "dev" }, {}, { region: "ap-south-1" }],
      "ap-south-1",
      "profile dev",
    ],
    [
      "the default profile's region",
      [{}, {}, { region: "sa-east-1" }],
      "sa-east-1",
      "profile default",
    ],
    ["us-east-1 when nothing says", [{}, {}, {}], "us-east-1", "default"],
    ["GovCloud", [{ region: "us-gov-west-1" }, {}, {}], "us-gov-west-1", "--region"],
    // Regions are checked by their shape, so ones newer than s3kit work.
    [
      "the European Sovereign Cloud",
      [{}, { AWS_REGION: "eusc-de-east-1" }, {}],
      "eusc-de-east-1",
      "AWS_REGION",
    ],
    ["an ISO partition", [{ region: "us-isob-east-1" }, {}, {}], "us-isob-east-1", "--region"],
    [
      "a region numbered 10",
      [{ region: "ap-southeast-10" }, {}, {}],
      "ap-southeast-10",
      "--region",
    ],
    [
      "R2's auto with a custom endpoint",
      [{ region: "auto", endpointUrl: "https://acc.r2.cloudflarestorage.com" }, {}, {}],
      "auto",
      "--region",
    ],
  ];
  it.each(cases)("%s", (_name, args, value, source) => {
    const settings = resolveAwsSettings(...args);
    expect(settings.region).toEqual({ value, source });
  });

  it.each([
    "bad",
    "US-EAST-1",
    "us_east_1",
    "eu-west",
    "auto",
    "us-east-1 ",
    "us--east-1",
    "-us-east-1",
    "us-east-1\n",
    "1-east-1",
    `us-${"a".repeat(60)}-1`,
  ])("rejects %j for AWS with a usage error", (region) => {
    expect(() => resolveAwsSettings({ region }, {})).toThrow(UsageError);
  });

  it("names the source of a bad region", () => {
    expect(() => resolveAwsSettings({}, { AWS_REGION: "nowhere" })).toThrow(/from AWS_REGION/);
  });
});

describe("endpoint resolution", () => {
  it("applies --endpoint-url to every service", () => {
    const s = resolveAwsSettings(
      { endpointUrl: "http://127.0.0.1:9000/" },
      { AWS_ENDPOINT_URL_S3: "http://other:1" },
    );
    expect(s.endpoints.s3).toEqual({ value: "http://127.0.0.1:9000", source: "--endpoint-url" });
    expect(s.endpoints.iam?.value).toBe("http://127.0.0.1:9000");
    expect(s.endpoints.sts?.value).toBe("http://127.0.0.1:9000");
  });

  it("prefers the service-specific variable over AWS_ENDPOINT_URL", () => {
    const s = resolveAwsSettings(
      {},
      { AWS_ENDPOINT_URL: "http://all:1", AWS_ENDPOINT_URL_IAM: "http://iam:2" },
    );
    expect(s.endpoints.iam).toEqual({ value: "http://iam:2", source: "AWS_ENDPOINT_URL_IAM" });
    expect(s.endpoints.s3).toEqual({ value: "http://all:1", source: "AWS_ENDPOINT_URL" });
  });

  it("reads endpoint_url from the profile", () => {
    const s = resolveAwsSettings({}, {}, { endpoint_url: "https://minio.example.com" });
    expect(s.endpoints.sts).toEqual({
      value: "https://minio.example.com",
      source: "profile default",
    });
  });

  it("ignores configured endpoints when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true", () => {
    const s = resolveAwsSettings(
      {},
      { AWS_ENDPOINT_URL: "http://x:1", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
    );
    expect(s.endpoints.s3).toBeUndefined();
  });

  it("uses AWS's endpoints when none is configured", () => {
    const s = resolveAwsSettings({}, {});
    expect(s.endpoints).toEqual({ s3: undefined, iam: undefined, sts: undefined });
    expect(s.forcePathStyle).toBe(false);
  });

  it.each([
    ["localhost:9000", /no scheme/],
    ["ftp://host", /scheme ftp: is not supported/],
    ["http://", /not a URL/],
    ["http://host:9000/?x=1", /query/],
    ["http://user:pw@host", /user name/],
  ])("rejects %j", (raw, why) => {
    expect(() => normalizeEndpoint(raw)).toThrow(why);
  });

  // The URL parser silently drops tabs and line breaks ("http://h\r\nost" is http://host) and
  // trims control characters at either end: what was typed is not what would be used.
  it.each([
    ["http://127.0.0.1:9000\r\nX-Injected: 1", "a carriage return (\\r)"],
    ["http://exa\nmple.com", "a line feed (\\n)"],
    ["http://example.com\t", "a tab (\\t)"],
    ["\u0000http://example.com", "a NUL"],
    ["http://example.com/\u001b[31m", "an escape"],
    ["http://example.com/\u007f", "DEL"],
    ["http://example.com/\u0085", "U+0085"],
  ])("rejects %j: it holds %s", (raw) => {
    expect(() => normalizeEndpoint(raw)).toThrow(/control character/);
  });

  it("rejects control characters in AWS_ENDPOINT_URL* and the profile too, naming the source", () => {
    expect(() => resolveAwsSettings({}, { AWS_ENDPOINT_URL_S3: "http://h:1\r\n" })).toThrow(
      /from AWS_ENDPOINT_URL_S3\): it contains a control character/,
    );
    expect(() => resolveAwsSettings({}, { AWS_ENDPOINT_URL: "http://h:1\n" })).toThrow(
      /from AWS_ENDPOINT_URL\)/,
    );
    expect(() => resolveAwsSettings({}, {}, { endpoint_url: "http://h\r:1" })).toThrow(
      /from profile default\)/,
    );
  });

  it("suggests the scheme for a bare host:port", () => {
    try {
      normalizeEndpoint("localhost:3000");
      expect.unreachable();
    } catch (err) {
      expect((err as UsageError).hint).toContain("http://localhost:3000");
      expect((err as UsageError).exitCode).toBe(2);
    }
  });
});

describe("path style", () => {
  it.each([
    ["http://localhost:9000", true],
    ["http://127.0.0.1:5000", true],
    ["http://[::1]:5000", true],
    ["http://minio.localhost", true],
    ["http://10.0.0.5", true],
    ["http://127.1:9000", true],
    ["http://0x7f.0.0.1", true],
    ["http://[2001:db8::5]:9000", true],
    ["https://10.0.0.5.nip.io", false],
    ["https://s3.1.example.com", false],
    ["https://s3.example.com", false],
    ["https://abc.r2.cloudflarestorage.com", false],
  ])("%s → %s", (endpoint, expected) => {
    expect(isLocalHost(endpoint)).toBe(expected);
    expect(resolveAwsSettings({ endpointUrl: endpoint }, {}).forcePathStyle).toBe(expected);
  });

  it("is forced by --path-style", () => {
    expect(
      resolveAwsSettings({ endpointUrl: "https://s3.example.com", pathStyle: true }, {})
        .forcePathStyle,
    ).toBe(true);
  });
});

describe("profile and CA bundle", () => {
  it("selects the profile from flag, AWS_PROFILE, AWS_DEFAULT_PROFILE", () => {
    expect(resolveAwsSettings({ profile: "a" }, { AWS_PROFILE: "b" }).profile).toEqual({
      value: "a",
      source: "--profile",
    });
    expect(resolveAwsSettings({}, { AWS_PROFILE: "b", AWS_DEFAULT_PROFILE: "c" }).profile).toEqual({
      value: "b",
      source: "AWS_PROFILE",
    });
    expect(resolveAwsSettings({}, { AWS_DEFAULT_PROFILE: "c" }).profile).toEqual({
      value: "c",
      source: "AWS_DEFAULT_PROFILE",
    });
  });

  it("takes AWS_CA_BUNDLE over the profile's ca_bundle", () => {
    expect(
      resolveAwsSettings({}, { AWS_CA_BUNDLE: "/a.pem" }, { ca_bundle: "/b.pem" }).caBundle,
    ).toEqual({ value: "/a.pem", source: "AWS_CA_BUNDLE" });
    expect(resolveAwsSettings({}, {}, { ca_bundle: "/b.pem" }).caBundle).toEqual({
      value: "/b.pem",
      source: "profile default",
    });
    expect(resolveAwsSettings({}, {}).caBundle).toBeUndefined();
  });
});

describe("isLoopback", () => {
  it.each([
    ["http://127.0.0.1:9000", true],
    ["http://127.1:9000", true],
    ["http://localhost:4566", true],
    ["http://s3.localhost", true],
    ["http://[::1]:9000", true],
    ["http://10.0.0.5:9000", false],
    ["https://minio.example.com", false],
    ["https://s3.eu-west-1.amazonaws.com", false],
  ])("%s → %s", (endpoint, expected) => {
    expect(isLoopback(endpoint)).toBe(expected);
  });
});
