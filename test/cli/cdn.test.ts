// `cdn create|info|delete` end to end against moto's CloudFront and ACM, read back with plain
// SDK clients; the bucket policy is judged by s3kit's own evaluator (moto ignores bucket
// policies, so "moto served it" would prove nothing).
import { ACMClient, RequestCertificateCommand } from "@aws-sdk/client-acm";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  type DistributionSummary,
  GetDistributionConfigCommand,
  GetOriginAccessControlCommand,
  ListDistributionsCommand,
  ListOriginAccessControlsCommand,
  ListTagsForResourceCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/core/policy/evaluate.js";
import type { PolicyDocument } from "../../src/core/policy/types.js";
import { motoEnv, runAgainstMoto, versitygwEnv } from "../support/cli.js";
import { runTracingLoads } from "../support/loaded-sources.js";
import { finished, spawnCli, waitFor } from "../support/objects.js";
import { rawS3, uniqueBucket } from "../support/raw-s3.js";
import { type RefusingProxy, startRefusingProxy } from "../support/refusing-proxy.js";

const s3 = rawS3();
const env = motoEnv();
const clientConfig = {
  region: "us-east-1",
  endpoint: env.AWS_ENDPOINT_URL,
  credentials: {
    accessKeyId: env.AWS_ACCESS_KEY_ID as string,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
  },
};
const cf = new CloudFrontClient(clientConfig);
const acm = new ACMClient(clientConfig);

interface CreateReport {
  bucket: string;
  prefix: string;
  created: boolean;
  changed: boolean;
  distribution: { id: string; arn: string; domainName: string; aliases: string[] };
  originAccessControl: { id: string; name: string };
  url: string;
  env: Record<string, string>;
  steps: { resource: string; status: string; details: string[] }[];
  warnings: string[];
}

const statuses = (r: CreateReport) =>
  Object.fromEntries(r.steps.map((s) => [s.resource, s.status]));

async function newBucket(prefix: string, withTlsPolicy = true): Promise<string> {
  const bucket = uniqueBucket(prefix);
  const made = await runAgainstMoto([
    "bucket",
    "create",
    bucket,
    ...(withTlsPolicy ? ["--tls-policy"] : []),
  ]);
  expect(made.code, made.stderr).toBe(0);
  return bucket;
}

async function distributionsFor(bucket: string): Promise<DistributionSummary[]> {
  const out = await cf.send(new ListDistributionsCommand({}));
  return (out.DistributionList?.Items ?? []).filter((d) =>
    (d.Origins?.Items ?? []).some((o) => o.DomainName?.startsWith(`${bucket}.`)),
  );
}

async function oacNamed(name: string) {
  const out = await cf.send(new ListOriginAccessControlsCommand({}));
  return (out.OriginAccessControlList?.Items ?? []).filter((o) => o.Name === name);
}

async function bucketPolicy(bucket: string): Promise<PolicyDocument> {
  const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
  return JSON.parse(out.Policy as string) as PolicyDocument;
}

/** s3kit's evaluator on the live policy: may this caller GetObject the key (over TLS)? */
function decide(policy: PolicyDocument, bucket: string, key: string, caller: string) {
  const tls = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3" };
  return evaluate(
    { resourcePolicy: { name: "bucket policy", document: policy } },
    {
      action: "s3:GetObject",
      resource: `arn:aws:s3:::${bucket}/${key}`,
      ...(caller === "anonymous"
        ? { principal: "anonymous", context: tls }
        : {
            principal: "cloudfront.amazonaws.com",
            context: { ...tls, "aws:SourceArn": caller },
          }),
    },
  ).decision;
}

async function create(args: readonly string[], extraEnv: Record<string, string> = {}) {
  const result = await runAgainstMoto(["cdn", "create", ...args, "--json"], { env: extraEnv });
  return {
    ...result,
    report: result.stdout ? (JSON.parse(result.stdout) as CreateReport) : undefined,
  };
}

describe("cdn create on a private bucket", () => {
  let bucket: string;
  let report: CreateReport;

  beforeAll(async () => {
    bucket = await newBucket("cdn-create");
    const run = await create([bucket, "--prefix", "images/", "--price-class", "100"]);
    expect(run.code, run.stderr).toBe(0);
    report = run.report as CreateReport;
  });

  it("creates an origin access control that always signs with SigV4", async () => {
    expect(statuses(report)).toEqual({
      originAccessControl: "created",
      distribution: "created",
      bucketPolicy: "updated",
    });
    const oac = await cf.send(
      new GetOriginAccessControlCommand({ Id: report.originAccessControl.id }),
    );
    expect(oac.OriginAccessControl?.OriginAccessControlConfig).toMatchObject({
      Name: `s3kit-${bucket}`,
      SigningProtocol: "sigv4",
      SigningBehavior: "always",
      OriginAccessControlOriginType: "s3",
    });
  });

  it("creates one distribution on the bucket with that control, HTTPS only, CachingOptimized, compressed", async () => {
    const found = await distributionsFor(bucket);
    expect(found.map((d) => d.Id)).toEqual([report.distribution.id]);
    const { DistributionConfig: config } = await cf.send(
      new GetDistributionConfigCommand({ Id: report.distribution.id }),
    );
    expect(config?.Enabled).toBe(true);
    expect(config?.PriceClass).toBe("PriceClass_100");
    expect(config?.Origins?.Items).toEqual([
      expect.objectContaining({
        DomainName: `${bucket}.s3.us-east-1.amazonaws.com`,
        OriginPath: "",
        OriginAccessControlId: report.originAccessControl.id,
        S3OriginConfig: { OriginAccessIdentity: "" },
      }),
    ]);
    expect(config?.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: "redirect-to-https",
      CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      Compress: true,
      AllowedMethods: { Items: ["GET", "HEAD"] },
    });
    const tags = await cf.send(
      new ListTagsForResourceCommand({ Resource: report.distribution.arn }),
    );
    expect(tags.Tags?.Items).toEqual(
      expect.arrayContaining([
        { Key: "managed-by", Value: "s3kit" },
        { Key: "s3kit:bucket", Value: bucket },
      ]),
    );
  });

  it("prints the distribution's domain and AWS_S3_CUSTOM_DOMAIN", () => {
    expect(report.distribution.domainName).toMatch(/^[a-z0-9]+\.cloudfront\.net$/);
    expect(report.env).toEqual({ AWS_S3_CUSTOM_DOMAIN: report.distribution.domainName });
    expect(report.url).toBe(`https://${report.distribution.domainName}/images/`);
  });

  it("adds a bucket policy statement that lets only that distribution read the prefix", async () => {
    const policy = await bucketPolicy(bucket);
    const sids = [policy.Statement].flat().map((s) => s.Sid);
    expect(sids).toEqual([
      "S3kitDenyInsecureTransport",
      "S3kitDenyOutdatedTls",
      "S3kitCloudFrontRead",
    ]);
    const arn = report.distribution.arn;
    expect(arn).toMatch(/^arn:aws:cloudfront::123456789012:distribution\//);
    expect(decide(policy, bucket, "images/cat.png", arn)).toBe("allowed");
    expect(decide(policy, bucket, "private/cat.png", arn)).toBe("implicit-deny");
    expect(decide(policy, bucket, "images/cat.png", "anonymous")).toBe("implicit-deny");
    expect(
      decide(
        policy,
        bucket,
        "images/cat.png",
        "arn:aws:cloudfront::123456789012:distribution/EOTHER",
      ),
    ).toBe("implicit-deny");
  });

  it("keeps the bucket private: Block Public Access stays on", async () => {
    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it("converges on a re-run: nothing changed, still one distribution and one control", async () => {
    const again = await create([bucket, "--prefix", "images/"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.report?.changed).toBe(false);
    expect(statuses(again.report as CreateReport)).toEqual({
      originAccessControl: "unchanged",
      distribution: "unchanged",
      bucketPolicy: "unchanged",
    });
    expect(again.report?.distribution.id).toBe(report.distribution.id);
    expect(await distributionsFor(bucket)).toHaveLength(1);
    expect(await oacNamed(`s3kit-${bucket}`)).toHaveLength(1);
    const human = await runAgainstMoto(["cdn", "create", bucket, "--prefix", "images/"]);
    expect(human.stderr).toContain("nothing changed");
    expect(human.stdout).toContain(`AWS_S3_CUSTOM_DOMAIN=${report.distribution.domainName}`);
  });

  it("bucket create on the same bucket keeps the CloudFront statement", async () => {
    const converge = await runAgainstMoto(["bucket", "create", bucket, "--tls-policy"]);
    expect(converge.code, converge.stderr).toBe(0);
    const sids = [(await bucketPolicy(bucket)).Statement].flat().map((s) => s.Sid);
    expect(sids).toContain("S3kitCloudFrontRead");
  });

  it("converges what someone changed: re-enables the distribution and restores the viewer policy", async () => {
    const current = await cf.send(new GetDistributionConfigCommand({ Id: report.distribution.id }));
    const config = current.DistributionConfig as NonNullable<typeof current.DistributionConfig>;
    await cf.send(
      new UpdateDistributionCommand({
        Id: report.distribution.id,
        IfMatch: current.ETag,
        DistributionConfig: {
          ...config,
          Enabled: false,
          DefaultCacheBehavior: {
            ...(config.DefaultCacheBehavior as NonNullable<typeof config.DefaultCacheBehavior>),
            ViewerProtocolPolicy: "allow-all",
          },
        },
      }),
    );
    const fixed = await create([bucket, "--prefix", "images/", "--dry-run"]);
    expect(fixed.code).toBe(0);
    const plan = (fixed.report as CreateReport).steps.find((s) => s.resource === "distribution");
    expect(plan?.status).toBe("update");
    expect(plan?.details).toEqual([
      "enabled: false → true",
      "viewer protocol: allow-all → redirect-to-https",
    ]);

    const applied = await create([bucket, "--prefix", "images/"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(statuses(applied.report as CreateReport).distribution).toBe("updated");
    const after = await cf.send(new GetDistributionConfigCommand({ Id: report.distribution.id }));
    expect(after.DistributionConfig?.Enabled).toBe(true);
    expect(after.DistributionConfig?.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe(
      "redirect-to-https",
    );
    expect(after.DistributionConfig?.PriceClass).toBe("PriceClass_100");
  });

  it("a new prefix moves the statement to it", async () => {
    const moved = await create([bucket]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(statuses(moved.report as CreateReport).bucketPolicy).toBe("updated");
    const policy = await bucketPolicy(bucket);
    expect(decide(policy, bucket, "private/cat.png", report.distribution.arn)).toBe("allowed");
    const info = JSON.parse((await runAgainstMoto(["cdn", "info", bucket, "--json"])).stdout);
    expect(info.distributions[0]).toMatchObject({ prefix: "", checkedKey: "example.jpg" });
  });
});

describe("cdn create --dry-run", () => {
  it("prints the plan and creates nothing", async () => {
    const bucket = await newBucket("cdn-dry");
    const human = await runAgainstMoto(["cdn", "create", bucket, "--dry-run"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("+ origin access control:");
    expect(human.stdout).toContain("CreateDistributionWithTags");
    expect(human.stdout).toContain("~ bucket policy:");
    expect(human.stderr).toContain("Dry run: 3 API calls planned; nothing was changed.");
    expect(await distributionsFor(bucket)).toEqual([]);
    expect(await oacNamed(`s3kit-${bucket}`)).toEqual([]);
    const sids = [(await bucketPolicy(bucket)).Statement].flat().map((s) => s.Sid);
    expect(sids).not.toContain("S3kitCloudFrontRead");
  });
});

describe("cdn create with a custom domain", () => {
  let issued: string;
  let pending: string;

  beforeAll(async () => {
    // A private CA's certificate is issued at once in moto; a public one waits for validation.
    issued = (
      await acm.send(
        new RequestCertificateCommand({
          DomainName: "example.com",
          SubjectAlternativeNames: ["*.example.com"],
          CertificateAuthorityArn:
            "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012",
        }),
      )
    ).CertificateArn as string;
    pending = (await acm.send(new RequestCertificateCommand({ DomainName: "pending.example.org" })))
      .CertificateArn as string;
  });

  it("serves the domain with the certificate and names it in AWS_S3_CUSTOM_DOMAIN", async () => {
    const bucket = await newBucket("cdn-domain");
    const run = await create([bucket, "--domain", "cdn.example.com", "--certificate-arn", issued]);
    expect(run.code, run.stderr).toBe(0);
    const r = run.report as CreateReport;
    expect(r.env).toEqual({ AWS_S3_CUSTOM_DOMAIN: "cdn.example.com" });
    expect(r.url).toBe("https://cdn.example.com/");
    const { DistributionConfig: config } = await cf.send(
      new GetDistributionConfigCommand({ Id: r.distribution.id }),
    );
    expect(config?.Aliases?.Items).toEqual(["cdn.example.com"]);
    expect(config?.ViewerCertificate).toMatchObject({
      ACMCertificateArn: issued,
      SSLSupportMethod: "sni-only",
      MinimumProtocolVersion: "TLSv1.2_2021",
    });
  });

  it("refuses a domain the certificate does not cover, before anything is created (exit 2)", async () => {
    const bucket = await newBucket("cdn-uncovered");
    for (const domain of ["a.b.example.com", "cdn.example.org"]) {
      const run = await create([bucket, "--domain", domain, "--certificate-arn", issued]);
      expect(run.code).toBe(2);
      const error = JSON.parse(run.stderr.trim().split("\n").at(-1) as string).error;
      expect(error.code).toBe("CertificateDoesNotCoverDomain");
      expect(error.message).toContain(
        `does not cover ${domain}: it is for example.com, *.example.com`,
      );
    }
    expect(await distributionsFor(bucket)).toEqual([]);
    expect(await oacNamed(`s3kit-${bucket}`)).toEqual([]);
  });

  it("refuses a certificate that is not issued yet (exit 5) or does not exist (exit 3)", async () => {
    const bucket = await newBucket("cdn-pending");
    const run = await create([
      bucket,
      "--domain",
      "pending.example.org",
      "--certificate-arn",
      pending,
    ]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("is PENDING_VALIDATION, not ISSUED");
    const missing = await create([
      bucket,
      "--domain",
      "cdn.example.com",
      "--certificate-arn",
      "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("CertificateNotFound");
    expect(await distributionsFor(bucket)).toEqual([]);
  });

  it("says so when ACM is not available on the endpoint, and goes on", async () => {
    const bucket = await newBucket("cdn-noacm");
    const run = await create([bucket, "--domain", "cdn.example.com", "--certificate-arn", issued], {
      AWS_ENDPOINT_URL_ACM: versitygwEnv().AWS_ENDPOINT_URL as string,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.report?.warnings.join("\n")).toMatch(
      /ACM is not available on http:\/\/127\.0\.0\.1:\d+ .*could not check that .* is issued and covers cdn\.example\.com/,
    );
  });
});

describe("cdn create: bad input and failures", () => {
  it("exits 3 for a bucket that does not exist, creating nothing", async () => {
    const bucket = uniqueBucket("cdn-missing");
    const run = await create([bucket]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Bucket ${bucket} does not exist.`);
    expect(await oacNamed(`s3kit-${bucket}`)).toEqual([]);
  });

  it("says so when the endpoint has no CloudFront, instead of a bare not-found", async () => {
    const bucket = await newBucket("cdn-nocf");
    const run = await create([bucket], {
      AWS_ENDPOINT_URL_CLOUDFRONT: `${env.AWS_ENDPOINT_URL}/no-cloudfront-here`,
    });
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stderr.trim().split("\n").at(-1) as string).error;
    expect(error.code).toBe("CloudFrontNotSupported");
    expect(error.message).toContain("CloudFront is not available on");
  });

  describe("when the bucket policy cannot be written", () => {
    let proxy: RefusingProxy;
    beforeAll(async () => {
      proxy = await startRefusingProxy(
        env.AWS_ENDPOINT_URL as string,
        (method, url) => method === "PUT" && url.searchParams.has("policy"),
      );
    });
    afterAll(() => proxy.close());

    it("removes the distribution and control this run created (exit 4)", async () => {
      const bucket = await newBucket("cdn-rollback");
      const run = await create([bucket], { AWS_ENDPOINT_URL_S3: proxy.endpoint });
      expect(run.code).toBe(4);
      expect(proxy.refused).toBeGreaterThan(0);
      const error = JSON.parse(run.stderr.trim().split("\n").at(-1) as string).error;
      expect(error.message).toMatch(
        /^Bucket policy \(PutBucketPolicy\) failed: Access Denied\. The distribution \w+ and the origin access control \w+ that this run created were deleted again\.$/,
      );
      expect(statuses(run.report as CreateReport)).toEqual({
        originAccessControl: "rolled-back",
        distribution: "rolled-back",
        bucketPolicy: "failed",
      });
      expect(await distributionsFor(bucket)).toEqual([]);
      expect(await oacNamed(`s3kit-${bucket}`)).toEqual([]);
    });

    it("deletes nothing that existed before the run, and says what was applied", async () => {
      const bucket = await newBucket("cdn-partial");
      const first = await create([bucket]);
      expect(first.code, first.stderr).toBe(0);
      const run = await create([bucket, "--prefix", "images/"], {
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
      });
      expect(run.code).toBe(4);
      expect(run.stderr).toContain("Applied: nothing; not applied: bucket policy.");
      expect((await distributionsFor(bucket)).map((d) => d.Id)).toEqual([
        first.report?.distribution.id,
      ]);
      expect(await oacNamed(`s3kit-${bucket}`)).toHaveLength(1);
    });
  });
});

describe("Ctrl-C during cdn create", () => {
  let proxy: RefusingProxy;
  beforeAll(async () => {
    proxy = await startRefusingProxy(
      env.AWS_ENDPOINT_URL as string,
      () => false,
      (method, url) => method === "PUT" && url.searchParams.has("policy"),
    );
  });
  afterAll(() => proxy.close());

  it("removes the distribution and control the run had created, and exits 130", async () => {
    const bucket = await newBucket("cdn-sigint");
    const child = spawnCli(["cdn", "create", bucket], {
      env: { AWS_ENDPOINT_URL_S3: proxy.endpoint },
    });
    const done = finished(child);
    // The run hangs at the bucket policy, after creating the control and the distribution.
    await waitFor(() => proxy.held > 0, "the bucket policy request");
    expect(await distributionsFor(bucket)).toHaveLength(1);
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).not.toContain("could not finish");
    expect(await distributionsFor(bucket)).toEqual([]);
    expect(await oacNamed(`s3kit-${bucket}`)).toEqual([]);
  });
});

describe("cdn info", () => {
  it("shows s3kit's distribution, its control and that the policy lets it read; others too", async () => {
    const bucket = await newBucket("cdn-info");
    const made = await create([bucket, "--prefix", "images/"]);
    expect(made.code, made.stderr).toBe(0);
    // A distribution made by hand in front of the same bucket, without origin access control.
    const other = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `${bucket}-by-hand`,
          Comment: "by hand",
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: "o",
                DomainName: `${bucket}.s3.amazonaws.com`,
                S3OriginConfig: { OriginAccessIdentity: "" },
              },
            ],
          },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all" },
        },
      }),
    );

    const { code, stdout } = await runAgainstMoto(["cdn", "info", bucket, "--json"]);
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.blockPublicAccess).toBe("on");
    expect(info.policyLetsAnyoneRead).toBe(false);
    expect(info.distributions).toHaveLength(2);
    const [ours, theirs] = info.distributions;
    expect(ours).toMatchObject({
      id: made.report?.distribution.id,
      managedByS3kit: true,
      prefix: "images/",
      originAccessControl: {
        name: `s3kit-${bucket}`,
        signingProtocol: "sigv4",
        signingBehavior: "always",
      },
      checkedKey: "images/example.jpg",
      bucketPolicyAllows: { decision: "allowed", deciding: ["S3kitCloudFrontRead"] },
      env: { AWS_S3_CUSTOM_DOMAIN: made.report?.distribution.domainName },
    });
    expect(theirs).toMatchObject({
      id: other.Distribution?.Id,
      managedByS3kit: false,
      originAccessControl: null,
      bucketPolicyAllows: { decision: "implicit-deny" },
    });

    const human = await runAgainstMoto(["cdn", "info", bucket]);
    expect(human.stdout).toContain(
      "origin access control: none: requests reach the bucket unsigned",
    );
    expect(human.stdout).toContain("lets it read images/example.jpg (S3kitCloudFrontRead)");
  });

  it("says when nothing is in front of a bucket, and exits 3 for a missing bucket", async () => {
    const bucket = await newBucket("cdn-info-none");
    const none = await runAgainstMoto(["cdn", "info", bucket]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain(`No CloudFront distribution is in front of ${bucket}.`);
    expect(none.stderr).toContain(`s3kit cdn create ${bucket}`);
    expect((await runAgainstMoto(["cdn", "info", uniqueBucket("cdn-nope")])).code).toBe(3);
  });
});

describe("cdn delete", () => {
  it("asks first: without --yes and a terminal it changes nothing (exit 2)", async () => {
    const bucket = await newBucket("cdn-del-ask");
    expect((await create([bucket])).code).toBe(0);
    const run = await runAgainstMoto(["cdn", "delete", bucket]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Pass --yes");
    const [d] = await distributionsFor(bucket);
    expect(d?.Enabled).toBe(true);
  });

  it("disables and deletes the distribution, its statement and its control; other statements stay", async () => {
    const bucket = await newBucket("cdn-del");
    const made = await create([bucket]);
    expect(made.code).toBe(0);
    const run = await runAgainstMoto(["cdn", "delete", bucket, "--yes", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ deleted: true, pending: false });
    expect(
      report.steps.map((s: { step: string; status: string }) => `${s.step}:${s.status}`),
    ).toEqual([
      "disable:done",
      "bucketPolicy:done",
      "deleteDistribution:done",
      "originAccessControl:done",
    ]);
    expect(await distributionsFor(bucket)).toEqual([]);
    expect(await oacNamed(`s3kit-${bucket}`)).toEqual([]);
    const sids = [(await bucketPolicy(bucket)).Statement].flat().map((s) => s.Sid);
    expect(sids).toEqual(["S3kitDenyInsecureTransport", "S3kitDenyOutdatedTls"]);

    const again = await runAgainstMoto(["cdn", "delete", bucket, "--yes"]);
    expect(again.code).toBe(3);
  });

  it("deletes the whole policy when the CloudFront statement was its only one", async () => {
    const bucket = uniqueBucket("cdn-del-only");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    expect((await create([bucket])).code).toBe(0);
    expect((await runAgainstMoto(["cdn", "delete", bucket, "--yes"])).code).toBe(0);
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: "NoSuchBucketPolicy",
    });
  });

  it("never touches a distribution s3kit did not make (exit 3)", async () => {
    const bucket = await newBucket("cdn-del-foreign");
    const other = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `${bucket}-by-hand`,
          Comment: "by hand",
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: "o",
                DomainName: `${bucket}.s3.amazonaws.com`,
                S3OriginConfig: { OriginAccessIdentity: "" },
              },
            ],
          },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all" },
        },
      }),
    );
    const run = await runAgainstMoto(["cdn", "delete", bucket, "--yes"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${other.Distribution?.Id} is in front of it, made outside s3kit`);
    expect((await distributionsFor(bucket))[0]?.Enabled).toBe(true);
  });

  describe("while CloudFront is still deploying", () => {
    const transition = (progression: object) =>
      fetch(`${env.AWS_ENDPOINT_URL}/moto-api/state-manager/set-transition`, {
        method: "POST",
        body: JSON.stringify({ model_name: "cloudfront::distribution", transition: progression }),
      });
    afterAll(async () => {
      await transition({ progression: "immediate" });
    });

    it("--no-wait disables and says how to finish; a later run deletes", async () => {
      const bucket = await newBucket("cdn-del-wait");
      await transition({ progression: "manual", times: 1000 });
      expect((await create([bucket])).code).toBe(0);

      const early = await runAgainstMoto(["cdn", "delete", bucket, "--yes", "--no-wait"]);
      expect(early.code, early.stderr).toBe(0);
      expect(early.stdout).toMatch(/pending\s+\w+ is disabled; CloudFront is still deploying that/);
      expect(early.stderr).toContain(`Run \`s3kit cdn delete ${bucket} --yes\` again to finish.`);
      const [disabled] = await distributionsFor(bucket);
      expect(disabled?.Enabled).toBe(false);
      expect([(await bucketPolicy(bucket)).Statement].flat().map((s) => s.Sid)).not.toContain(
        "S3kitCloudFrontRead",
      );

      const timedOut = await runAgainstMoto(["cdn", "delete", bucket, "--yes", "--timeout", "1s"]);
      expect(timedOut.code).toBe(1);
      expect(timedOut.stderr).toContain("CloudFront had not deployed the disabled distribution");

      await transition({ progression: "immediate" });
      const done = await runAgainstMoto(["cdn", "delete", bucket, "--yes"]);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(/skipped\s+\w+ was already disabled/);
      expect(await distributionsFor(bucket)).toEqual([]);
      expect(await oacNamed(`s3kit-${bucket}`)).toEqual([]);
    });
  });
});

describe("bucket audit on a bucket served through CloudFront", () => {
  it("reports the origin access control setup as a pass, and public read as avoidable", async () => {
    const bucket = await newBucket("cdn-audit");
    expect((await create([bucket])).code).toBe(0);
    const audit = await runAgainstMoto(["bucket", "audit", bucket, "--json"]);
    expect(audit.code, audit.stderr).toBe(0);
    const report = JSON.parse(audit.stdout);
    expect(report.findings.map((f: { id: string }) => f.id)).not.toContain(
      "policy-allows-everyone",
    );
    expect(report.passed).toContainEqual(
      expect.objectContaining({ id: "served-through-cloudfront" }),
    );

    const policy = await bucketPolicy(bucket);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          ...policy,
          Statement: [
            ...[policy.Statement].flat(),
            {
              Sid: "Public",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: `arn:aws:s3:::${bucket}/*`,
            },
          ],
        }),
      }),
    );
    const open = JSON.parse((await runAgainstMoto(["bucket", "audit", bucket, "--json"])).stdout);
    const finding = open.findings.find((f: { id: string }) => f.id === "policy-allows-everyone");
    expect(finding.fix).toContain("already served through CloudFront with origin access control");
  });
});

describe("what the cdn commands load", () => {
  const cloudfront = (sources: string[]) =>
    sources.filter(
      (s) => s.includes("@aws-sdk/client-cloudfront/") || s.includes("@aws-sdk/client-acm/"),
    );

  it("--help, bucket audit and whoami load no CloudFront or ACM code; cdn info does", async () => {
    const help = await runTracingLoads(["--help"]);
    expect(help.code).toBe(0);
    expect(cloudfront(help.sources)).toEqual([]);
    const bucket = await newBucket("cdn-loads");
    const audit = await runTracingLoads(["bucket", "audit", bucket], { env: motoEnv() });
    expect(audit.code, audit.stderr).toBe(0);
    expect(cloudfront(audit.sources)).toEqual([]);
    const whoami = await runTracingLoads(["whoami"], { env: motoEnv() });
    expect(cloudfront(whoami.sources)).toEqual([]);
    const info = await runTracingLoads(["cdn", "info", bucket], { env: motoEnv() });
    expect(info.code, info.stderr).toBe(0);
    expect(info.sources.some((s) => s.includes("@aws-sdk/client-cloudfront/"))).toBe(true);
  });
});
