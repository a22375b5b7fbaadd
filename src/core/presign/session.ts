import type { Aws } from "../../aws/clients.js";
import { expiryWarning } from "./expiry-warning.js";
import { createPresigner, type Presigner } from "./presigner.js";
import type { PresignerConfig } from "./types.js";

/**
 * Everything a presign command signs with: the credentials, region and endpoint
 * of the run, and one signing time. Loading it resolves the credential chain but
 * never creates an S3 client: signing is local (see presigner.ts).
 */
export interface PresignSession {
  presigner: Presigner;
  /** The same settings, for presignPost. */
  config: PresignerConfig;
  /** The one instant every URL of this run is signed at (X-Amz-Date). */
  signingDate: Date;
  /** When temporary credentials stop working (and URLs signed with them too). */
  credentialsExpireAt: Date | undefined;
}

/** Opens a session for the run's AWS settings, signing everything as of `signingDate`. */
export async function openPresignSession(
  aws: Aws,
  signingDate: Date = new Date(),
): Promise<PresignSession> {
  const credentials = await aws.credentials();
  const config: PresignerConfig = {
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration,
    },
    region: aws.region,
    endpoint: aws.settings.endpoints.s3?.value,
    forcePathStyle: aws.settings.forcePathStyle,
    signingDate,
  };
  return {
    presigner: createPresigner(config),
    config,
    signingDate,
    credentialsExpireAt: credentials.expiration,
  };
}

/**
 * A warning when the credentials expire before `expiresAt` (ISO 8601): the URL
 * stops working when they do, whatever its own expiry says.
 */
export function sessionExpiryWarning(
  session: PresignSession,
  expiresAt: string,
  now: Date = new Date(),
): string | undefined {
  return expiryWarning({
    urlExpiresAt: new Date(expiresAt),
    credentialsExpireAt: session.credentialsExpireAt,
    now,
  });
}
