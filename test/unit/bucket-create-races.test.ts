// Error paths no local server produces: on moto, HeadBucket sees every bucket (even other
// accounts'), so CreateBucket never answers BucketAlreadyOwnedByYou or BucketAlreadyExists
// after a 404 or 403. These tests give createBucket a fake S3 client instead.
import { describe, expect, it } from "vitest";
import { createBucket } from "../../src/core/buckets/create.js";
import type { InterruptCleanup } from "../../src/core/cleanup.js";
import { ExitCode, S3kitError } from "../../src/core/errors.js";
import { fakeAws as fake, sdkError as fakeSdkError, type Handler } from "../support/fake-aws.js";

const sdkError = (name: string, status: number) => fakeSdkError(name, status, `${name} from S3`);

function fakeAws(handlers: Record<string, Handler>) {
  const { aws, operations } = fake(handlers, { region: "eu-west-1" });
  return { aws, calls: operations };
}

const absent = (name: string) => () => {
  throw sdkError(name, 404);
};

/** Reads of a bucket that was created by someone else's earlier run: nothing configured. */
const bareReads: Record<string, Handler> = {
  GetPublicAccessBlock: absent("NoSuchPublicAccessBlockConfiguration"),
  GetBucketOwnershipControls: absent("OwnershipControlsNotFoundError"),
  GetBucketEncryption: absent("ServerSideEncryptionConfigurationNotFoundError"),
  GetBucketVersioning: () => ({}),
  GetBucketPolicy: absent("NoSuchBucketPolicy"),
  GetBucketLifecycleConfiguration: absent("NoSuchLifecycleConfiguration"),
  GetBucketCors: absent("NoSuchCORSConfiguration"),
  GetBucketTagging: absent("NoSuchTagSet"),
  GetBucketLogging: () => ({}),
};

const spec = { bucket: "race-bucket", region: "eu-west-1", versioning: false };

/** CreateBucket that creates the bucket, then (asked again) says it is ours already. */
function createdThenOwned(): Handler {
  let calls = 0;
  return () => {
    calls++;
    if (calls > 1) throw sdkError("BucketAlreadyOwnedByYou", 409);
    return {};
  };
}

const emptyListings: Record<string, Handler> = {
  ListObjectVersions: () => ({}),
  ListMultipartUploads: () => ({}),
};

describe("createBucket when CreateBucket disagrees with HeadBucket", () => {
  it("converges when CreateBucket says BucketAlreadyOwnedByYou, and never deletes that bucket", async () => {
    const puts: string[] = [];
    const put = (name: string) => () => {
      puts.push(name);
      return {};
    };
    let heads = 0;
    const { aws, calls } = fakeAws({
      // Not there at first; there (in the right region) once CreateBucket says it is ours.
      HeadBucket: () => {
        heads++;
        if (heads === 1) throw sdkError("NotFound", 404);
        return { BucketRegion: "eu-west-1" };
      },
      CreateBucket: () => {
        throw sdkError("BucketAlreadyOwnedByYou", 409);
      },
      ...bareReads,
      PutBucketOwnershipControls: put("ownership"),
      PutPublicAccessBlock: put("pab"),
      PutBucketEncryption: put("encryption"),
      PutBucketPolicy: put("policy"),
      PutBucketLifecycleConfiguration: () => {
        throw sdkError("InternalError", 500);
      },
    });
    const outcome = await createBucket(aws, spec, { dryRun: false });
    expect(puts).toEqual(["ownership", "pab", "encryption", "policy"]);
    // The lifecycle step failed, but the bucket was not created by this run: nothing is deleted.
    expect(calls).not.toContain("DeleteBucket");
    expect(outcome.report).toMatchObject({ existed: true, created: false });
    expect(outcome.error?.message).toContain(
      "of the existing bucket race-bucket failed: InternalError from S3.",
    );
    expect(outcome.error?.message).toContain(
      "Applied: object ownership, public access block, default encryption, bucket policy; not applied: lifecycle rules.",
    );
  });

  it("is a conflict (exit 5) when HeadBucket is denied and CreateBucket says BucketAlreadyExists", async () => {
    const { aws, calls } = fakeAws({
      HeadBucket: () => {
        throw sdkError("Forbidden", 403);
      },
      CreateBucket: () => {
        throw sdkError("BucketAlreadyExists", 409);
      },
    });
    const error = await createBucket(aws, spec, { dryRun: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3kitError);
    expect(error).toMatchObject({
      exitCode: ExitCode.conflict,
      code: "BucketAlreadyExists",
      message:
        'The bucket name "race-bucket" is taken by another AWS account (bucket names are global).',
    });
    expect(calls).toEqual(["HeadBucket", "CreateBucket"]);
  });

  it("says in a dry run that a denied HeadBucket may mean another account's name", async () => {
    const { aws, calls } = fakeAws({
      HeadBucket: () => {
        throw sdkError("Forbidden", 403);
      },
    });
    const { report } = await createBucket(aws, spec, { dryRun: true });
    // Read-only: HeadBucket, then the probes of what the endpoint supports.
    expect(calls[0]).toBe("HeadBucket");
    expect(calls.slice(1).every((c) => c.startsWith("Get"))).toBe(true);
    expect(report.warnings[0]).toContain("may belong to another account");
  });

  it("reports when deleting the bucket it created fails too", async () => {
    const { aws } = fakeAws({
      HeadBucket: () => {
        throw sdkError("NotFound", 404);
      },
      CreateBucket: createdThenOwned(),
      PutBucketOwnershipControls: () => {
        throw sdkError("AccessDenied", 403);
      },
      ...emptyListings,
      DeleteBucket: () => {
        throw sdkError("AccessDenied", 403);
      },
    });
    const outcome = await createBucket(aws, spec, { dryRun: false });
    expect(outcome.error?.exitCode).toBe(ExitCode.accessDenied);
    expect(outcome.error?.message).toContain(
      "The bucket race-bucket was left in place: deleting it failed: AccessDenied",
    );
    expect(outcome.error?.hint).toContain("s3kit bucket delete race-bucket");
    expect(outcome.report.created).toBe(true);
    expect(outcome.report.rollback).toMatchObject({ deleted: false });
  });

  it("retries a public policy that S3 refuses right after BlockPublicPolicy was turned off", async () => {
    let policyAttempts = 0;
    const ok = () => ({});
    const { aws, calls } = fakeAws({
      HeadBucket: () => {
        throw sdkError("NotFound", 404);
      },
      CreateBucket: ok,
      PutBucketOwnershipControls: ok,
      PutPublicAccessBlock: ok,
      PutBucketEncryption: ok,
      PutBucketPolicy: () => {
        policyAttempts++;
        if (policyAttempts === 1) throw sdkError("AccessDenied", 403);
        return {};
      },
      PutBucketLifecycleConfiguration: ok,
    });
    const outcome = await createBucket(
      aws,
      { ...spec, publicRead: { prefix: "" } },
      { dryRun: false },
    );
    expect(outcome.error).toBeUndefined();
    expect(policyAttempts).toBe(2);
    expect(calls).not.toContain("DeleteBucket");
    expect(outcome.report.created).toBe(true);
  });
});

describe("rollback of a bucket this run created", () => {
  const failingOwnership = {
    HeadBucket: () => {
      throw sdkError("NotFound", 404);
    },
    PutBucketOwnershipControls: () => {
      throw sdkError("AccessDenied", 403);
    },
  };

  it("deletes it when a second CreateBucket proves the creation and it is empty", async () => {
    const { aws, calls } = fakeAws({
      ...failingOwnership,
      CreateBucket: createdThenOwned(),
      ...emptyListings,
      DeleteBucket: () => ({}),
    });
    const outcome = await createBucket(aws, spec, { dryRun: false });
    expect(calls.slice(-5)).toEqual([
      "PutBucketOwnershipControls",
      "CreateBucket",
      "ListObjectVersions",
      "ListMultipartUploads",
      "DeleteBucket",
    ]);
    expect(outcome.report.rollback).toEqual({ deleted: true });
    expect(outcome.report.created).toBe(false);
    expect(outcome.error?.message).toContain(
      "The bucket race-bucket that this run created was deleted again.",
    );
  });

  it("leaves it when the endpoint answers success to CreateBucket of an existing bucket", async () => {
    const { aws, calls } = fakeAws({
      ...failingOwnership,
      CreateBucket: () => ({}),
    });
    const outcome = await createBucket(aws, { ...spec, region: "us-east-1" }, { dryRun: false });
    expect(calls).not.toContain("DeleteBucket");
    expect(outcome.report.rollback?.deleted).toBe(false);
    expect(outcome.error?.message).toContain(
      "The bucket race-bucket was left in place: the endpoint answered success for a second CreateBucket",
    );
  });

  it("leaves it when someone wrote an object (or a delete marker) into it meanwhile", async () => {
    for (const listing of [{ Versions: [{ Key: "a" }] }, { DeleteMarkers: [{ Key: "a" }] }]) {
      const { aws, calls } = fakeAws({
        ...failingOwnership,
        CreateBucket: createdThenOwned(),
        ListObjectVersions: () => listing,
        ListMultipartUploads: () => ({}),
      });
      const outcome = await createBucket(aws, spec, { dryRun: false });
      expect(calls).not.toContain("DeleteBucket");
      expect(outcome.error?.message).toContain("was left in place: it is not empty any more");
    }
  });

  it("leaves it when a multipart upload into it is open", async () => {
    const { aws, calls } = fakeAws({
      ...failingOwnership,
      CreateBucket: createdThenOwned(),
      ListObjectVersions: () => ({}),
      ListMultipartUploads: () => ({ Uploads: [{ Key: "big.bin", UploadId: "u1" }] }),
    });
    const outcome = await createBucket(aws, spec, { dryRun: false });
    expect(calls).not.toContain("DeleteBucket");
    expect(outcome.error?.message).toContain("someone started a multipart upload into it");
  });

  it("checks emptiness with ListObjectsV2 where object versions are not implemented", async () => {
    const { aws, calls } = fakeAws({
      ...failingOwnership,
      CreateBucket: createdThenOwned(),
      ListObjectVersions: () => {
        throw sdkError("NotImplemented", 501);
      },
      ListObjectsV2: () => ({ KeyCount: 0 }),
      ListMultipartUploads: () => ({}),
      DeleteBucket: () => ({}),
    });
    const outcome = await createBucket(aws, spec, { dryRun: false });
    expect(calls).toContain("ListObjectsV2");
    expect(outcome.report.rollback).toEqual({ deleted: true });
  });

  it("leaves it when DeleteBucket finds it not empty after all", async () => {
    const { aws } = fakeAws({
      ...failingOwnership,
      CreateBucket: createdThenOwned(),
      ...emptyListings,
      DeleteBucket: () => {
        throw sdkError("BucketNotEmpty", 409);
      },
    });
    const outcome = await createBucket(aws, spec, { dryRun: false });
    expect(outcome.report.rollback?.deleted).toBe(false);
    expect(outcome.error?.message).toContain("it is not empty any more");
  });

  it("tells Ctrl-C cleanup what it did, and has nothing left to do afterwards", async () => {
    let cleanup: InterruptCleanup | undefined;
    const reported: unknown[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { aws } = fakeAws({
      HeadBucket: () => {
        throw sdkError("NotFound", 404);
      },
      CreateBucket: createdThenOwned(),
      PutBucketOwnershipControls: async () => {
        await blocked;
        return {};
      },
      ...emptyListings,
      DeleteBucket: () => ({}),
    });
    const running = createBucket(aws, spec, {
      dryRun: false,
      onInterrupt: (c) => {
        cleanup = c;
        return () => {};
      },
      onInterruptRollback: (result) => reported.push(result),
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A third Ctrl-C before the rollback decided would print how to finish it by hand.
    Object.assign(aws, { settings: { endpoints: {}, profile: {} } });
    expect(cleanup?.pending()).toEqual([
      {
        doing: "deleting the bucket race-bucket if this run created it and it is still empty",
        command: "aws s3api delete-bucket --bucket race-bucket --region eu-west-1",
      },
    ]);
    await cleanup?.run();
    expect(reported).toEqual([{ bucket: "race-bucket", deleted: true }]);
    expect(cleanup?.pending()).toEqual([]);
    release();
    await running;
  });
});
