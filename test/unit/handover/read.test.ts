// Reading back any file s3kit wrote: every format, style and mapping.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NotFoundError, UsageError } from "../../../src/core/errors.js";
import { renderCredentials } from "../../../src/core/handover/deliver.js";
import { CREDENTIAL_FORMATS } from "../../../src/core/handover/formats.js";
import {
  type CredentialValues,
  type EnvMapping,
  styleMapping,
} from "../../../src/core/handover/mapping.js";
import { readHandoverFile } from "../../../src/core/handover/read.js";
import { ENV_STYLES } from "../../../src/core/handover/styles.js";

const dir = mkdtempSync(join(tmpdir(), "s3kit-read-"));
const values: CredentialValues = {
  userName: "alice",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY "quoted" #x',
  region: "eu-west-1",
  endpoint: "http://127.0.0.1:9000",
  customEndpoint: "http://127.0.0.1:9000",
  bucket: "uploads-bucket",
  prefix: "uploads/alice/",
};
const pydantic: EnvMapping = {
  style: "none",
  variables: {
    APP_KEY: { field: "access-key-id" },
    APP_SECRET: { field: "secret-access-key" },
    AWS_S3_BUCKET: { field: "bucket" },
    AWS_S3_ENDPOINT_URL: { field: "endpoint" },
    AWS_MAIN_REGION: { field: "region" },
    AWS_S3_USE_SSL: { value: "false" },
  },
};

let n = 0;
function file(text: string): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, text);
  return path;
}

describe("readHandoverFile", () => {
  for (const style of ENV_STYLES.filter((s) => s !== "none")) {
    for (const format of ["dotenv", "shell", "json"] as const) {
      it(`reads --env-style ${style} --format ${format}`, () => {
        const read = readHandoverFile(
          file(renderCredentials(format, styleMapping(style), values)),
          {
            cwd: dir,
          },
        );
        expect(read).toMatchObject({
          format,
          accessKeyId: values.accessKeyId,
          secretAccessKey: values.secretAccessKey,
          region: "eu-west-1",
          endpoint: "http://127.0.0.1:9000",
          bucket: "uploads-bucket",
          prefix: "uploads/alice/",
        });
      });
    }
  }

  it("reads csv and aws-profile", () => {
    for (const format of CREDENTIAL_FORMATS.filter((f) => f === "csv" || f === "aws-profile")) {
      const read = readHandoverFile(file(renderCredentials(format, styleMapping("aws"), values)), {
        cwd: dir,
      });
      expect(read).toMatchObject({
        format,
        accessKeyId: values.accessKeyId,
        secretAccessKey: values.secretAccessKey,
        userName: "alice",
      });
    }
  });

  it("reads the project's own names with the project file's mapping", () => {
    const path = file(renderCredentials("dotenv", pydantic, values));
    expect(() => readHandoverFile(path, { cwd: dir })).toThrow(/holds no access key ID/);
    expect(readHandoverFile(path, { cwd: dir, mapping: pydantic })).toMatchObject({
      accessKeyId: values.accessKeyId,
      bucket: "uploads-bucket",
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:9000",
      from: { "access-key-id": "APP_KEY", bucket: "AWS_S3_BUCKET", region: "AWS_MAIN_REGION" },
    });
  });

  it("guesses from names an app's file s3kit did not write, when there is one candidate", () => {
    const path = file("MINIO_ACCESS_KEY=AKIAGUESS\nMINIO_SECRET_KEY=guess\nMINIO_BUCKET=b\n");
    expect(readHandoverFile(path, { cwd: dir })).toMatchObject({
      accessKeyId: "AKIAGUESS",
      secretAccessKey: "guess",
      bucket: "b",
    });
  });

  it("two keys it cannot tell apart: exit 2, naming them", () => {
    const path = file(
      "AWS_ACCESS_KEY_ID=AKIAONE\nS3_ACCESS_KEY_ID=AKIATWO\nAWS_SECRET_ACCESS_KEY=x\n",
    );
    expect(() => readHandoverFile(path, { cwd: dir })).toThrow(
      /several access key IDs \(AWS_ACCESS_KEY_ID, S3_ACCESS_KEY_ID\)/,
    );
  });

  it("a credentials file with several profiles needs --profile", () => {
    const path = file(
      "[a]\naws_access_key_id = AKIAA\naws_secret_access_key = a\n\n[b]\naws_access_key_id = AKIAB\naws_secret_access_key = b\n",
    );
    expect(() => readHandoverFile(path, { cwd: dir })).toThrow(UsageError);
    expect(readHandoverFile(path, { cwd: dir, profile: "b" }).accessKeyId).toBe("AKIAB");
  });

  it("a missing file is exit 3, an empty one exit 2", () => {
    expect(() => readHandoverFile(join(dir, "nope.env"), { cwd: dir })).toThrow(NotFoundError);
    expect(() => readHandoverFile(file(""), { cwd: dir })).toThrow(/is empty/);
  });
});
