// Rotation follows the file: the old key and its secret are found by value, whatever the
// names, in every format; nothing else changes.
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../../src/core/errors.js";
import {
  type CredentialValues,
  type EnvMapping,
  styleMapping,
} from "../../../src/core/handover/mapping.js";
import { type MergeOptions, mergeCredentials } from "../../../src/core/handover/merge.js";

const OLD = "AKIAOLDOLDOLDOLDOLD1";
const OLD_SECRET = "old/secret+value0000000000000000000000000";
const fresh: CredentialValues = {
  userName: "alice",
  accessKeyId: "AKIANEWNEWNEWNEWNEW2",
  secretAccessKey: "new/secret+value1111111111111111111111111",
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9000",
  customEndpoint: "http://127.0.0.1:9000",
  bucket: "b",
};
const rotation: MergeOptions = { force: false, profileName: "alice", replaceableKeyIds: [OLD] };
const aws = styleMapping("aws");

describe("rotation follows a .env file", () => {
  it("an s3-style file gets the new key in its own names, and no AWS_* lines", () => {
    const before = `# app\nS3_ACCESS_KEY_ID=${OLD}\nS3_SECRET_ACCESS_KEY=${OLD_SECRET}\nS3_BUCKET_NAME=b\nDEBUG=1\n`;
    const merged = mergeCredentials(".env", before, "dotenv", aws, fresh, rotation);
    expect(merged.text).toBe(
      `# app\nS3_ACCESS_KEY_ID=${fresh.accessKeyId}\nS3_SECRET_ACCESS_KEY=${fresh.secretAccessKey}\nS3_BUCKET_NAME=b\nDEBUG=1\n`,
    );
    expect(merged.replaced).toEqual(["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]);
    expect(merged.added).toEqual([]);
  });

  it("every variable holding the key or its secret, whatever its name, is replaced", () => {
    const before = [
      `AWS_ACCESS_KEY_ID=${OLD}`,
      `AWS_SECRET_ACCESS_KEY=${OLD_SECRET}`,
      `MINIO_ACCESS_KEY="${OLD}"`,
      `export BACKUP_CREDS_ID=${OLD}`,
      `UPLOADER_PASSWORD='${OLD_SECRET}'`,
      "AWS_REGION=us-east-1",
      "",
    ].join("\n");
    const merged = mergeCredentials(".env", before, "dotenv", aws, fresh, rotation);
    expect(merged.text).not.toContain(OLD);
    expect(merged.text).not.toContain(OLD_SECRET);
    expect(merged.text).toContain(`export BACKUP_CREDS_ID=${fresh.accessKeyId}\n`);
    expect(merged.text).toContain(`UPLOADER_PASSWORD=${fresh.secretAccessKey}\n`);
    expect(merged.replaced.sort()).toEqual(
      [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "BACKUP_CREDS_ID",
        "MINIO_ACCESS_KEY",
        "UPLOADER_PASSWORD",
      ].sort(),
    );
  });

  it("with names chosen (flags or project file), the missing ones are added too", () => {
    const mapping: EnvMapping = { style: "s3", variables: { AWS_S3_USE_SSL: { value: "false" } } };
    const before = `S3_ACCESS_KEY_ID=${OLD}\nS3_SECRET_ACCESS_KEY=${OLD_SECRET}\n`;
    const merged = mergeCredentials(".env", before, "dotenv", mapping, fresh, {
      ...rotation,
      namesChosen: true,
    });
    expect(merged.added).toEqual([
      "S3_BUCKET_NAME",
      "S3_REGION",
      "S3_ENDPOINT_URL",
      "AWS_S3_USE_SSL",
    ]);
  });

  it("the prefix, which a rotation does not know, is taken from the file's own prefix variable", () => {
    const mapping: EnvMapping = {
      style: "aws",
      variables: { UPLOAD_PREFIX: { field: "prefix" } },
    };
    const before = `AWS_ACCESS_KEY_ID=${OLD}\nAWS_SECRET_ACCESS_KEY=${OLD_SECRET}\nAWS_LOCATION=media/alice\n`;
    const merged = mergeCredentials(".env", before, "dotenv", mapping, fresh, {
      ...rotation,
      namesChosen: true,
    });
    expect(merged.text).toContain("UPLOAD_PREFIX=media/alice/\n");
    expect(merged.text).toContain("S3_PREFIX=media/alice/\n");
    // The django variable keeps its own form.
    expect(merged.text).toContain("AWS_LOCATION=media/alice\n");
  });

  it("the secret that goes with the key: the one named like it when there are several", () => {
    const before = `APP_ACCESS_KEY_ID=${OLD}\nAPP_SECRET_ACCESS_KEY=${OLD_SECRET}\nSTRIPE_SECRET=sk_live_x\n`;
    const merged = mergeCredentials(".env", before, "dotenv", aws, fresh, rotation);
    expect(merged.text).toContain("STRIPE_SECRET=sk_live_x\n");
    expect(merged.text).toContain(`APP_SECRET_ACCESS_KEY=${fresh.secretAccessKey}`);
  });

  it("several secrets and none clearly the key's: exit 5, nothing decided, and how to name it", () => {
    const before = `KEY=${OLD}\nSECRET_A=one\nSECRET_B=two\n`;
    let err: unknown;
    try {
      mergeCredentials(".env", before, "dotenv", aws, fresh, rotation);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).message).toContain("several secrets (SECRET_A, SECRET_B)");
    expect((err as ConflictError).hint).toContain("--env NAME=secret-access-key");
    // Named by the project: no doubt left.
    const named: EnvMapping = {
      style: "aws",
      variables: { SECRET_B: { field: "secret-access-key" } },
    };
    const merged = mergeCredentials(".env", before, "dotenv", named, fresh, rotation);
    expect(merged.text).toContain("SECRET_A=one\n");
    expect(merged.text).toContain(`SECRET_B=${fresh.secretAccessKey}`);
  });

  it("someone else's key in the style's names stays theirs (--force replaces it)", () => {
    const before = `S3_ACCESS_KEY_ID=${OLD}\nS3_SECRET_ACCESS_KEY=${OLD_SECRET}\nAWS_ACCESS_KEY_ID=AKIAADMINADMINADMIN1\n`;
    expect(() => mergeCredentials(".env", before, "dotenv", aws, fresh, rotation)).toThrow(
      /other credentials in AWS_ACCESS_KEY_ID/,
    );
  });
});

describe("rotation follows the other formats", () => {
  it("json: the entries holding the old key and secret", () => {
    const before = JSON.stringify({ storage: "s3", APP_KEY_ID: OLD, APP_KEY_SECRET: OLD_SECRET });
    const merged = mergeCredentials("c.json", before, "json", aws, fresh, rotation);
    expect(JSON.parse(merged.text)).toEqual({
      storage: "s3",
      APP_KEY_ID: fresh.accessKeyId,
      APP_KEY_SECRET: fresh.secretAccessKey,
    });
  });

  it("aws-profile: the profile holding the old key, whatever its name, in place", () => {
    const before = `[default]\nregion = eu-west-1\n\n[my-app]\n# the app's uploader\naws_access_key_id = ${OLD}\naws_secret_access_key = ${OLD_SECRET}\nregion = us-east-1\n`;
    const merged = mergeCredentials("credentials", before, "aws-profile", aws, fresh, rotation);
    expect(merged.text).toBe(
      `[default]\nregion = eu-west-1\n\n[my-app]\n# the app's uploader\naws_access_key_id = ${fresh.accessKeyId}\naws_secret_access_key = ${fresh.secretAccessKey}\nregion = us-east-1\n`,
    );
  });

  it("csv: the row holding the old key, columns in any order", () => {
    const before = `Access key ID,Secret access key,User name\n${OLD},${OLD_SECRET},alice\n`;
    const merged = mergeCredentials("k.csv", before, "csv", aws, fresh, rotation);
    expect(merged.text).toBe(
      `Access key ID,Secret access key,User name\n${fresh.accessKeyId},${fresh.secretAccessKey},alice\n`,
    );
  });

  it("csv with another key: refused, saying how to proceed", () => {
    const before = `User name,Access key ID,Secret access key\nbob,AKIABOBBOBBOBBOBBOB1,x\n`;
    let err: ConflictError | undefined;
    try {
      mergeCredentials("/app/k.csv", before, "csv", aws, fresh, rotation);
    } catch (e) {
      err = e as ConflictError;
    }
    expect(err?.exitCode).toBe(5);
    expect(err?.message).toBe(
      "/app/k.csv already holds another access key (AKIA************BOB1). A CSV file holds one key and is not merged into.",
    );
    expect(err?.hint).toBe(
      "Write the new key to a file of its own (--out /app/k-new.csv), or pass --force to replace /app/k.csv (what it holds now is lost).",
    );
  });
});
