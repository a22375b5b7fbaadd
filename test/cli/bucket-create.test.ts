import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { runAgainstMoto } from "../support/cli.js";
import { rawS3, uniqueBucket } from "../support/raw-s3.js";

const s3 = rawS3();

async function exists(bucket: string, client = s3): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw err;
  }
}

async function policyOf(bucket: string, client = s3) {
  const out = await client.send(new GetBucketPolicyCommand({ Bucket: bucket }));
  return JSON.parse(out.Policy as string) as {
    Statement: {
      Sid?: string;
      Effect: string;
      Principal: unknown;
      Action: unknown;
      Resource: unknown;
      Condition?: unknown;
    }[];
  };
}

interface Report {
  bucket: string;
  region: string;
  dryRun: boolean;
  existed: boolean;
  created: boolean;
  changed: boolean;
  settings: {
    setting: string;
    status: string;
    value: unknown;
    previous?: unknown;
    call?: { operation: string; input: Record<string, unknown> };
  }[];
  warnings: string[];
}

function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.settings.map((s) => [s.setting, s.status]));
}

describe("bucket create with the safe defaults", () => {
  const bucket = uniqueBucket("create-defaults");

  it("creates the bucket and every default, read back with a plain SDK client", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`Created bucket ${bucket} in us-east-1 with safe defaults.`);
    expect(stdout).toMatch(/public access block\s+set\s+all four settings on/);

    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    expect(ownership.OwnershipControls?.Rules).toEqual([
      { ObjectOwnership: "BucketOwnerEnforced" },
    ]);
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(
      encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
        ?.SSEAlgorithm,
    ).toBe("AES256");

    const policy = await policyOf(bucket);
    const arns = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
    expect(policy.Statement).toEqual([
      {
        Sid: "S3kitDenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: arns,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "S3kitDenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: arns,
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ]);

    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(lifecycle.Rules).toHaveLength(1);
    expect(lifecycle.Rules?.[0]).toMatchObject({
      ID: "s3kit-abort-incomplete-multipart",
      Status: "Enabled",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
    // Nothing that was not asked for.
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBeUndefined();
    await expect(s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).rejects.toThrow(/CORS/);
  });

  it("changes nothing when run again and reports every setting as unchanged", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--json",
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report).toMatchObject({ bucket, existed: true, created: false, changed: false });
    expect(new Set(Object.values(statuses(report)))).toEqual(new Set(["unchanged"]));
    expect(report.settings.map((s) => s.setting)).toEqual([
      "bucket",
      "ownership",
      "publicAccessBlock",
      "encryption",
      "versioning",
      "policy",
      "lifecycle",
      "cors",
      "tags",
      "logging",
    ]);

    const human = await runAgainstMoto(["bucket", "create", "--tls-policy", bucket]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain(`${bucket} already has every setting: nothing changed.`);
    expect(human.stdout).not.toMatch(/\b(set|updated)\b/);
  });

  it("makes only read calls on a re-run (checked with --debug)", async () => {
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--debug",
    ]);
    expect(code).toBe(0);
    const operations = [...stderr.matchAll(/→ S3 (\w+)/g)].map((m) => m[1]);
    expect(operations).toContain("HeadBucket");
    expect(operations.filter((o) => !/^(Head|Get|List)/.test(o as string))).toEqual([]);
  });

  it("updates only the setting whose option changed", async () => {
    const first = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--expire-days",
      "30",
      "--json",
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(JSON.parse(first.stdout))).toMatchObject({
      lifecycle: "updated",
      policy: "unchanged",
    });

    const second = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--expire-days",
      "60",
      "--json",
    ]);
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout) as Report;
    const changed = report.settings.filter((s) => s.status !== "unchanged");
    expect(changed.map((s) => s.setting)).toEqual(["lifecycle"]);
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    const expire = lifecycle.Rules?.find((r) => r.ID === "s3kit-expire");
    expect(expire?.Expiration?.Days).toBe(60);
    expect(lifecycle.Rules?.some((r) => r.ID === "s3kit-abort-incomplete-multipart")).toBe(true);

    // Without --expire-days the rule stays: unrequested settings are left alone.
    const third = await runAgainstMoto(["bucket", "create", "--tls-policy", bucket, "--json"]);
    expect(JSON.parse(third.stdout).changed).toBe(false);
  });

  it("keeps policy statements, lifecycle rules and tags it does not own", async () => {
    const other = uniqueBucket("create-merge");
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    const foreign = {
      Sid: "AllowCiRole",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:role/ci" },
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${other}/*`,
    };
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: other,
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [foreign] }),
      }),
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: other,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: "team-tmp",
              Status: "Enabled",
              Filter: { Prefix: "tmp/" },
              Expiration: { Days: 1 },
            },
          ],
        },
      }),
    );
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: other,
        Tagging: { TagSet: [{ Key: "owner", Value: "team-a" }] },
      }),
    );
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      other,
      "--tag",
      "env=dev",
    ]);
    expect(code, stderr).toBe(0);
    const policy = await policyOf(other);
    expect(policy.Statement.map((s) => s.Sid).sort()).toEqual([
      "AllowCiRole",
      "S3kitDenyInsecureTransport",
      "S3kitDenyOutdatedTls",
    ]);
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: other }));
    expect(lifecycle.Rules?.map((r) => r.ID).sort()).toEqual([
      "s3kit-abort-incomplete-multipart",
      "team-tmp",
    ]);
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: other }));
    expect(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      owner: "team-a",
      env: "dev",
    });
    const again = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      other,
      "--tag",
      "env=dev",
      "--json",
    ]);
    expect(JSON.parse(again.stdout).changed).toBe(false);
  });
});

describe("bucket create options", () => {
  it("sets CORS for a frontend from --cors-origin", async () => {
    const bucket = uniqueBucket("create-cors");
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--cors-origin",
      "https://app.example.com",
      "http://localhost:3000",
    ]);
    expect(code, stderr).toBe(0);
    const cors = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(cors.CORSRules).toEqual([
      {
        AllowedOrigins: ["https://app.example.com", "http://localhost:3000"],
        AllowedMethods: ["GET", "PUT", "POST", "HEAD"],
        AllowedHeaders: ["*"],
        ExposeHeaders: ["ETag"],
        MaxAgeSeconds: 3600,
      },
    ]);
  });

  it("sets CORS from --cors-methods and from --cors-file", async () => {
    const bucket = uniqueBucket("create-corsm");
    const methods = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--cors-origin",
      "https://app.example.com",
      "--cors-methods",
      "GET,HEAD",
    ]);
    expect(methods.code, methods.stderr).toBe(0);
    let cors = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(cors.CORSRules?.[0]?.AllowedMethods).toEqual(["GET", "HEAD"]);

    const file = join(mkdtempSync(join(tmpdir(), "s3kit-cors-")), "cors.json");
    writeFileSync(
      file,
      JSON.stringify({
        CORSRules: [
          {
            AllowedOrigins: ["https://admin.example.com"],
            AllowedMethods: ["GET", "DELETE"],
            MaxAgeSeconds: 60,
          },
        ],
      }),
    );
    const fromFile = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--cors-file",
      file,
      "--json",
    ]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const changed = (JSON.parse(fromFile.stdout) as Report).settings.filter(
      (s) => s.status !== "unchanged",
    );
    expect(changed.map((s) => s.setting)).toEqual(["cors"]);
    cors = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(cors.CORSRules).toEqual([
      {
        AllowedOrigins: ["https://admin.example.com"],
        AllowedMethods: ["GET", "DELETE"],
        MaxAgeSeconds: 60,
      },
    ]);
  });

  it("enables versioning, noncurrent expiry, transitions, expiry by prefix and tags", async () => {
    const bucket = uniqueBucket("create-opts");
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--versioning",
      "--noncurrent-expire-days",
      "30",
      "--transition",
      "STANDARD_IA:30",
      "GLACIER:90",
      "--expire-days",
      "7",
      "--expire-prefix",
      "tmp/",
      "--tag",
      "team=payments",
      "--tag",
      "env=prod",
    ]);
    expect(code, stderr).toBe(0);
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBe("Enabled");
    const { Rules = [] } = await s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }),
    );
    const byId = Object.fromEntries(Rules.map((r) => [r.ID, r]));
    expect(byId["s3kit-noncurrent-expire"]?.NoncurrentVersionExpiration?.NoncurrentDays).toBe(30);
    expect(byId["s3kit-transition"]?.Transitions).toEqual([
      { Days: 30, StorageClass: "STANDARD_IA" },
      { Days: 90, StorageClass: "GLACIER" },
    ]);
    expect(byId["s3kit-expire"]).toMatchObject({
      Filter: { Prefix: "tmp/" },
      Expiration: { Days: 7 },
    });
    expect(byId["s3kit-abort-incomplete-multipart"]).toBeDefined();
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    expect(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      team: "payments",
      env: "prod",
    });
  });

  it("uses SSE-KMS with a bucket key for --kms-key", async () => {
    const bucket = uniqueBucket("create-kms");
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--kms-key",
      key,
    ]);
    expect(code, stderr).toBe(0);
    const out = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(out.ServerSideEncryptionConfiguration?.Rules?.[0]).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: key },
      BucketKeyEnabled: true,
    });
    // Without --kms-key, the stronger encryption is kept, not downgraded to SSE-S3.
    const again = await runAgainstMoto(["bucket", "create", "--tls-policy", bucket, "--json"]);
    expect(statuses(JSON.parse(again.stdout)).encryption).toBe("unchanged");
  });

  it("makes a prefix public with --public-read --yes, and private again without it", async () => {
    const bucket = uniqueBucket("create-public");
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--public-read",
      "--public-prefix",
      "images/",
      "--yes",
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`every object under s3://${bucket}/images/ becomes public`);
    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
    const policy = await policyOf(bucket);
    expect(policy.Statement).toContainEqual({
      Sid: "S3kitPublicRead",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${bucket}/images/*`,
    });

    const privateAgain = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--json",
    ]);
    expect(privateAgain.code).toBe(0);
    expect(statuses(JSON.parse(privateAgain.stdout))).toMatchObject({
      publicAccessBlock: "updated",
      policy: "updated",
    });
    expect((await policyOf(bucket)).Statement.map((s) => s.Sid)).not.toContain("S3kitPublicRead");
  });

  it("creates the bucket in --region with a LocationConstraint, and none in us-east-1", async () => {
    const bucket = uniqueBucket("create-region");
    const eu = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--region",
      "eu-west-1",
      "--debug",
    ]);
    expect(eu.code, eu.stderr).toBe(0);
    expect(eu.stderr).toContain('"CreateBucketConfiguration":{"LocationConstraint":"eu-west-1"}');
    const location = await rawS3({ region: "eu-west-1" }).send(
      new GetBucketLocationCommand({ Bucket: bucket }),
    );
    expect(location.LocationConstraint).toBe("eu-west-1");

    const east = uniqueBucket("create-east");
    const us = await runAgainstMoto(["bucket", "create", "--tls-policy", east, "--debug"]);
    expect(us.code, us.stderr).toBe(0);
    expect(us.stderr).toMatch(new RegExp(`→ S3 CreateBucket \\{"Bucket":"${east}"\\}`));
  });

  it("converges a bucket of ours in another region only with that --region", async () => {
    const bucket = uniqueBucket("create-other-region");
    await rawS3({ region: "eu-central-1" }).send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: "eu-central-1" },
      }),
    );
    const wrong = await runAgainstMoto(["bucket", "create", "--tls-policy", bucket]);
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toContain(
      `Bucket ${bucket} is in eu-central-1, but s3kit is using us-east-1.`,
    );
    expect(wrong.stderr).toContain("--region eu-central-1");
    const right = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--region",
      "eu-central-1",
      "--json",
    ]);
    expect(right.code, right.stderr).toBe(0);
    expect(JSON.parse(right.stdout)).toMatchObject({
      existed: true,
      created: false,
      region: "eu-central-1",
    });
  });

  it("exits 5 with a hint when another account owns the name", async () => {
    const bucket = uniqueBucket("create-taken");
    await rawS3({ account: "111122223333" }).send(new CreateBucketCommand({ Bucket: bucket }));
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
    ]);
    expect(code).toBe(5);
    expect(stdout).toBe("");
    expect(stderr).toContain(`The bucket name "${bucket}" is taken by another AWS account`);
    expect(stderr).toContain("--generate-name");
  });

  it("writes access logs into a log bucket that allows the logging service", async () => {
    const logs = uniqueBucket("create-logs");
    const bucket = uniqueBucket("create-logged");
    await s3.send(new CreateBucketCommand({ Bucket: logs }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: logs,
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "logging.s3.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: `arn:aws:s3:::${logs}/*`,
            },
          ],
        }),
      }),
    );
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--access-log-bucket",
      logs,
      "--access-log-prefix",
      "s3/",
    ]);
    expect(code, stderr).toBe(0);
    const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: bucket }));
    expect(logging.LoggingEnabled).toMatchObject({ TargetBucket: logs, TargetPrefix: "s3/" });
  });
});

describe("bucket create --dry-run", () => {
  it("prints every API call with its parameters and creates nothing", async () => {
    const bucket = uniqueBucket("create-dry");
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--cors-origin",
      "https://app.example.com",
      "--dry-run",
      "--debug",
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Plan for ${bucket} in us-east-1 (the bucket does not exist yet)`);
    for (const operation of [
      "CreateBucket",
      "PutBucketOwnershipControls",
      "PutPublicAccessBlock",
      "PutBucketEncryption",
      "PutBucketPolicy",
      "PutBucketLifecycleConfiguration",
      "PutBucketCors",
    ]) {
      expect(stdout).toMatch(new RegExp(`^ {4}${operation} \\{"Bucket":"${bucket}"`, "m"));
    }
    expect(stdout).toContain('"aws:SecureTransport":"false"');
    expect(stderr).toContain("Dry run: 7 API calls planned; nothing was changed.");
    // Read calls only: HeadBucket, then one Get per planned setting, which tells whether
    // the endpoint implements it (on moto: NoSuchBucket, so each is checked when applied).
    const operations = [...stderr.matchAll(/→ S3 (\w+)/g)].map((m) => m[1] as string);
    expect(operations[0]).toBe("HeadBucket");
    expect(operations.slice(1).sort()).toEqual(
      [
        "GetBucketOwnershipControls",
        "GetPublicAccessBlock",
        "GetBucketEncryption",
        "GetBucketPolicy",
        "GetBucketLifecycleConfiguration",
        "GetBucketCors",
      ].sort(),
    );
    expect(await exists(bucket)).toBe(false);
  });

  it("shows the difference from an existing bucket as JSON", async () => {
    const bucket = uniqueBucket("create-drydiff");
    expect((await runAgainstMoto(["bucket", "create", "--tls-policy", bucket])).code).toBe(0);
    const { code, stdout } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--versioning",
      "--dry-run",
      "--json",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report).toMatchObject({ dryRun: true, existed: true, changed: true });
    const planned = report.settings.filter((s) => s.status !== "unchanged");
    expect(planned).toEqual([
      {
        setting: "versioning",
        status: "create",
        value: "Enabled",
        call: {
          operation: "PutBucketVersioning",
          input: { Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } },
        },
      },
    ]);
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBeUndefined();

    const human = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--kms-key",
      "alias/app",
      "--dry-run",
    ]);
    expect(human.stdout).toContain("~ default encryption:");
    expect(human.stdout).toContain("- SSE-S3 (AES256)");
    expect(human.stdout).toContain("+ SSE-KMS with alias/app, bucket key on");
    expect(human.stdout).toContain("= public access block: all four settings on (unchanged)");
  });
});

describe("bucket create --generate-name", () => {
  it("makes ENV-PROJECT-<6 random characters> and creates it", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      "--generate-name",
      "--env",
      "dev",
      "--project",
      "genshop",
      "--json",
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.bucket).toMatch(/^dev-genshop-[a-z0-9]{6}$/);
    expect(report.created).toBe(true);
    expect(await exists(report.bucket)).toBe(true);

    const second = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      "--generate-name",
      "--env",
      "dev",
      "--project",
      "genshop",
      "--dry-run",
      "--json",
    ]);
    expect(JSON.parse(second.stdout).bucket).not.toBe(report.bucket);
  });
});

describe("bucket create rolls back a bucket it created when a later step fails", () => {
  // In eu-west-1 a second CreateBucket proves the creation (us-east-1: see bucket-create-rollback).
  it("deletes the new bucket again and names the failed step", async () => {
    const bucket = uniqueBucket("create-rollback");
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--region",
      "eu-west-1",
      "--access-log-bucket",
      "no-such-log-bucket-s3kit",
      "--json",
    ]);
    expect(code).toBe(3);
    const error = JSON.parse(stderr.trim().split("\n").at(-1) as string).error;
    expect(error.message).toContain("Setting the access logging (PutBucketLogging) failed");
    expect(error.message).toContain(
      `The bucket ${bucket} that this run created was deleted again.`,
    );
    expect(error.hint).toContain("s3kit bucket create no-such-log-bucket-s3kit");
    const report = JSON.parse(stdout) as Report;
    expect(report.created).toBe(false);
    expect(statuses(report)).toMatchObject({ bucket: "rolled-back", logging: "failed" });
    expect(await exists(bucket, rawS3({ region: "eu-west-1" }))).toBe(false);
  });

  it("deletes nothing on an existing bucket and lists what was and was not applied", async () => {
    const bucket = uniqueBucket("create-partial");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--access-log-bucket",
      "no-such-log-bucket-s3kit",
    ]);
    expect(code).toBe(3);
    expect(stderr).toContain(
      `Setting the access logging (PutBucketLogging) of the existing bucket ${bucket} failed`,
    );
    expect(stderr).toContain(
      "Applied: object ownership, public access block, default encryption, bucket policy, lifecycle rules; not applied: access logging.",
    );
    expect(stdout).toMatch(/access logging\s+FAILED/);
    expect(await exists(bucket)).toBe(true);
    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration?.BlockPublicAcls).toBe(true);
  });
});

describe("bucket create on a plain-HTTP endpoint", () => {
  it("leaves the TLS-only policy out by default and says why, so objects can still be written", async () => {
    const bucket = uniqueBucket("plainhttp");
    const { code, stderr } = await runAgainstMoto(["bucket", "create", bucket]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      "warning: not supported by this endpoint: TLS-only bucket policy (deny plain HTTP): requests and credentials travel unencrypted",
    );
    expect(stderr).toContain("uses plain HTTP, where a TLS-only policy would deny every request");
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: "NoSuchBucketPolicy",
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "a" }));

    const applied = await runAgainstMoto(["bucket", "create", "--tls-policy", bucket, "--json"]);
    expect(applied.code).toBe(0);
    const policy = JSON.parse(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "{}",
    );
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toContain(
      "S3kitDenyInsecureTransport",
    );

    const removed = await runAgainstMoto(["bucket", "create", "--no-tls-policy", bucket]);
    expect(removed.code).toBe(0);
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: "NoSuchBucketPolicy",
    });
  });
});
