import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { Aws } from "../aws/clients.js";

export interface Identity {
  account: string;
  arn: string;
  userId: string;
  /** True for the account's root user, which should not be used for everyday work. */
  isRoot: boolean;
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
  const sts = await aws.sts();
  const [caller, credentials] = await Promise.all([
    sts.send(new GetCallerIdentityCommand({})),
    aws.credentials(),
  ]);
  const arn = caller.Arn ?? "";
  const { settings } = aws;
  return {
    account: caller.Account ?? "",
    arn,
    userId: caller.UserId ?? "",
    isRoot: isRootArn(arn),
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
