import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConflictError, UsageError } from "../../../src/core/errors.js";
import {
  precheckCredentialsFile,
  renderCredentials,
  writeCredentialsFile,
} from "../../../src/core/handover/deliver.js";
import { parseCredentialFormat } from "../../../src/core/handover/formats.js";
import {
  type CredentialValues,
  credentialVariables,
  styleMapping as style,
} from "../../../src/core/handover/mapping.js";
import { mergeCredentials } from "../../../src/core/handover/merge.js";
import { parseEnvStyle } from "../../../src/core/handover/styles.js";

const aws: CredentialValues = {
  userName: "alice",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  region: "eu-west-1",
  endpoint: "https://s3.eu-west-1.amazonaws.com",
  bucket: "my-app-uploads",
};
const local: CredentialValues = {
  ...aws,
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9000",
  customEndpoint: "http://127.0.0.1:9000",
};
const options = { force: false, profileName: "alice" };

describe("env styles", () => {
  it("aws: the SDK's names (AWS_DEFAULT_REGION for boto3 and the AWS CLI v1) and the bucket as S3_BUCKET and AWS_S3_BUCKET_NAME", () => {
    expect(renderCredentials("dotenv", style("aws"), aws)).toBe(
      [
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_REGION=eu-west-1",
        "AWS_DEFAULT_REGION=eu-west-1",
        "S3_BUCKET=my-app-uploads",
        "AWS_S3_BUCKET_NAME=my-app-uploads",
        "",
      ].join("\n"),
    );
  });

  it("django: django-storages' settings", () => {
    const names = credentialVariables(style("django"), aws).map((v) => v.name);
    expect(names).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_STORAGE_BUCKET_NAME",
      "AWS_S3_REGION_NAME",
    ]);
  });

  it("s3: provider-neutral names, always with the endpoint", () => {
    expect(
      Object.fromEntries(credentialVariables(style("s3"), aws).map((v) => [v.name, v.value])),
    ).toEqual({
      S3_ACCESS_KEY_ID: aws.accessKeyId,
      S3_SECRET_ACCESS_KEY: aws.secretAccessKey,
      S3_BUCKET_NAME: "my-app-uploads",
      S3_REGION: "eu-west-1",
      S3_ENDPOINT_URL: "https://s3.eu-west-1.amazonaws.com",
    });
  });

  it("names a non-AWS endpoint in every style", () => {
    expect(renderCredentials("dotenv", style("aws"), local)).toContain(
      "AWS_ENDPOINT_URL=http://127.0.0.1:9000\n",
    );
    expect(renderCredentials("dotenv", style("django"), local)).toContain(
      "AWS_S3_ENDPOINT_URL=http://127.0.0.1:9000\n",
    );
    expect(renderCredentials("dotenv", style("s3"), local)).toContain(
      "S3_ENDPOINT_URL=http://127.0.0.1:9000\n",
    );
  });

  it("leaves out the bucket variables when there is no bucket", () => {
    const { bucket: _b, ...noBucket } = aws;
    expect(renderCredentials("dotenv", style("aws"), noBucket)).not.toContain("BUCKET");
  });
});

describe("formats", () => {
  it("shell exports with single quotes", () => {
    const text = renderCredentials("shell", style("aws"), { ...aws, bucket: "it's" });
    expect(text).toContain("export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'\n");
    expect(text).toContain(`export S3_BUCKET='it'\\''s'\n`);
  });

  it("dotenv quotes values that need it", () => {
    expect(renderCredentials("dotenv", style("aws"), { ...aws, bucket: 'a "b" #c' })).toContain(
      'S3_BUCKET="a \\"b\\" #c"\n',
    );
  });

  it("json: one object", () => {
    expect(JSON.parse(renderCredentials("json", style("s3"), aws))).toMatchObject({
      S3_ACCESS_KEY_ID: aws.accessKeyId,
      S3_BUCKET_NAME: aws.bucket,
    });
  });

  it("csv: the AWS console's access key file (aws configure import reads it)", () => {
    expect(renderCredentials("csv", style("aws"), aws)).toBe(
      `User name,Access key ID,Secret access key\nalice,${aws.accessKeyId},${aws.secretAccessKey}\n`,
    );
  });

  it("aws-profile: a credentials-file section with region and a custom endpoint", () => {
    expect(renderCredentials("aws-profile", style("aws"), local)).toBe(
      `[alice]\naws_access_key_id = ${aws.accessKeyId}\naws_secret_access_key = ${aws.secretAccessKey}\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\n`,
    );
  });

  it("rejects unknown formats and styles with the valid ones", () => {
    expect(() => parseCredentialFormat("yaml")).toThrow(UsageError);
    try {
      parseEnvStyle("rails");
    } catch (err) {
      expect((err as UsageError).hint).toContain("aws (");
      expect((err as UsageError).hint).toContain("django (");
    }
  });
});

describe("merging into an existing file", () => {
  it("keeps other lines and comments, appends new variables", () => {
    const existing = "# app settings\nDEBUG=1\nDATABASE_URL=postgres://x\n";
    const merged = mergeCredentials(".env", existing, "dotenv", style("aws"), aws, options);
    expect(merged.text).toBe(
      `# app settings\nDEBUG=1\nDATABASE_URL=postgres://x\n${renderCredentials("dotenv", style("aws"), aws)}`,
    );
    expect(merged.added).toContain("AWS_ACCESS_KEY_ID");
    expect(merged.replaced).toEqual([]);
  });

  it("updates non-secret variables in place", () => {
    const existing = "AWS_REGION=us-west-2\nOTHER=1\n";
    const merged = mergeCredentials(".env", existing, "dotenv", style("aws"), aws, options);
    expect(merged.text.split("\n").slice(0, 2)).toEqual(["AWS_REGION=eu-west-1", "OTHER=1"]);
    expect(merged.replaced).toEqual(["AWS_REGION"]);
  });

  it("refuses to replace someone's credentials without --force", () => {
    const existing = "AWS_ACCESS_KEY_ID=AKIAOTHEROTHEROTHER1\nAWS_SECRET_ACCESS_KEY=s\n";
    expect(() => mergeCredentials(".env", existing, "dotenv", style("aws"), aws, options)).toThrow(
      ConflictError,
    );
    const forced = mergeCredentials(".env", existing, "dotenv", style("aws"), aws, {
      ...options,
      force: true,
    });
    expect(forced.text).toContain(`AWS_ACCESS_KEY_ID=${aws.accessKeyId}`);
    expect(forced.text).not.toContain("AKIAOTHER");
  });

  it("replaces a key being rotated without --force", () => {
    const existing = "export AWS_ACCESS_KEY_ID=AKIAOLDOLDOLDOLDOLD1\nAWS_SECRET_ACCESS_KEY='old'\n";
    const merged = mergeCredentials(".env", existing, "dotenv", style("aws"), aws, {
      ...options,
      replaceableKeyIds: ["AKIAOLDOLDOLDOLDOLD1"],
    });
    // `export` is kept where the file had it.
    expect(merged.text).toContain(`export AWS_ACCESS_KEY_ID=${aws.accessKeyId}\n`);
    expect(merged.replaced).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
  });

  it("treats the same credentials again as no conflict", () => {
    const text = renderCredentials("dotenv", style("aws"), aws);
    expect(mergeCredentials(".env", text, "dotenv", style("aws"), aws, options).text).toBe(text);
  });

  it("json: merges keys, refuses other credentials and non-objects", () => {
    const merged = mergeCredentials(
      "c.json",
      '{"PORT": "8080"}',
      "json",
      style("aws"),
      aws,
      options,
    );
    expect(JSON.parse(merged.text)).toMatchObject({ PORT: "8080", AWS_REGION: "eu-west-1" });
    expect(() =>
      mergeCredentials(
        "c.json",
        '{"AWS_ACCESS_KEY_ID":"AKIAX"}',
        "json",
        style("aws"),
        aws,
        options,
      ),
    ).toThrow(ConflictError);
    expect(() => mergeCredentials("c.json", "[1]", "json", style("aws"), aws, options)).toThrow(
      /not a JSON object/,
    );
  });

  it("aws-profile: a rotation replaces the old key where it is, keeps everything else", () => {
    const existing =
      "[default]\naws_access_key_id = AKIADEFAULT\n\n[alice]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n\n[bob]\nregion = x\n";
    expect(() =>
      mergeCredentials("credentials", existing, "aws-profile", style("aws"), aws, options),
    ).toThrow(ConflictError);
    const merged = mergeCredentials("credentials", existing, "aws-profile", style("aws"), aws, {
      ...options,
      replaceableKeyIds: ["AKIAOLD"],
    });
    expect(merged.text).toBe(
      `[default]\naws_access_key_id = AKIADEFAULT\n\n[alice]\naws_access_key_id = ${aws.accessKeyId}\naws_secret_access_key = ${aws.secretAccessKey}\n\n[bob]\nregion = x\n`,
    );
    const added = mergeCredentials(
      "credentials",
      "[default]\nx = 1\n",
      "aws-profile",
      style("aws"),
      aws,
      options,
    );
    expect(added.text).toBe(
      `[default]\nx = 1\n\n${renderCredentials("aws-profile", style("aws"), aws)}`,
    );
  });

  it("csv: never merged; an existing file needs --force", () => {
    expect(() => mergeCredentials("k.csv", "a,b\n", "csv", style("aws"), aws, options)).toThrow(
      ConflictError,
    );
  });
});

describe("files", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-cred-"));

  it("writes new files readable by the owner only", () => {
    const path = join(dir, "new.env");
    const written = writeCredentialsFile(path, "dotenv", style("aws"), aws, options);
    expect(written.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe(renderCredentials("dotenv", style("aws"), aws));
  });

  it("tightens an existing file to 0600 when it merges", () => {
    const path = join(dir, "loose.env");
    writeFileSync(path, "A=1\n", { mode: 0o644 });
    writeCredentialsFile(path, "dotenv", style("aws"), aws, options);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8").startsWith("A=1\n")).toBe(true);
  });

  it("checks before any key exists: other credentials conflict, a missing folder is a usage error", () => {
    const path = join(dir, "taken.env");
    writeFileSync(path, "AWS_ACCESS_KEY_ID=AKIAX\n");
    expect(() => precheckCredentialsFile(path, "dotenv", style("aws"), options)).toThrow(
      ConflictError,
    );
    expect(() =>
      precheckCredentialsFile(path, "dotenv", style("aws"), {
        ...options,
        replaceableKeyIds: ["AKIAX"],
      }),
    ).not.toThrow();
    expect(() =>
      precheckCredentialsFile(join(dir, "nope", "x.env"), "dotenv", style("aws"), options),
    ).toThrow(UsageError);
    expect(() =>
      precheckCredentialsFile(join(dir, "fresh.env"), "dotenv", style("aws"), options),
    ).not.toThrow();
  });
});
