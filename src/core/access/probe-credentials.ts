// Whose keys `policy debug --probe` makes its real requests with: known from the flags
// and the environment before any call (no SDK here).

import { UsageError } from "../errors.js";

/** Where the probe's credentials come from. */
export type ProbeCredentials =
  | { from: "caller" }
  | { from: "profile"; profile: string }
  | { from: "environment"; accessKeyId: string; secretAccessKey: string; sessionToken?: string };

type Env = Readonly<Record<string, string | undefined>>;

/** The variables that hand `--probe` the principal's own keys. */
export const PROBE_ENV = {
  accessKeyId: "S3KIT_PROBE_ACCESS_KEY_ID",
  secretAccessKey: "S3KIT_PROBE_SECRET_ACCESS_KEY",
  sessionToken: "S3KIT_PROBE_SESSION_TOKEN",
} as const;

/**
 * Which credentials `--probe` uses: --probe-profile; else the principal's keys in
 * S3KIT_PROBE_ACCESS_KEY_ID / S3KIT_PROBE_SECRET_ACCESS_KEY; else, when the principal
 * is the caller, the caller's own. Throws UsageError (exit 2) when there are none.
 */
export function probeCredentials(
  options: { probeProfile?: string; principalIsCaller: boolean },
  env: Env,
): ProbeCredentials {
  if (options.probeProfile) return { from: "profile", profile: options.probeProfile };
  const id = env[PROBE_ENV.accessKeyId];
  const secret = env[PROBE_ENV.secretAccessKey];
  if (id && secret) {
    const token = env[PROBE_ENV.sessionToken];
    return {
      from: "environment",
      accessKeyId: id,
      secretAccessKey: secret,
      ...(token ? { sessionToken: token } : {}),
    };
  }
  if (options.principalIsCaller) return { from: "caller" };
  throw new UsageError(
    "--probe needs the principal's own credentials.",
    `Pass --probe-profile NAME (a profile with their keys), or set ${PROBE_ENV.accessKeyId} and ${PROBE_ENV.secretAccessKey}.`,
    "ProbeCredentialsMissing",
  );
}
