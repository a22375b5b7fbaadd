// The bucket's side of an evaluation: whether it exists and where, its bucket policy,
// public-access block and default encryption, and which account owns it (which decides
// whether the bucket policy alone can grant a request).

import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  type PublicAccessBlockConfiguration,
} from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, httpStatusOf, mapAwsError } from "../../aws/errors.js";
import type { PolicyDocument } from "../policy/types.js";
import { headBucket } from "../s3/head-bucket.js";
import { assertNotTooDeep } from "./live-documents.js";

/** Which account owns the bucket, and how s3kit knows. */
export interface BucketOwner {
  /** Unset when another account owns the bucket but its ID is not visible. */
  accountId?: string;
  /**
   * given: --bucket-account; confirmed: S3 accepted ExpectedBucketOwner with the
   * principal's account and refused another; other-account: S3 refused the principal's
   * account; assumed: the endpoint does not say (it ignores ExpectedBucketOwner), so the
   * principal's account is taken.
   */
  source: "given" | "confirmed" | "other-account" | "assumed";
}

export interface BucketState {
  name: string;
  /** exists, missing, forbidden (exists, the caller may not look), other-region */
  status: "exists" | "missing" | "forbidden" | "other-region";
  region?: string;
  policy?: PolicyDocument;
  publicAccessBlock?: PublicAccessBlockConfiguration | null;
  encryption?: { type: "SSE-S3" } | { type: "SSE-KMS"; kmsKeyArn: string } | { type: "none" };
  owner?: BucketOwner;
}

/** Bucket existence, region, policy, public-access block and default encryption. */
export async function bucketState(
  aws: Aws,
  bucket: string,
  accountId: string,
  notes: string[],
): Promise<BucketState> {
  const s3 = await aws.s3();
  const presence = await headBucket(s3, bucket, aws.region);
  const state: BucketState = {
    name: bucket,
    status: presence.status,
    ...("region" in presence && presence.region ? { region: presence.region } : {}),
  };
  if (state.status !== "exists") return state;

  const readable = async <T>(what: string, read: () => Promise<T>, absent: string[]) => {
    try {
      return await read();
    } catch (err) {
      if (absent.includes(errorCodeOf(err)) || (httpStatusOf(err) === 404 && absent.length > 0)) {
        return undefined;
      }
      notes.push(`Could not read the bucket's ${what}: ${mapAwsError(err, { bucket }).message}`);
      return null;
    }
  };
  const [policy, pab, encryption] = await Promise.all([
    readable(
      "policy",
      async () => (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy,
      ["NoSuchBucketPolicy"],
    ),
    readable(
      "public-access block",
      async () =>
        (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))
          .PublicAccessBlockConfiguration,
      ["NoSuchPublicAccessBlockConfiguration"],
    ),
    readable(
      "default encryption",
      async () =>
        (await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })))
          .ServerSideEncryptionConfiguration,
      ["ServerSideEncryptionConfigurationNotFoundError"],
    ),
  ]);
  if (typeof policy === "string" && policy.trim() !== "") {
    try {
      state.policy = JSON.parse(policy) as PolicyDocument;
    } catch {
      notes.push("The bucket policy is not valid JSON; it was left out of the evaluation.");
    }
    if (state.policy) assertNotTooDeep(state.policy, `The bucket policy of ${bucket}`);
  }
  if (pab !== null) state.publicAccessBlock = pab ?? null;
  if (encryption !== null) {
    const rule = encryption?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    if (!rule) state.encryption = { type: "none" };
    else if (rule.SSEAlgorithm?.startsWith("aws:kms")) {
      state.encryption = {
        type: "SSE-KMS",
        kmsKeyArn: kmsKeyArn(rule.KMSMasterKeyID, aws.region, accountId),
      };
    } else state.encryption = { type: "SSE-S3" };
  }
  return state;
}

/**
 * Who owns the bucket. S3 has no call that names the owner's account to someone else, but
 * it refuses a request whose ExpectedBucketOwner is not the owner: HeadBucket with the
 * principal's account tells same or other account, and HeadBucket with a made-up account
 * tells whether the endpoint checks the parameter at all (moto and MinIO ignore it).
 */
export async function bucketOwner(
  aws: Aws,
  bucket: string,
  accountId: string,
  notes: string[],
): Promise<BucketOwner> {
  const s3 = await aws.s3();
  const head = async (expected: string): Promise<"ok" | "refused" | "failed"> => {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: expected }));
      return "ok";
    } catch (err) {
      return httpStatusOf(err) === 403 ? "refused" : "failed";
    }
  };
  const assumed = (why: string): BucketOwner => {
    notes.push(
      `${why}: bucket ${bucket} was evaluated as in account ${accountId}, the principal's. If another account owns it, pass --bucket-account ID.`,
    );
    return { accountId, source: "assumed" };
  };
  if (!/^\d{12}$/.test(accountId)) return assumed("The principal's account is not known");
  const mine = await head(accountId);
  if (mine === "refused") {
    notes.push(
      `Bucket ${bucket} belongs to another account than ${accountId} (S3 refused ExpectedBucketOwner=${accountId}), so both its bucket policy and the principal's own policies must allow each request. Pass --bucket-account ID to name that account.`,
    );
    return { source: "other-account" };
  }
  if (mine === "failed") return assumed("Could not ask S3 which account owns the bucket");
  const decoy = accountId === "000000000000" ? "000000000001" : "000000000000";
  if ((await head(decoy)) === "refused") return { accountId, source: "confirmed" };
  return assumed(
    `${aws.endpoint("s3")} does not check ExpectedBucketOwner, so it cannot say which account owns the bucket`,
  );
}

/** Bucket encryption may name the key by id, alias or ARN; policies need the key ARN. */
export function kmsKeyArn(id: string | undefined, region: string, accountId: string): string {
  if (!id) return `arn:aws:kms:${region}:${accountId}:alias/aws/s3`;
  if (id.startsWith("arn:")) return id;
  if (id.startsWith("alias/")) return `arn:aws:kms:${region}:${accountId}:${id}`;
  return `arn:aws:kms:${region}:${accountId}:key/${id}`;
}
