import { formatDuration } from "./duration.js";

export interface ExpiryCheck {
  /** When the URL's own validity ends (X-Amz-Date + X-Amz-Expires). */
  urlExpiresAt: Date;
  /**
   * When the signing credentials expire, for temporary credentials (SSO, an
   * assumed role, an instance or container role). Undefined for long-term keys.
   */
  credentialsExpireAt?: Date | undefined;
  /** The current time; injectable for tests. */
  now?: Date | undefined;
}

/**
 * A presigned URL is only as good as the credentials that signed it: S3 refuses
 * it once a session token has expired, whatever X-Amz-Expires says. Returns a
 * warning that says when the URL will really stop working, or undefined when the
 * credentials outlive the URL (or are long-term keys).
 */
export function expiryWarning(check: ExpiryCheck): string | undefined {
  const { urlExpiresAt, credentialsExpireAt } = check;
  if (credentialsExpireAt === undefined || credentialsExpireAt >= urlExpiresAt) return undefined;
  const now = check.now ?? new Date();
  const requested = `${formatDuration(secondsBetween(now, urlExpiresAt))} (until ${isoSeconds(urlExpiresAt)})`;
  if (credentialsExpireAt <= now) {
    return `The credentials that signed this URL expired at ${isoSeconds(credentialsExpireAt)}: the URL will not work. Refresh the credentials (e.g. aws sso login) and sign again.`;
  }
  return (
    `The URL was requested to be valid for ${requested}, but it is signed with temporary credentials ` +
    `that expire at ${isoSeconds(credentialsExpireAt)}: it will stop working then, in ` +
    `${formatDuration(secondsBetween(now, credentialsExpireAt))}. For a longer-lived URL, sign with long-term ` +
    "access keys or a session that lasts longer, or lower --expires."
  );
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
