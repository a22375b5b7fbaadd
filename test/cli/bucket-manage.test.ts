import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  PutBucketCorsCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { motoEnv, runAgainstMoto } from "../support/cli.js";
import { rawS3, uniqueBucket } from "../support/raw-s3.js";

const s3 = rawS3();

async function exists(bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw err;
  }
}

/** The AWS CLI as a second independent client (path style for the local endpoint). */
function awsCli(args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-awscli-"));
  writeFileSync(join(dir, "config"), "[default]\ns3 =\n    addressing_style = path\n");
  return execFileSync("aws", ["--endpoint-url", motoEnv().AWS_ENDPOINT_URL as string, ...args], {
    env: { ...process.env, ...motoEnv(), AWS_CONFIG_FILE: join(dir, "config") },
    encoding: "utf8",
  });
}

describe("bucket info", () => {
  it("shows every setting of an s3kit bucket, read the same as the AWS CLI reads it", async () => {
    const bucket = uniqueBucket("info-safe");
    const created = await runAgainstMoto([
      "bucket",
      "create",
      "--tls-policy",
      bucket,
      "--cors-origin",
      "https://app.example.com",
      "--tag",
      "env=dev",
      "--versioning",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { code, stdout, stderr } = await runAgainstMoto(["bucket", "info", bucket, "--json"]);
    expect(code, stderr).toBe(0);
    const info = JSON.parse(stdout);
    expect(info).toMatchObject({
      bucket,
      region: "us-east-1",
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
      ownership: "BucketOwnerEnforced",
      encryption: { algorithm: "AES256", kmsKeyId: null, bucketKeyEnabled: false },
      versioning: "Enabled",
      cors: [{ AllowedOrigins: ["https://app.example.com"] }],
      tags: { env: "dev" },
      logging: null,
      unreadable: {},
    });
    const cli = JSON.parse(awsCli(["s3api", "get-bucket-policy", "--bucket", bucket]));
    expect(info.policy).toEqual(JSON.parse(cli.Policy));
    const lifecycle = JSON.parse(
      awsCli(["s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket]),
    );
    expect(info.lifecycle.map((r: { ID: string }) => r.ID)).toEqual(
      lifecycle.Rules.map((r: { ID: string }) => r.ID),
    );

    const human = await runAgainstMoto(["bucket", "info", bucket]);
    expect(human.stdout).toMatch(/region:\s+us-east-1/);
    expect(human.stdout).toMatch(/default encryption:\s+SSE-S3 \(AES256\)/);
    expect(human.stdout).toMatch(/public access block:\s+all four settings on/);
    expect(human.stdout).toMatch(/object ownership:\s+BucketOwnerEnforced \(ACLs disabled\)/);
    expect(human.stdout).toMatch(/versioning:\s+enabled/);
    expect(human.stdout).toMatch(/CORS:\s+https:\/\/app\.example\.com: GET, PUT, POST, HEAD/);
    expect(human.stdout).toMatch(
      /lifecycle rules:\s+abort incomplete multipart uploads after 7 days/,
    );
    expect(human.stdout).toMatch(/bucket policy:\s+deny requests without TLS/);
    expect(human.stdout).toMatch(/tags:\s+env=dev/);
  });

  it("shows absent settings as absent, not as errors", async () => {
    const bucket = uniqueBucket("info-bare");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { code, stdout, stderr } = await runAgainstMoto(["bucket", "info", bucket, "--json"]);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toEqual({
      bucket,
      region: "us-east-1",
      publicAccessBlock: null,
      ownership: null,
      encryption: null,
      versioning: null,
      policy: null,
      lifecycle: null,
      cors: null,
      tags: null,
      logging: null,
      unreadable: {},
      unsupported: {},
    });
    const human = await runAgainstMoto(["bucket", "info", bucket]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/public access block:\s+absent/);
    expect(human.stdout).toMatch(/bucket policy:\s+absent/);
    expect(human.stdout).toMatch(/versioning:\s+off \(never enabled\)/);
    expect(human.stderr).toBe("");
  });

  it("exits 3 for a bucket that does not exist", async () => {
    const { code, stderr } = await runAgainstMoto(["bucket", "info", "no-such-bucket-s3kit-info"]);
    expect(code).toBe(3);
    expect(stderr).toContain("Bucket no-such-bucket-s3kit-info does not exist.");
  });
});

describe("bucket audit", () => {
  it("finds what is unsafe about a deliberately unsafe bucket", async () => {
    const bucket = uniqueBucket("audit-unsafe");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: bucket,
        OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] },
      }),
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: "*",
              Action: ["s3:GetObject", "s3:PutObject"],
              Resource: `arn:aws:s3:::${bucket}/*`,
            },
          ],
        }),
      }),
    );
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET", "PUT"] }],
        },
      }),
    );
    const { code, stdout } = await runAgainstMoto(["bucket", "audit", bucket, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const ids = report.findings.map((f: { id: string }) => f.id);
    // moto is reached over plain HTTP, where no request carries TLS: the TLS-only checks
    // are "not supported by this endpoint", not findings (the unit tests cover them).
    expect(ids).toEqual([
      "public-access-block-off",
      "policy-allows-everyone",
      "no-default-encryption",
      "acls-enabled",
      "cors-any-origin-write",
      "no-abort-incomplete-multipart",
      "versioning-off",
    ]);
    expect(report.notSupported.map((g: { part: string }) => g.part)).toEqual(["tls-only"]);
    for (const f of report.findings) {
      expect(["high", "medium", "low"]).toContain(f.severity);
      expect(f.fix.length).toBeGreaterThan(10);
    }
    expect(report.counts).toEqual({ high: 2, medium: 3, low: 2 });

    const failing = await runAgainstMoto(["bucket", "audit", bucket, "--fail-on", "high"]);
    expect(failing.code).toBe(6);
    expect(failing.stdout).toMatch(/^HIGH\s+public-access-block-off: Block Public Access is off$/m);
    expect(failing.stdout).toContain("fix: ");
    expect(failing.stderr).toContain(
      "2 findings at or above high: public-access-block-off, policy-allows-everyone.",
    );
  });

  it("flags a partial public access block as medium", async () => {
    const bucket = uniqueBucket("audit-partial");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: true,
        },
      }),
    );
    const { stdout } = await runAgainstMoto(["bucket", "audit", bucket, "--json"]);
    const finding = JSON.parse(stdout).findings.find(
      (f: { id: string }) => f.id === "public-access-block-partial",
    );
    expect(finding).toMatchObject({ severity: "medium" });
    expect(finding.detail).toContain("off: BlockPublicPolicy");
    const medium = await runAgainstMoto(["bucket", "audit", bucket, "--fail-on", "medium"]);
    expect(medium.code).toBe(6);
    const high = await runAgainstMoto(["bucket", "audit", bucket, "--fail-on", "high"]);
    expect(high.code).toBe(0);
  });

  it("finds only 'versioning off' (low) on a bucket s3kit created, and nothing with --versioning", async () => {
    const bucket = uniqueBucket("audit-safe");
    expect((await runAgainstMoto(["bucket", "create", "--tls-policy", bucket])).code).toBe(0);
    const { code, stdout } = await runAgainstMoto([
      "bucket",
      "audit",
      bucket,
      "--json",
      "--fail-on",
      "medium",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.findings.map((f: { id: string }) => f.id)).toEqual(["versioning-off"]);
    expect(report).toMatchObject({ failOn: "medium", failed: false });
    expect((await runAgainstMoto(["bucket", "audit", bucket, "--fail-on", "low"])).code).toBe(6);

    expect(
      (await runAgainstMoto(["bucket", "create", "--tls-policy", bucket, "--versioning"])).code,
    ).toBe(0);
    const clean = await runAgainstMoto(["bucket", "audit", bucket, "--fail-on", "low"]);
    expect(clean.code).toBe(0);
    expect(clean.stdout.trim()).toBe(`${bucket}: no findings.`);
  });
});

describe("bucket list", () => {
  it("lists buckets with region and creation date", async () => {
    const east = uniqueBucket("list-east");
    const west = uniqueBucket("list-west");
    await s3.send(new CreateBucketCommand({ Bucket: east }));
    await rawS3({ region: "eu-west-1" }).send(
      new CreateBucketCommand({
        Bucket: west,
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    const { code, stdout } = await runAgainstMoto(["bucket", "list", "--json"]);
    expect(code).toBe(0);
    const buckets = JSON.parse(stdout).buckets as {
      name: string;
      region: string;
      creationDate: string;
    }[];
    expect(buckets.find((b) => b.name === east)).toMatchObject({ region: "us-east-1" });
    expect(buckets.find((b) => b.name === west)).toMatchObject({ region: "eu-west-1" });
    const date = buckets.find((b) => b.name === east)?.creationDate as string;
    expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(10 * 60_000);

    const human = await runAgainstMoto(["bucket", "list"]);
    expect(human.stdout.split("\n")[0]).toMatch(/^NAME\s+REGION\s+CREATED$/);
    expect(human.stdout).toMatch(new RegExp(`^${west}\\s+eu-west-1\\s+\\d{4}-\\d\\d-\\d\\dT`, "m"));
  });
});

/** A versioned bucket with several versions, a delete marker and an open multipart upload. */
async function busyBucket(prefix: string): Promise<string> {
  const bucket = uniqueBucket(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: "Enabled" },
    }),
  );
  for (let i = 0; i < 3; i++) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "report.csv", Body: `v${i}` }));
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "keep/me.txt", Body: "x" }));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "report.csv" }));
  await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "big.bin" }));
  return bucket;
}

describe("bucket delete", () => {
  it("refuses a non-empty bucket without --force (exit 5) and leaves it as it was", async () => {
    const bucket = await busyBucket("delete-busy");
    const { code, stderr } = await runAgainstMoto(["bucket", "delete", bucket, "--yes"]);
    expect(code).toBe(5);
    expect(stderr).toContain(
      `Bucket ${bucket} is not empty: it has object versions and open multipart uploads.`,
    );
    expect(stderr).toContain(`s3kit bucket delete ${bucket} --force`);
    expect(await exists(bucket)).toBe(true);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads).toHaveLength(1);
  });

  it("asks first: without a terminal and without --yes it is exit 2 and nothing is deleted", async () => {
    const bucket = await busyBucket("delete-ask");
    const { code, stderr } = await runAgainstMoto(["bucket", "delete", bucket, "--force"]);
    expect(code).toBe(2);
    expect(stderr).toContain(`Delete bucket ${bucket} and everything in it`);
    expect(stderr).toContain("Pass --yes");
    expect(await exists(bucket)).toBe(true);
  });

  it("--force deletes every version, delete marker and open upload, then the bucket", async () => {
    const bucket = await busyBucket("delete-force");
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "delete",
      bucket,
      "--force",
      "--yes",
      "--json",
    ]);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      bucket,
      deleted: true,
      objectsDeleted: 4,
      deleteMarkersDeleted: 1,
      uploadsAborted: 1,
    });
    expect(await exists(bucket)).toBe(false);
  });

  it("deletes an empty bucket with --yes", async () => {
    const bucket = uniqueBucket("delete-empty");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { code, stdout } = await runAgainstMoto(["bucket", "delete", bucket, "--yes"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Deleted the empty bucket ${bucket}.`);
    expect(await exists(bucket)).toBe(false);
  });

  it("deletes more than one batch of objects in an unversioned bucket", async () => {
    const bucket = uniqueBucket("delete-many");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const keys = Array.from({ length: 1100 }, (_, i) => `k/${String(i).padStart(5, "0")}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(
        keys
          .slice(i, i + 100)
          .map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x" }))),
      );
    }
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "part.bin" }));
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "delete",
      bucket,
      "--force",
      "--yes",
      "--json",
      "--debug",
    ]);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ objectsDeleted: 1100, uploadsAborted: 1 });
    expect([...stderr.matchAll(/→ S3 DeleteObjects/g)]).toHaveLength(2);
    expect(await exists(bucket)).toBe(false);
  });

  it("exits 3 for a bucket that does not exist", async () => {
    const { code, stderr } = await runAgainstMoto([
      "bucket",
      "delete",
      "no-such-bucket-s3kit-del",
      "--yes",
    ]);
    expect(code).toBe(3);
    expect(stderr).toContain("does not exist");
  });
});

describe("bucket cors", () => {
  it("round-trips: set, get, set again (unchanged), set from a file, delete", async () => {
    const bucket = uniqueBucket("cors-trip");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));

    const empty = await runAgainstMoto(["bucket", "cors", "get", bucket, "--json"]);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({ bucket, cors: null });

    const set = await runAgainstMoto([
      "bucket",
      "cors",
      "set",
      bucket,
      "--origin",
      "https://app.example.com",
      "http://localhost:5173",
      "--methods",
      "GET,PUT",
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toContain(`Set the CORS configuration of ${bucket}.`);
    const raw = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(raw.CORSRules).toEqual([
      {
        AllowedOrigins: ["https://app.example.com", "http://localhost:5173"],
        AllowedMethods: ["GET", "PUT"],
        AllowedHeaders: ["*"],
        ExposeHeaders: ["ETag"],
        MaxAgeSeconds: 3600,
      },
    ]);

    const got = await runAgainstMoto(["bucket", "cors", "get", bucket, "--json"]);
    expect(JSON.parse(got.stdout).cors).toEqual(raw.CORSRules);
    const human = await runAgainstMoto(["bucket", "cors", "get", bucket]);
    expect(human.stdout.trim()).toBe(
      "https://app.example.com, http://localhost:5173: GET, PUT; headers *; expose ETag; max-age 3600s",
    );

    const again = await runAgainstMoto([
      "bucket",
      "cors",
      "set",
      bucket,
      "--origin",
      "https://app.example.com",
      "http://localhost:5173",
      "--methods",
      "GET,PUT",
      "--json",
    ]);
    expect(JSON.parse(again.stdout).changed).toBe(false);

    const file = join(mkdtempSync(join(tmpdir(), "s3kit-cors-")), "cors.json");
    writeFileSync(
      file,
      JSON.stringify({
        CORSRules: [
          { ID: "admin", AllowedOrigins: ["https://admin.example.com"], AllowedMethods: ["GET"] },
        ],
      }),
    );
    const fromFile = await runAgainstMoto(["bucket", "cors", "set", bucket, "--file", file]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const cli = JSON.parse(awsCli(["s3api", "get-bucket-cors", "--bucket", bucket]));
    expect(cli.CORSRules).toEqual([
      { ID: "admin", AllowedOrigins: ["https://admin.example.com"], AllowedMethods: ["GET"] },
    ]);

    const removed = await runAgainstMoto(["bucket", "cors", "delete", bucket]);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain(`Removed the CORS configuration of ${bucket}.`);
    await expect(s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).rejects.toThrow();
    const removedAgain = await runAgainstMoto(["bucket", "cors", "delete", bucket]);
    expect(removedAgain.code).toBe(0);
    expect(removedAgain.stderr).toContain("nothing to remove");
  });

  it("exits 3 for a bucket that does not exist", async () => {
    const { code } = await runAgainstMoto(["bucket", "cors", "get", "no-such-bucket-s3kit-cors"]);
    expect(code).toBe(3);
  });
});
