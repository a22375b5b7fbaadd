// whoami and doctor on endpoints without STS GetCallerIdentity (MinIO, versitygw): the keys
// are proven with a signed S3 request instead, and a wrong secret is still exit 4.
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { type CliResult, runAgainstMinio, runAgainstVersitygw } from "../support/cli.js";
import { minioBucket, minioKeysFor } from "../support/minio.js";
import { rawS3On, uniqueBucket } from "../support/raw-s3.js";

const servers: [string, (args: string[], env?: Record<string, string>) => Promise<CliResult>][] = [
  ["MinIO", (args, env) => runAgainstMinio(args, env ? { env } : {})],
  ["versitygw", (args, env) => runAgainstVersitygw(args, env ? { env } : {})],
];

describe.each(servers)("whoami and doctor on %s", (_name, run) => {
  it("whoami prints what it can and exits 0", async () => {
    const human = await run(["whoami"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toBe("");
    expect(human.stdout).toMatch(
      /^Identity: +not available \(this endpoint has no STS GetCallerIdentity\)$/m,
    );
    expect(human.stdout).toMatch(/^Access key: +AKIAS3KITLOCALTEST01$/m);
    expect(human.stdout).toMatch(/^Keys: +valid: the endpoint accepted S3 ListBuckets$/m);
    expect(human.stdout).toMatch(/^Endpoint: +http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL\)$/m);
    expect(human.stdout).toMatch(/^Credentials: +environment \(AWS_ACCESS_KEY_ID\)$/m);
    expect(human.stdout).not.toContain("s3kit-local-secret");

    const json = await run(["whoami", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      account: null,
      arn: null,
      userId: null,
      isRoot: null,
      identityAvailable: false,
      identityUnavailableReason: "this endpoint has no STS GetCallerIdentity",
      accessKeyId: "AKIAS3KITLOCALTEST01",
      verifiedBy: "S3 ListBuckets",
      actionDenied: false,
      region: "us-east-1",
      credentialSource: "environment (AWS_ACCESS_KEY_ID)",
    });
  });

  it("whoami exits 4 with a wrong secret or an unknown key", async () => {
    const wrong = await run(["whoami"], { AWS_SECRET_ACCESS_KEY: "not-the-secret" });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("The secret access key does not match the key ID");
    const unknown = await run(["whoami", "--json"], { AWS_ACCESS_KEY_ID: "AKIANOSUCHKEYS3KIT00" });
    expect(unknown.code).toBe(4);
    expect(JSON.parse(unknown.stderr).error.hint).toContain("does not exist on this endpoint");
  });

  it("doctor passes with valid keys and exits 4 with a wrong secret", async () => {
    const ok = await run(["doctor"]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(
      /✓ Credentials valid: keys from environment \(AWS_ACCESS_KEY_ID\) accepted for S3 ListBuckets; identity not available: this endpoint has no STS GetCallerIdentity/,
    );
    const wrong = await run(["doctor", "--json"], { AWS_SECRET_ACCESS_KEY: "not-the-secret" });
    expect(wrong.code).toBe(4);
    const report = JSON.parse(wrong.stdout);
    expect(report).toMatchObject({ ok: false, credentialsRejected: true });
    expect(report.checks.find((c: { id: string }) => c.id === "credentials")).toMatchObject({
      status: "fail",
    });
  });
});

describe("a prefix-limited key on MinIO", () => {
  it("is proven by the signature check even where ListBuckets is refused", async () => {
    const bucket = await minioBucket("minio-limited");
    const limited = await minioKeysFor({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: [`arn:aws:s3:::${bucket}/uploads/*`],
        },
      ],
    });

    const whoami = await runAgainstMinio(["whoami", "--json"], { env: limited });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      identityAvailable: false,
      verifiedBy: "S3 ListBuckets",
      actionDenied: true,
    });

    const doctor = await runAgainstMinio(["doctor", "--bucket", bucket], { env: limited });
    expect(doctor.stdout).toContain(
      `✓ Credentials valid: keys from environment (AWS_ACCESS_KEY_ID) signed S3 ListObjectsV2 on ${bucket}, which the endpoint checked and then refused`,
    );
  });
});

describe("doctor --bucket on MinIO", () => {
  it("names the settings MinIO does not support instead of failing on them", async () => {
    const bucket = uniqueBucket("minio-doctor");
    await rawS3On("minio").send(new CreateBucketCommand({ Bucket: bucket }));
    const { code, stdout } = await runAgainstMinio(["doctor", "--bucket", bucket]);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain(
      "! Public access blocked: not supported by this endpoint: nothing at the bucket level blocks public access",
    );
    expect(stdout).toContain("GetPublicAccessBlock answered NotImplemented (HTTP 501)");
    expect(stdout).toContain("✓ Bucket can be listed");
  });
});
