// Access denied on one setting, and endpoints that do not implement one: moto answers
// every read, so these use a fake S3 client.
import { describe, expect, it } from "vitest";
import { auditBucket } from "../../src/core/buckets/audit.js";
import { readBucketState } from "../../src/core/buckets/read.js";
import { fakeAws as fake, throwing } from "../support/fake-aws.js";

const fakeAws = (handlers: Parameters<typeof fake>[0]) => fake(handlers).aws;
const fail = (name: string, status: number) => throwing(name, status, `${name} message`);

describe("readBucketState", () => {
  it("shows absent settings as null and records settings it could not read", async () => {
    const aws = fakeAws({
      GetPublicAccessBlock: () => ({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
      GetBucketOwnershipControls: fail("NotImplemented", 501),
      GetBucketEncryption: fail("ServerSideEncryptionConfigurationNotFoundError", 404),
      GetBucketVersioning: () => ({ Status: "Suspended" }),
      GetBucketPolicy: fail("AccessDenied", 403),
      GetBucketLifecycleConfiguration: fail("NoSuchLifecycleConfiguration", 404),
      GetBucketCors: fail("NoSuchCORSConfiguration", 404),
      GetBucketTagging: () => ({ TagSet: [{ Key: "env", Value: "dev" }] }),
      GetBucketLogging: () => ({ LoggingEnabled: { TargetBucket: "logs", TargetPrefix: "b/" } }),
    });
    const state = await readBucketState(aws, "b-1", "us-east-1");
    expect(state).toEqual({
      bucket: "b-1",
      region: "us-east-1",
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
      ownership: null,
      encryption: null,
      versioning: "Suspended",
      policy: null,
      lifecycle: null,
      cors: null,
      tags: { env: "dev" },
      logging: { targetBucket: "logs", targetPrefix: "b/" },
      unreadable: {
        policy: "AccessDenied: AccessDenied message",
      },
      unsupported: {
        ownership:
          "GetBucketOwnershipControls answered NotImplemented (HTTP 501): NotImplemented message",
      },
    });
    // The audit does not report what it could not see.
    const ids = auditBucket(state).findings.map((f) => f.id);
    expect(ids).not.toContain("acls-enabled");
    expect(ids).not.toContain("no-tls-only-policy");
    expect(ids).toContain("no-default-encryption");
  });

  it("reads a policy whose Statement is a single object", async () => {
    const statement = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" };
    const none = fail("NoSuchThing", 404);
    const aws = fakeAws({
      GetPublicAccessBlock: fail("NoSuchPublicAccessBlockConfiguration", 404),
      GetBucketOwnershipControls: () => ({
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      }),
      GetBucketEncryption: () => ({
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "k" },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
      GetBucketVersioning: () => ({}),
      GetBucketPolicy: () => ({
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: statement }),
      }),
      GetBucketLifecycleConfiguration: () => ({ Rules: [] }),
      GetBucketCors: none,
      GetBucketTagging: fail("NoSuchTagSet", 404),
      GetBucketLogging: () => ({}),
    });
    const state = await readBucketState(aws, "b-2", "us-east-1");
    expect(state.policy).toEqual({ Version: "2012-10-17", Statement: [statement] });
    expect(state.encryption).toEqual({
      algorithm: "aws:kms",
      kmsKeyId: "k",
      bucketKeyEnabled: true,
    });
    expect(state.ownership).toBe("BucketOwnerEnforced");
    expect(state.lifecycle).toBeNull();
    expect(state.versioning).toBeNull();
    expect(state.unreadable).toEqual({ cors: "NoSuchThing: NoSuchThing message" });
  });
});
