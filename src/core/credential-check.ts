// Proving that the credentials work: with a signed request the endpoint supports. STS
// GetCallerIdentity where there is STS (it also says who the caller is); otherwise an S3
// request (many S3-compatible servers have no STS). `whoami` and `doctor` share this.
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { Aws } from "../aws/clients.js";
import { errorCodeOf, mapAwsError, stsUnavailableAnswer } from "../aws/errors.js";

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface CredentialProof {
  /** The signed request that proved the keys, e.g. `STS GetCallerIdentity` or `S3 ListBuckets`. */
  verifiedBy: string;
  /**
   * The endpoint checked the signature and then refused the action itself: the keys are
   * valid, they are just not allowed to do that (a key limited to a bucket or prefix).
   */
  actionDenied: boolean;
  /** Who the caller is, when the endpoint has STS; otherwise null. */
  identity: CallerIdentity | null;
  /** Why there is no identity ("this endpoint has no STS"), or null. */
  identityUnavailableReason: string | null;
}

/** MinIO, for one, has STS for AssumeRole but not GetCallerIdentity: say exactly what is missing. */
export const NO_STS = "this endpoint has no STS GetCallerIdentity";

/**
 * Proves the credentials with a signed request. Throws the mapped error when the endpoint
 * rejects them (exit 4), cannot be reached (exit 1), and so on.
 */
export async function checkCredentials(
  aws: Aws,
  options: { bucket?: string; prefix?: string } = {},
): Promise<CredentialProof> {
  const sts = await aws.sts();
  try {
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    return {
      verifiedBy: "STS GetCallerIdentity",
      actionDenied: false,
      identity: {
        account: caller.Account ?? "",
        arn: caller.Arn ?? "",
        userId: caller.UserId ?? "",
      },
      identityUnavailableReason: null,
    };
  } catch (err) {
    if (!stsUnavailableAnswer(err)) throw mapAwsError(err);
  }
  const proof = await proveWithS3(aws, options.bucket, options.prefix);
  return { ...proof, identity: null, identityUnavailableReason: NO_STS };
}

/**
 * ListBuckets, then (if that is denied and a bucket is named) ListObjectsV2 on the bucket.
 * Both answer with an error body, so a refused signature (SignatureDoesNotMatch,
 * InvalidAccessKeyId) and a refused action (AccessDenied, after the signature was checked)
 * can be told apart; HeadBucket cannot, its 403 has no body.
 */
async function proveWithS3(
  aws: Aws,
  bucket: string | undefined,
  prefix: string | undefined,
): Promise<Pick<CredentialProof, "verifiedBy" | "actionDenied">> {
  const s3 = await aws.s3();
  // Loaded only here: where STS answers, whoami needs no S3 code at all.
  const { ListBucketsCommand, ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  try {
    await s3.send(new ListBucketsCommand({ MaxBuckets: 1 }));
    return { verifiedBy: "S3 ListBuckets", actionDenied: false };
  } catch (err) {
    if (errorCodeOf(err) !== "AccessDenied") throw mapAwsError(err);
  }
  if (bucket) {
    const where = prefix ? `${bucket}/${prefix}` : bucket;
    try {
      await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          MaxKeys: 1,
          ...(prefix ? { Prefix: prefix } : {}),
        }),
      );
      return { verifiedBy: `S3 ListObjectsV2 on ${where}`, actionDenied: false };
    } catch (err) {
      if (errorCodeOf(err) !== "AccessDenied") throw mapAwsError(err, { bucket });
      return { verifiedBy: `S3 ListObjectsV2 on ${where}`, actionDenied: true };
    }
  }
  return { verifiedBy: "S3 ListBuckets", actionDenied: true };
}
