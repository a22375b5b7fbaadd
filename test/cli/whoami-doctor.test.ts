import { describe, expect, it } from "vitest";
import { runAgainstMoto, runCli } from "../support/cli.js";

describe("whoami against moto", () => {
  it("reads back the identity", async () => {
    const { code, stdout, stderr } = await runAgainstMoto(["whoami"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/Account:\s+123456789012/);
    expect(stdout).toMatch(/ARN:\s+arn:aws:sts::123456789012:/);
    expect(stdout).toMatch(/Credentials:\s+environment/);
    expect(stdout).toMatch(/Endpoint:\s+http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL\)/);
  });

  it("prints one JSON document with --json", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "whoami",
      "--json",
      "--region",
      "eu-west-1",
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const id = JSON.parse(stdout);
    expect(id).toMatchObject({
      account: "123456789012",
      region: "eu-west-1",
      regionSource: "--region",
      isRoot: false,
      credentialSource: "environment (AWS_ACCESS_KEY_ID)",
      endpointSource: "AWS_ENDPOINT_URL",
    });
    expect(id.arn).toMatch(/^arn:aws:sts::123456789012:/);
  });

  it("works with and without AWS_CA_BUNDLE", async () => {
    const without = await runAgainstMoto(["whoami", "--json"], {
      env: { AWS_CA_BUNDLE: undefined },
    });
    expect(without.code).toBe(0);
    const withBundle = await runAgainstMoto(["whoami", "--json"], {
      env: { AWS_CA_BUNDLE: process.env.AWS_CA_BUNDLE ?? "/etc/ssl/certs/ca-certificates.crt" },
    });
    expect(withBundle.code).toBe(0);
    expect(JSON.parse(withBundle.stdout).account).toBe(JSON.parse(without.stdout).account);
  });

  it("says clearly when AWS_CA_BUNDLE points nowhere", async () => {
    const { code, stderr } = await runAgainstMoto(["whoami"], {
      env: { AWS_CA_BUNDLE: "/nonexistent/ca.pem" },
    });
    expect(code).toBe(2);
    expect(stderr).toContain("Cannot read the CA bundle /nonexistent/ca.pem (from AWS_CA_BUNDLE)");
  });

  it("reads credentials and region from a profile", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "s3kit-profile-"));
    writeFileSync(join(dir, "config"), "[profile dev]\nregion = ap-southeast-2\n");
    writeFileSync(
      join(dir, "credentials"),
      "[dev]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = secret\n",
    );
    const { code, stdout } = await runAgainstMoto(["whoami", "--profile", "dev", "--json"], {
      env: {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_REGION: undefined,
        AWS_CONFIG_FILE: join(dir, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      },
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      profile: "dev",
      region: "ap-southeast-2",
      regionSource: "profile dev",
      credentialSource: "profile dev",
    });
  });

  it("logs API calls with --debug and never the secret", async () => {
    const { code, stderr } = await runAgainstMoto(["whoami", "--debug"]);
    expect(code).toBe(0);
    expect(stderr).toContain("STS GetCallerIdentity");
    expect(stderr).not.toContain("s3kit-local-secret-key");
  });
});

describe("whoami failures", () => {
  it("exits 4 with how to configure credentials when there are none", async () => {
    const { code, stderr } = await runCli(["whoami", "--endpoint-url", "http://127.0.0.1:1"]);
    expect(code).toBe(4);
    expect(stderr).toContain("No AWS credentials found");
    expect(stderr).toContain("aws configure");
  });
});

describe("doctor", () => {
  it("passes every check against moto", async () => {
    const { code, stdout } = await runAgainstMoto(["doctor"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ Endpoint reachable: http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain("✓ Clock skew");
    expect(stdout).toMatch(/✓ Credentials valid: arn:aws:sts::123456789012:/);
  });

  it("checks a bucket: exists, region, listing, public access block, encryption", async () => {
    const bucket = `doctor-${Date.now()}`;
    const env = (await import("../support/cli.js")).motoEnv();
    const { S3Client, CreateBucketCommand, PutPublicAccessBlockCommand } = await import(
      "@aws-sdk/client-s3"
    );
    const s3 = new S3Client({
      region: "us-east-1",
      endpoint: env.AWS_ENDPOINT_URL,
      forcePathStyle: true,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    });
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
    const { code, stdout } = await runAgainstMoto(["doctor", "--bucket", bucket, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    expect(byId["bucket-exists"].status).toBe("pass");
    expect(byId["bucket-region"].status).toBe("pass");
    expect(byId["bucket-list"]).toMatchObject({ status: "pass", detail: "listing works (empty)" });
    expect(byId["public-access-block"]).toMatchObject({
      status: "warn",
      detail: "off: BlockPublicPolicy",
    });
    expect(byId.encryption.status).toMatch(/pass|warn/);
    expect(report.ok).toBe(true);
  });

  it("fails (exit 6) for a bucket that does not exist", async () => {
    const { code, stdout } = await runAgainstMoto(["doctor", "--bucket", "no-such-bucket-s3kit"]);
    expect(code).toBe(6);
    expect(stdout).toContain("✗ Bucket exists: no-such-bucket-s3kit does not exist");
    expect(stdout).toContain("s3kit bucket create no-such-bucket-s3kit");
  });

  it("fails (exit 6) without credentials, saying how to configure them", async () => {
    const { motoEnv } = await import("../support/cli.js");
    const { code, stdout } = await runCli([
      "doctor",
      "--endpoint-url",
      motoEnv().AWS_ENDPOINT_URL as string,
    ]);
    expect(code).toBe(6);
    expect(stdout).toContain("✗ Credentials valid: No AWS credentials found");
    expect(stdout).toContain("aws configure");
  });
});
