import type { Aws } from "../aws/clients.js";
import { checkCredentials } from "./credential-check.js";

export interface Identity {
  /** Null when the endpoint cannot say who the caller is (no STS). */
  account: string | null;
  arn: string | null;
  userId: string | null;
  /** True for the account's root user, which should not be used for everyday work; null: unknown. */
  isRoot: boolean | null;
  /** The endpoint said who the caller is (STS GetCallerIdentity). */
  identityAvailable: boolean;
  /** Why it did not ("this endpoint has no STS"); null when it did. */
  identityUnavailableReason: string | null;
  /** The access key ID in use (not a secret; the secret is never shown). */
  accessKeyId: string;
  /** The signed request that proved the keys work, e.g. `STS GetCallerIdentity`, `S3 ListBuckets`. */
  verifiedBy: string;
  /** The endpoint accepted the signature but refused that request itself (a limited key). */
  actionDenied: boolean;
  profile: string | null;
  region: string;
  regionSource: string;
  endpoints: { s3: string; iam: string; sts: string };
  endpointSource: string | null;
  credentialSource: string;
  /** When temporary credentials expire; null for long-lived keys. */
  credentialsExpireAt: string | null;
}

export async function getIdentity(aws: Aws): Promise<Identity> {
  const [proof, credentials] = await Promise.all([checkCredentials(aws), aws.credentials()]);
  const { settings } = aws;
  const arn = proof.identity?.arn ?? null;
  return {
    account: proof.identity?.account ?? null,
    arn,
    userId: proof.identity?.userId ?? null,
    isRoot: arn === null ? null : isRootArn(arn),
    identityAvailable: proof.identity !== null,
    identityUnavailableReason: proof.identityUnavailableReason,
    accessKeyId: credentials.accessKeyId,
    verifiedBy: proof.verifiedBy,
    actionDenied: proof.actionDenied,
    profile: settings.profile.value ?? null,
    region: settings.region.value,
    regionSource: settings.region.source,
    endpoints: { s3: aws.endpoint("s3"), iam: aws.endpoint("iam"), sts: aws.endpoint("sts") },
    endpointSource: settings.endpoints.s3?.source ?? null,
    credentialSource: credentials.source,
    credentialsExpireAt: credentials.expiration?.toISOString() ?? null,
  };
}

export function isRootArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(arn);
}
