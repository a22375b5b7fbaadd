// Settings an endpoint does not support: how its answers are read, how the plan and the
// run report them, and --strict. The answers below are the ones MinIO and versitygw give
// (checked against both servers); the e2e suite runs the same paths against them for real.
import { describe, expect, it } from "vitest";
import type { Aws } from "../../src/aws/clients.js";
import { describeAnswer, schemaRejection, unsupportedAnswer } from "../../src/aws/errors.js";
import { auditBucket } from "../../src/core/buckets/audit.js";
import { createBucket } from "../../src/core/buckets/create.js";
import { planBucket, withParts } from "../../src/core/buckets/plan.js";
import type { CreateBucketSpec } from "../../src/core/buckets/spec.js";
import { emptyState, type PolicyDocument } from "../../src/core/buckets/state.js";
import { ExitCode } from "../../src/core/errors.js";
import { fakeAws as fake, sdkError as fakeSdkError, type Handler } from "../support/fake-aws.js";

const sdkError = (name: string, status: number, message = `${name} from the endpoint`) =>
  fakeSdkError(name, status, message);

const notImplemented = () =>
  sdkError(
    "NotImplemented",
    501,
    "A header you provided implies functionality that is not implemented",
  );
const malformedXml = () =>
  sdkError(
    "MalformedXML",
    400,
    "The XML you provided was not well-formed or did not validate against our published schema.",
  );

const fakeAws = (handlers: Record<string, Handler>, endpoint = "https://s3.example.test") =>
  fake(handlers, { endpoint });

const ok = () => ({});
const missing = () => {
  throw sdkError("NotFound", 404);
};
const spec = (extra: Partial<CreateBucketSpec> = {}): CreateBucketSpec => ({
  bucket: "cap-bucket",
  region: "us-east-1",
  versioning: false,
  ...extra,
});

/** A new bucket on an endpoint that refuses these operations with these answers. */
function newBucketOn(refusals: Record<string, () => unknown>, extra: Record<string, Handler> = {}) {
  let creates = 0;
  return fakeAws({
    HeadBucket: missing,
    CreateBucket: () => {
      creates++;
      if (creates > 1) throw sdkError("BucketAlreadyOwnedByYou", 409);
      return {};
    },
    PutBucketOwnershipControls: ok,
    PutPublicAccessBlock: ok,
    PutBucketEncryption: ok,
    PutBucketPolicy: ok,
    PutBucketLifecycleConfiguration: ok,
    PutBucketCors: ok,
    PutBucketVersioning: ok,
    PutBucketTagging: ok,
    ListObjectVersions: ok,
    ListMultipartUploads: ok,
    DeleteBucket: ok,
    ...Object.fromEntries(
      Object.entries(refusals).map(([op, answer]) => [
        op,
        () => {
          throw answer();
        },
      ]),
    ),
    ...extra,
  });
}

describe("reading an endpoint's answers", () => {
  it("NotImplemented and HTTP 501 mean not supported, whoever built the request", () => {
    expect(unsupportedAnswer(notImplemented())).toBe(true);
    expect(unsupportedAnswer(sdkError("VersioningNotConfigured", 501))).toBe(true);
    expect(unsupportedAnswer(sdkError("AccessDenied", 403))).toBe(false);
    expect(unsupportedAnswer(malformedXml())).toBe(false);
  });

  it("a refused body that follows AWS's schema is a schema rejection", () => {
    expect(schemaRejection(malformedXml())).toBe(true);
    expect(
      schemaRejection(
        sdkError(
          "InvalidArgument",
          400,
          "The XML you provided was not well-formed or did not validate against our published schema",
        ),
      ),
    ).toBe(true);
    expect(schemaRejection(sdkError("MalformedPolicy", 400, "invalid condition key"))).toBe(true);
    expect(schemaRejection(sdkError("InvalidStorageClass", 400))).toBe(true);
    expect(schemaRejection(sdkError("InvalidArgument", 400, "Days must be positive"))).toBe(false);
    expect(schemaRejection(sdkError("AccessDenied", 403))).toBe(false);
  });

  it("describes an answer as evidence, with operation, code, status and message", () => {
    expect(describeAnswer(notImplemented(), "GetPublicAccessBlock")).toBe(
      "GetPublicAccessBlock answered NotImplemented (HTTP 501): A header you provided implies functionality that is not implemented",
    );
  });
});

describe("planBucket with settings the endpoint does not implement", () => {
  it("marks them unsupported, sends nothing for them, and names the missing lifecycle rules", () => {
    const current = {
      ...emptyState("cap-bucket", "us-east-1"),
      unsupported: {
        publicAccessBlock: "GetPublicAccessBlock answered NotImplemented (HTTP 501)",
        lifecycle: "GetBucketLifecycleConfiguration answered NotImplemented (HTTP 501)",
      },
    };
    const plan = planBucket(spec({ expire: { days: 30, prefix: "" } }), current);
    const pab = plan.steps.find((s) => s.setting === "publicAccessBlock");
    expect(pab).toMatchObject({ change: "unsupported" });
    expect(pab?.call).toBeUndefined();
    const lifecycle = plan.steps.find((s) => s.setting === "lifecycle");
    expect(lifecycle?.call).toBeUndefined();
    expect(lifecycle?.notSupported?.map((g) => g.part)).toEqual([
      "abort-incomplete-multipart",
      "expire",
    ]);
    expect(plan.steps.find((s) => s.setting === "encryption")?.change).toBe("create");
  });

  it("leaves a setting the run does not set alone, however the endpoint answered", () => {
    const current = {
      ...emptyState("cap-bucket", "us-east-1"),
      unsupported: { versioning: "GetBucketVersioning answered NotImplemented (HTTP 501)" },
    };
    const step = planBucket(spec(), current).steps.find((s) => s.setting === "versioning");
    expect(step).toMatchObject({ change: "unchanged" });
    expect(step?.notSupported).toBeUndefined();
  });

  it("rebuilds a policy or lifecycle call with only some of s3kit's parts, keeping foreign ones", () => {
    const foreign = {
      Sid: "TheirStatement",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
    };
    const current = {
      ...emptyState("cap-bucket", "us-east-1"),
      policy: { Version: "2012-10-17", Statement: [foreign] },
    };
    const step = planBucket(spec(), current).steps.find((s) => s.setting === "policy");
    expect(step?.parts).toEqual(["tls-only", "tls-1.2"]);
    if (!step) throw new Error("no policy step");
    const only = withParts("cap-bucket", step, ["tls-only"]);
    const doc = JSON.parse(only.call.input.Policy as string) as PolicyDocument;
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
      "TheirStatement",
    ]);
    expect(withParts("cap-bucket", step, []).desired).toEqual({
      Version: "2012-10-17",
      Statement: [foreign],
    });
  });
});

describe("bucket create on an endpoint without some settings", () => {
  it("applies the rest, reports each missing setting with its meaning, and succeeds", async () => {
    const { aws, operations } = newBucketOn({
      PutBucketOwnershipControls: malformedXml,
      PutPublicAccessBlock: malformedXml,
      PutBucketEncryption: () =>
        sdkError(
          "NotImplemented",
          501,
          "Server side encryption specified but KMS is not configured",
        ),
    });
    const outcome = await createBucket(aws, spec(), { dryRun: false });
    expect(outcome.error).toBeUndefined();
    expect(operations).not.toContain("DeleteBucket");
    const status = Object.fromEntries(outcome.report.settings.map((s) => [s.setting, s.status]));
    expect(status).toMatchObject({
      bucket: "created",
      ownership: "unsupported",
      publicAccessBlock: "unsupported",
      encryption: "unsupported",
      policy: "created",
      lifecycle: "created",
    });
    const gaps = outcome.report.notSupported;
    expect(gaps.map((g) => g.setting)).toEqual(["ownership", "publicAccessBlock", "encryption"]);
    expect(gaps[1]).toMatchObject({
      label: "public access block",
      safeDefault: true,
      evidence: expect.stringContaining("PutPublicAccessBlock answered MalformedXML (HTTP 400)"),
    });
    expect(gaps[1]?.meaning).toContain("stays private only as long as no bucket policy grants");
    expect(gaps[2]?.evidence).toContain("KMS is not configured");
  });

  it("keeps the TLS-only statement when the endpoint rejects only s3:TlsVersion", async () => {
    const policies: string[] = [];
    const { aws } = newBucketOn(
      {},
      {
        PutBucketPolicy: (input) => {
          const policy = input.Policy as string;
          policies.push(policy);
          if (policy.includes("s3:TlsVersion"))
            throw sdkError("MalformedPolicy", 400, "invalid condition key 's3:TlsVersion'");
          return {};
        },
      },
    );
    const outcome = await createBucket(aws, spec(), { dryRun: false });
    expect(outcome.error).toBeUndefined();
    expect(policies).toHaveLength(2);
    const applied = outcome.report.settings.find((s) => s.setting === "policy");
    expect(applied?.status).toBe("created");
    expect((applied?.value as PolicyDocument | undefined)?.Statement.map((s) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
    ]);
    expect(outcome.report.notSupported).toEqual([
      expect.objectContaining({
        setting: "policy",
        part: "tls-1.2",
        evidence:
          "PutBucketPolicy answered MalformedPolicy (HTTP 400): invalid condition key 's3:TlsVersion'",
      }),
    ]);
  });

  it("keeps the expire rule when the endpoint refuses only the abort-multipart rule", async () => {
    const { aws } = newBucketOn(
      {},
      {
        PutBucketLifecycleConfiguration: (input) => {
          const rules = (input.LifecycleConfiguration as { Rules: { ID: string }[] }).Rules;
          if (rules.some((r) => r.ID === "s3kit-abort-incomplete-multipart"))
            throw sdkError(
              "InvalidArgument",
              400,
              "The XML you provided was not well-formed or did not validate against our published schema",
            );
          return {};
        },
      },
    );
    const outcome = await createBucket(aws, spec({ expire: { days: 30, prefix: "" } }), {
      dryRun: false,
    });
    expect(outcome.error).toBeUndefined();
    const lifecycle = outcome.report.settings.find((s) => s.setting === "lifecycle");
    expect((lifecycle?.value as { ID: string }[] | undefined)?.map((r) => r.ID)).toEqual([
      "s3kit-expire",
    ]);
    expect(outcome.report.notSupported.map((g) => g.part)).toEqual(["abort-incomplete-multipart"]);
  });

  it("still removes a public-read statement when none of s3kit's statements fit", async () => {
    const publicStatement = {
      Sid: "S3kitPublicRead",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::cap-bucket/*",
    };
    const { aws, calls } = fakeAws({
      HeadBucket: () => ({ BucketRegion: "us-east-1" }),
      ListBuckets: () => ({ Buckets: [{ Name: "cap-bucket" }] }),
      GetPublicAccessBlock: () => {
        throw notImplemented();
      },
      GetBucketOwnershipControls: () => {
        throw notImplemented();
      },
      GetBucketEncryption: () => ({
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
        },
      }),
      GetBucketVersioning: ok,
      GetBucketPolicy: () => ({
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [publicStatement] }),
      }),
      GetBucketLifecycleConfiguration: () => ({
        Rules: [
          {
            ID: "s3kit-abort-incomplete-multipart",
            Status: "Enabled",
            Filter: { Prefix: "" },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      }),
      GetBucketCors: () => {
        throw sdkError("NoSuchCORSConfiguration", 404);
      },
      GetBucketTagging: () => {
        throw sdkError("NoSuchTagSet", 404);
      },
      GetBucketLogging: ok,
      PutBucketPolicy: () => {
        throw sdkError("MalformedPolicy", 400, "Policy has an invalid condition key");
      },
      DeleteBucketPolicy: ok,
    });
    // --tls-policy without --public-read: the public statement must go.
    const outcome = await createBucket(aws, spec({ tlsPolicy: "apply" }), { dryRun: false });
    expect(outcome.error).toBeUndefined();
    expect(calls.map((c) => c.command)).toContain("DeleteBucketPolicy");
    expect(outcome.report.settings.find((s) => s.setting === "policy")).toMatchObject({
      status: "updated",
      value: null,
    });
    expect(outcome.report.notSupported.map((g) => g.part ?? g.setting)).toEqual([
      "ownership",
      "publicAccessBlock",
      "tls-only",
      "tls-1.2",
    ]);
  });

  it("blames a statement s3kit does not manage, not the endpoint, when that one is refused", async () => {
    // AWS refuses to take back a policy whose principal was deleted meanwhile.
    const foreign = {
      Sid: "Partner",
      Effect: "Allow",
      Principal: { AWS: "AIDAEXAMPLEDELETEDUSER" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::cap-bucket/*",
    };
    const { aws } = fakeAws({
      HeadBucket: () => ({ BucketRegion: "us-east-1" }),
      ListBuckets: () => ({ Buckets: [{ Name: "cap-bucket" }] }),
      GetPublicAccessBlock: () => ({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
      GetBucketOwnershipControls: () => ({
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      }),
      GetBucketEncryption: () => ({
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
        },
      }),
      GetBucketVersioning: ok,
      GetBucketPolicy: () => ({
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [foreign] }),
      }),
      GetBucketLifecycleConfiguration: () => {
        throw sdkError("NoSuchLifecycleConfiguration", 404);
      },
      GetBucketCors: () => {
        throw sdkError("NoSuchCORSConfiguration", 404);
      },
      GetBucketTagging: () => {
        throw sdkError("NoSuchTagSet", 404);
      },
      GetBucketLogging: ok,
      PutBucketPolicy: () => {
        throw sdkError("MalformedPolicy", 400, "Invalid principal in policy");
      },
    });
    const outcome = await createBucket(aws, spec({ tlsPolicy: "apply" }), { dryRun: false });
    expect(outcome.error).toMatchObject({ code: "MalformedPolicy", exitCode: ExitCode.usage });
    expect(outcome.error?.message).toContain("Invalid principal in policy");
    expect(outcome.report.notSupported).toEqual([]);
  });

  it("treats a refused CORS file as the user's mistake, but NotImplemented as unsupported", async () => {
    const refused = newBucketOn({ PutBucketCors: malformedXml });
    const cors = [{ AllowedOrigins: ["https://app.example.com"], AllowedMethods: ["GET"] }];
    const failed = await createBucket(refused.aws, spec({ cors }), { dryRun: false });
    expect(failed.error?.code).toBe("MalformedXML");

    const absent = newBucketOn({ PutBucketCors: notImplemented });
    const reported = await createBucket(absent.aws, spec({ cors }), { dryRun: false });
    expect(reported.error).toBeUndefined();
    expect(reported.report.notSupported.map((g) => g.setting)).toEqual(["cors"]);
  });

  it("--strict: the first unsupported setting is exit 5 and the new bucket is rolled back", async () => {
    const { aws, operations } = newBucketOn(
      { PutPublicAccessBlock: malformedXml },
      { GetPublicAccessBlock: missing, GetBucketOwnershipControls: missing },
    );
    const outcome = await createBucket(aws, spec(), {
      dryRun: false,
      strict: true,
      // The probes of a strict run answer NoSuchBucket here: the write is the test.
    });
    expect(outcome.error).toMatchObject({
      exitCode: ExitCode.conflict,
      code: "NotSupportedByEndpoint",
    });
    expect(outcome.error?.message).toContain(
      "Setting the public access block (PutPublicAccessBlock) failed: The endpoint does not support it (PutPublicAccessBlock answered MalformedXML",
    );
    expect(outcome.error?.message).toContain("that this run created was deleted again");
    expect(operations).toContain("DeleteBucket");
    expect(operations).not.toContain("PutBucketEncryption");
  });

  it("--strict: an unsupported setting the probes reveal stops the run before anything is created", async () => {
    const { aws, operations } = newBucketOn(
      {},
      {
        GetPublicAccessBlock: () => {
          throw notImplemented();
        },
      },
    );
    const outcome = await createBucket(aws, spec(), { dryRun: false, strict: true }).catch(
      (e: unknown) => e,
    );
    expect(outcome).toMatchObject({ exitCode: ExitCode.conflict, code: "NotSupportedByEndpoint" });
    expect((outcome as Error).message).toContain("nothing was changed");
    expect(operations).not.toContain("CreateBucket");
  });

  it("a dry run names what the probes reveal and says nothing else was checked", async () => {
    const { aws, operations } = newBucketOn(
      {},
      {
        GetPublicAccessBlock: () => {
          throw notImplemented();
        },
      },
    );
    const outcome = await createBucket(aws, spec(), { dryRun: true });
    expect(operations.every((op) => op === "HeadBucket" || op.startsWith("Get"))).toBe(true);
    expect(outcome.report.settings.find((s) => s.setting === "publicAccessBlock")?.status).toBe(
      "unsupported",
    );
    expect(outcome.report.notSupported.map((g) => g.setting)).toEqual(["publicAccessBlock"]);
    const strict = await createBucket(aws, spec(), { dryRun: true, strict: true });
    expect(strict.error?.exitCode).toBe(ExitCode.conflict);
  });

  it("names the TLS-only policy on a plain-HTTP endpoint as not applied, without a call", async () => {
    const { aws } = newBucketOn({}, {});
    const local = { ...aws, endpoint: () => "http://127.0.0.1:9000" } as unknown as Aws;
    const outcome = await createBucket(local, spec({ tlsPolicy: "keep" }), { dryRun: true });
    expect(outcome.report.notSupported).toEqual([
      expect.objectContaining({
        part: "tls-only",
        evidence: expect.stringContaining("uses plain HTTP"),
        meaning: expect.stringContaining("travel unencrypted"),
      }),
    ]);
  });
});

describe("bucket audit on an endpoint without some settings", () => {
  it("lists unsupported settings apart from the findings", () => {
    const state = {
      ...emptyState("cap-bucket", "us-east-1"),
      unsupported: { publicAccessBlock: "GetPublicAccessBlock answered NotImplemented (HTTP 501)" },
    };
    const report = auditBucket(state);
    expect(report.findings.map((f) => f.id)).not.toContain("public-access-block-off");
    expect(report.notSupported).toEqual([
      expect.objectContaining({ setting: "publicAccessBlock", safeDefault: true }),
    ]);
    expect(report.skipped).toEqual([]);
  });

  it("on a plain-HTTP endpoint the TLS checks become one not-supported entry", () => {
    const report = auditBucket(emptyState("cap-bucket", "us-east-1"), {
      plainHttpEndpoint: "http://127.0.0.1:9000",
    });
    const ids = report.findings.map((f) => f.id);
    expect(ids).not.toContain("no-tls-only-policy");
    expect(ids).not.toContain("old-tls-allowed");
    expect(report.notSupported.map((g) => g.part)).toEqual(["tls-only"]);
  });
});
