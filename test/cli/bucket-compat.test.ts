// `bucket create`, `info`, `audit` and `init` on the S3-compatible servers teams run: MinIO
// and versitygw lack some settings, and say so in their own ways (NotImplemented, 501,
// MalformedXML, a policy condition key they do not know). s3kit applies the rest, names
// each gap with what it means for safety, and exits 0; --strict makes a gap exit 5.
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { type CliResult, runAgainstMinio, runAgainstVersitygw } from "../support/cli.js";
import { rawS3On, uniqueBucket } from "../support/raw-s3.js";

interface Gap {
  setting: string;
  part?: string;
  label: string;
  safeDefault: boolean;
  meaning: string;
  evidence: string;
}

const gapNames = (stdout: string) =>
  (JSON.parse(stdout).notSupported as Gap[]).map((g) => g.part ?? g.setting).sort();

async function exists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw err;
  }
}

function expectNamed(result: CliResult, labels: string[]): void {
  for (const label of labels)
    expect(result.stderr).toContain(`warning: not supported by this endpoint: ${label}:`);
}

describe("bucket create on MinIO", () => {
  const s3 = rawS3On("minio");

  it("applies what MinIO supports, names each gap, and exits 0", async () => {
    const bucket = uniqueBucket("minio-create");
    const result = await runAgainstMinio([
      "bucket",
      "create",
      bucket,
      "--cors-origin",
      "http://localhost:3000",
      "--versioning",
      "--expire-days",
      "30",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(gapNames(result.stdout)).toEqual(
      [
        "abort-incomplete-multipart",
        "cors",
        "encryption",
        "ownership",
        "publicAccessBlock",
        "tls-only",
      ].sort(),
    );
    expectNamed(result, [
      "object ownership (ACLs off)",
      "public access block",
      "default encryption",
      "lifecycle rule that aborts incomplete multipart uploads",
      "CORS",
      "TLS-only bucket policy (deny plain HTTP)",
    ]);
    const gaps = JSON.parse(result.stdout).notSupported as Gap[];
    const pab = gaps.find((g) => g.setting === "publicAccessBlock");
    expect(pab?.meaning).toContain("stays private only as long as no bucket policy grants");
    expect(pab?.evidence).toMatch(/^PutPublicAccessBlock answered MalformedXML \(HTTP 400\)/);
    expect(gaps.find((g) => g.setting === "encryption")?.evidence).toContain(
      "KMS is not configured",
    );
    const report = JSON.parse(result.stdout);
    expect(report.created).toBe(true);

    // What MinIO supports is really there.
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe(
      "Enabled",
    );
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(lifecycle.Rules?.map((r) => [r.ID, r.Expiration?.Days])).toEqual([["s3kit-expire", 30]]);
  });

  it("says the same again on a re-run and changes nothing", async () => {
    const bucket = uniqueBucket("minio-rerun");
    const first = await runAgainstMinio(["bucket", "create", bucket, "--expire-days", "7"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      `Created bucket ${bucket} in us-east-1 with the safe defaults this endpoint supports.`,
    );
    const again = await runAgainstMinio([
      "bucket",
      "create",
      bucket,
      "--expire-days",
      "7",
      "--json",
    ]);
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.changed).toBe(false);
    expect(gapNames(again.stdout)).toEqual(
      [
        "abort-incomplete-multipart",
        "encryption",
        "ownership",
        "publicAccessBlock",
        "tls-only",
      ].sort(),
    );
    // Settings MinIO does not implement were learned from the reads: their status says so.
    const status = Object.fromEntries(
      (report.settings as { setting: string; status: string }[]).map((s) => [s.setting, s.status]),
    );
    expect(status).toMatchObject({
      ownership: "unsupported",
      publicAccessBlock: "unsupported",
      lifecycle: "unchanged",
    });
  });

  it("--dry-run names the gaps MinIO reveals to read-only calls and creates nothing", async () => {
    const bucket = uniqueBucket("minio-dry");
    const result = await runAgainstMinio(["bucket", "create", bucket, "--dry-run", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(gapNames(result.stdout)).toEqual(["ownership", "publicAccessBlock", "tls-only"]);
    const human = await runAgainstMinio(["bucket", "create", bucket, "--dry-run"]);
    expect(human.stdout).toContain("! public access block: not supported by this endpoint");
    expect(human.stderr).toContain("shows when they are applied");
    expect(await exists(s3, bucket)).toBe(false);
  });

  it("--strict exits 5 before creating anything when the gaps are known up front", async () => {
    const bucket = uniqueBucket("minio-strict");
    const result = await runAgainstMinio([
      "bucket",
      "create",
      bucket,
      "--strict",
      "--no-tls-policy",
    ]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("The endpoint does not support: object ownership (ACLs off)");
    expect(result.stderr).toContain("--strict makes that an error; nothing was changed.");
    expect(await exists(s3, bucket)).toBe(false);
  });

  it("bucket info and audit say what MinIO lacks, apart from the findings", async () => {
    const bucket = uniqueBucket("minio-info");
    expect((await runAgainstMinio(["bucket", "create", bucket])).code).toBe(0);
    const info = await runAgainstMinio(["bucket", "info", bucket, "--json"]);
    expect(info.code, info.stderr).toBe(0);
    const state = JSON.parse(info.stdout);
    expect(Object.keys(state.unsupported).sort()).toEqual(["ownership", "publicAccessBlock"]);
    expect(state.unreadable).toEqual({});
    const human = await runAgainstMinio(["bucket", "info", bucket]);
    expect(human.stdout).toMatch(/public access block:\s+not supported by this endpoint: nothing/);

    const audit = await runAgainstMinio(["bucket", "audit", bucket, "--fail-on", "high", "--json"]);
    expect(audit.code, audit.stderr).toBe(0);
    const report = JSON.parse(audit.stdout);
    expect((report.notSupported as Gap[]).map((g) => g.part ?? g.setting).sort()).toEqual(
      ["ownership", "publicAccessBlock", "tls-only"].sort(),
    );
    expect(report.findings.map((f: { id: string }) => f.id)).not.toContain(
      "public-access-block-off",
    );
  });

  it("init sets the bucket up and names the same gaps", async () => {
    const bucket = uniqueBucket("minio-init");
    const result = await runAgainstMinio([
      "init",
      "--yes",
      "--bucket",
      bucket,
      "--cors-origin",
      "http://localhost:3000",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      "warning: not supported by this endpoint: public access block:",
    );
    expect(result.stderr).toMatch(
      /created with safe defaults; not supported by this endpoint: .*CORS/,
    );
    expect(await exists(s3, bucket)).toBe(true);

    const strict = await runAgainstMinio(["init", "--yes", "--strict", "--bucket", `${bucket}-s`]);
    expect(strict.code).toBe(5);
    expect(await exists(s3, `${bucket}-s`)).toBe(false);
  });
});

describe("bucket list, delete and cors on MinIO", () => {
  const s3 = rawS3On("minio");

  it("lists the bucket and deletes it with --force: versions, delete markers, open uploads", async () => {
    const bucket = uniqueBucket("minio-delete");
    expect((await runAgainstMinio(["bucket", "create", bucket, "--versioning"])).code).toBe(0);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "1" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "2" }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "a.txt" }));
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "big.bin" }));

    const list = await runAgainstMinio(["bucket", "list", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout).buckets as { name: string }[]).map((b) => b.name);
    expect(names).toContain(bucket);

    const refused = await runAgainstMinio(["bucket", "delete", bucket, "--yes"]);
    expect(refused.code).toBe(5);
    const forced = await runAgainstMinio(["bucket", "delete", bucket, "--force", "--yes"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await exists(s3, bucket)).toBe(false);
  });

  it("bucket cors set says that MinIO has no per-bucket CORS (exit 5), and get reads none", async () => {
    const bucket = uniqueBucket("minio-cors");
    expect((await runAgainstMinio(["bucket", "create", bucket])).code).toBe(0);
    const set = await runAgainstMinio([
      "bucket",
      "cors",
      "set",
      bucket,
      "--origin",
      "http://localhost:3000",
    ]);
    expect(set.code).toBe(5);
    expect(set.stderr).toContain(
      "CORS is not supported by this endpoint (PutBucketCors answered NotImplemented (HTTP 501)",
    );
    const get = await runAgainstMinio(["bucket", "cors", "get", bucket]);
    expect(get.code).toBe(0);
    expect(get.stdout).toContain("has no CORS configuration");
  });
});

describe("bucket create on versitygw", () => {
  const s3 = rawS3On("versitygw");

  it("applies what versitygw supports, names each gap, and exits 0", async () => {
    const bucket = uniqueBucket("vgw-create");
    const result = await runAgainstVersitygw([
      "bucket",
      "create",
      bucket,
      "--cors-origin",
      "http://localhost:3000",
      "--versioning",
      "--expire-days",
      "30",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(gapNames(result.stdout)).toEqual(
      [
        "abort-incomplete-multipart",
        "encryption",
        "expire",
        "publicAccessBlock",
        "tls-only",
        "versioning",
      ].sort(),
    );
    expectNamed(result, [
      "public access block",
      "default encryption",
      "versioning",
      "lifecycle rule that expires objects",
    ]);
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    expect(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe("BucketOwnerEnforced");
    const cors = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(cors.CORSRules?.[0]?.AllowedOrigins).toEqual(["http://localhost:3000"]);
  });

  it("--tls-policy keeps the statement versitygw accepts and names the one it refuses", async () => {
    const bucket = uniqueBucket("vgw-tls");
    const result = await runAgainstVersitygw([
      "bucket",
      "create",
      bucket,
      "--tls-policy",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(gapNames(result.stdout)).toContain("tls-1.2");
    expect(gapNames(result.stdout)).not.toContain("tls-only");
    const gap = (JSON.parse(result.stdout).notSupported as Gap[]).find((g) => g.part === "tls-1.2");
    expect(gap?.evidence).toContain("PutBucketPolicy answered MalformedPolicy");
    const policy = JSON.parse(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy as string,
    );
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
    ]);
  });

  it("--strict exits 5 and deletes the bucket it created again", async () => {
    const bucket = uniqueBucket("vgw-strict");
    const result = await runAgainstVersitygw([
      "bucket",
      "create",
      bucket,
      "--strict",
      "--no-tls-policy",
    ]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(
      "Setting the public access block (PutPublicAccessBlock) failed: The endpoint does not support it",
    );
    expect(result.stderr).toContain(
      `The bucket ${bucket} that this run created was deleted again.`,
    );
    expect(await exists(s3, bucket)).toBe(false);
  });
});
