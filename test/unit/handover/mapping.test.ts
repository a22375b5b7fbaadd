import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import { renderCredentials } from "../../../src/core/handover/deliver.js";
import { parseEnvFlags } from "../../../src/core/handover/fields.js";
import {
  type CredentialValues,
  credentialVariables,
  type EnvMapping,
} from "../../../src/core/handover/mapping.js";

const values: CredentialValues = {
  userName: "alice",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9000",
  customEndpoint: "http://127.0.0.1:9000",
  bucket: "uploads-bucket",
  prefix: "uploads/alice/",
};

function usage(work: () => unknown): UsageError {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error("no error");
}

describe("--env NAME=FIELD", () => {
  it("reads fields, value:TEXT and the bare true/false", () => {
    expect(
      parseEnvFlags([
        "AWS_S3_BUCKET=bucket",
        "AWS_MAIN_REGION=region",
        "AWS_S3_USE_SSL=false",
        "APP_MODE=value:s3 only",
        "EMPTY=value:",
      ]),
    ).toEqual({
      AWS_S3_BUCKET: { field: "bucket" },
      AWS_MAIN_REGION: { field: "region" },
      AWS_S3_USE_SSL: { value: "false" },
      APP_MODE: { value: "s3 only" },
      EMPTY: { value: "" },
    });
  });

  it.each([
    ["AWS_S3_BUCKET=bukcet", 'unknown field "bukcet"'],
    ["AWS_S3_BUCKET", "is not NAME=FIELD"],
    ["1BUCKET=bucket", "is not a variable name"],
    ["MY-BUCKET=bucket", "is not a variable name"],
    ["=bucket", "is empty"],
  ])("%j is exit 2 naming the problem and the fields", (flag, message) => {
    const err = usage(() => parseEnvFlags([flag]));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(message);
    expect(`${err.message} ${err.hint}`).toContain(
      "access-key-id, secret-access-key, region, bucket, endpoint, prefix",
    );
  });

  it("a fixed value is one line of text", () => {
    expect(usage(() => parseEnvFlags(["X=value:a\nB=1"])).message).toContain(
      "control character, U+000A (line feed)",
    );
  });

  it("two mappings for one variable are exit 2; the same one twice is fine", () => {
    const err = usage(() => parseEnvFlags(["X=bucket", "X=region"]));
    expect(err.message).toBe("--env gives X two mappings: bucket and region.");
    expect(parseEnvFlags(["X=bucket", "X=bucket"])).toEqual({ X: { field: "bucket" } });
  });

  it("is bounded", () => {
    const many = Array.from({ length: 101 }, (_, i) => `V${i}=bucket`);
    expect(usage(() => parseEnvFlags(many)).message).toContain("at most 100");
  });
});

describe("mappings", () => {
  const pydantic: EnvMapping = {
    style: "aws",
    variables: {
      AWS_S3_BUCKET: { field: "bucket" },
      AWS_S3_ENDPOINT_URL: { field: "endpoint" },
      AWS_MAIN_REGION: { field: "region" },
      AWS_S3_USE_SSL: { value: "false" },
    },
  };

  it("adds the project's own names to the style's", () => {
    const vars = Object.fromEntries(
      credentialVariables(pydantic, values).map((v) => [v.name, v.value]),
    );
    expect(vars).toEqual({
      AWS_ACCESS_KEY_ID: values.accessKeyId,
      AWS_SECRET_ACCESS_KEY: values.secretAccessKey,
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      S3_BUCKET: "uploads-bucket",
      AWS_S3_BUCKET_NAME: "uploads-bucket",
      S3_PREFIX: "uploads/alice/",
      AWS_ENDPOINT_URL: "http://127.0.0.1:9000",
      AWS_S3_BUCKET: "uploads-bucket",
      AWS_S3_ENDPOINT_URL: "http://127.0.0.1:9000",
      AWS_MAIN_REGION: "us-east-1",
      AWS_S3_USE_SSL: "false",
    });
  });

  it("style none writes only the project's names; an own name replaces the style's", () => {
    const none: EnvMapping = {
      style: "none",
      variables: {
        KEY: { field: "access-key-id" },
        SECRET: { field: "secret-access-key" },
        PREFIX: { field: "prefix" },
      },
    };
    expect(renderCredentials("dotenv", none, { ...values, prefix: "" })).toBe(
      `KEY=${values.accessKeyId}\nSECRET=${values.secretAccessKey}\nPREFIX=\n`,
    );
    const renamed: EnvMapping = { style: "s3", variables: { S3_REGION: { value: "auto" } } };
    expect(renderCredentials("dotenv", renamed, values)).toContain("S3_REGION=auto\n");
  });

  it("the endpoint field is AWS's regional endpoint where there is no custom one; the style's AWS_ENDPOINT_URL is left out", () => {
    const { customEndpoint: _c, ...onAws } = {
      ...values,
      endpoint: "https://s3.eu-west-1.amazonaws.com",
    };
    const text = renderCredentials("dotenv", pydantic, onAws);
    expect(text).toContain("AWS_S3_ENDPOINT_URL=https://s3.eu-west-1.amazonaws.com\n");
    expect(text).not.toContain("AWS_ENDPOINT_URL=");
  });

  it("django's AWS_LOCATION is the prefix as a folder name, left out for several prefixes", () => {
    const django: EnvMapping = { style: "django", variables: {} };
    expect(renderCredentials("dotenv", django, values)).toContain("AWS_LOCATION=uploads/alice\n");
    expect(renderCredentials("dotenv", django, { ...values, prefix: "a/ b/" })).not.toContain(
      "AWS_LOCATION",
    );
    expect(renderCredentials("dotenv", django, { ...values, prefix: "" })).not.toContain(
      "AWS_LOCATION",
    );
  });
});
