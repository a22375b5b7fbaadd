import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { runAgainstMoto } from "../support/cli.js";
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

// In us-east-1 CreateBucket answers 200 for a bucket you already own, so two runs that
// create the same name both see "created". A run whose later step fails must not delete
// the bucket the other run created (and reported as created).
describe("bucket create rollback removes only what the run provably created", () => {
  it("never deletes a bucket that a concurrent run created and reported (us-east-1)", async () => {
    for (let trial = 0; trial < 6; trial++) {
      const bucket = uniqueBucket("create-race");
      const [first, second] = await Promise.all([
        runAgainstMoto(["bucket", "create", bucket, "--region", "us-east-1"]),
        runAgainstMoto([
          "bucket",
          "create",
          bucket,
          "--region",
          "us-east-1",
          "--access-log-bucket",
          "no-such-log-bucket-s3kit",
        ]),
      ]);
      expect(first.code, first.stderr).toBe(0);
      expect(second.code, second.stderr).toBe(3);
      expect(await exists(bucket), `trial ${trial}: ${first.stderr}\n${second.stderr}`).toBe(true);
      // The failed run says what it left in place and why (or, if it found the bucket
      // already there, that it only converged an existing bucket).
      expect(second.stderr).toMatch(
        new RegExp(
          `The bucket ${bucket} was left in place|of the existing bucket ${bucket} failed`,
        ),
      );
    }
  });

  it("leaves a bucket it cannot prove it created, and says why and how to remove it", async () => {
    const bucket = uniqueBucket("create-unproven");
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      bucket,
      "--region",
      "us-east-1",
      "--access-log-bucket",
      "no-such-log-bucket-s3kit",
      "--json",
    ]);
    expect(code).toBe(3);
    const error = JSON.parse(stderr.trim().split("\n").at(-1) as string).error;
    expect(error.message).toContain(`The bucket ${bucket} was left in place`);
    expect(error.message).toContain("answered success for a second CreateBucket");
    expect(error.hint).toContain(`s3kit bucket delete ${bucket}`);
    const report = JSON.parse(stdout);
    expect(report.created).toBe(true);
    expect(report.rollback).toMatchObject({ deleted: false });
    expect(await exists(bucket)).toBe(true);
  });

  it("deletes the bucket it created where a second CreateBucket proves it (eu-west-1)", async () => {
    const bucket = uniqueBucket("create-proven");
    const regional = rawS3({ region: "eu-west-1" });
    const { code, stdout, stderr } = await runAgainstMoto([
      "bucket",
      "create",
      bucket,
      "--region",
      "eu-west-1",
      "--access-log-bucket",
      "no-such-log-bucket-s3kit",
      "--json",
    ]);
    expect(code).toBe(3);
    const error = JSON.parse(stderr.trim().split("\n").at(-1) as string).error;
    expect(error.message).toContain(
      `The bucket ${bucket} that this run created was deleted again.`,
    );
    expect(JSON.parse(stdout).rollback).toMatchObject({ deleted: true });
    await expect(regional.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});
