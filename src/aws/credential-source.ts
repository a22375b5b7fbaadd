import type { AwsCredentialIdentity } from "@smithy/types";

// The SDK tags resolved credentials with feature ids saying which provider found them.
const labels: [feature: string, label: (profile: string) => string][] = [
  ["CREDENTIALS_PROFILE_SSO", (p) => `profile ${p} (SSO)`],
  ["CREDENTIALS_PROFILE_SSO_LEGACY", (p) => `profile ${p} (SSO)`],
  ["CREDENTIALS_SSO", () => "SSO"],
  ["CREDENTIALS_SSO_LEGACY", () => "SSO"],
  ["CREDENTIALS_PROFILE_LOGIN", (p) => `profile ${p} (console login)`],
  ["CREDENTIALS_LOGIN", () => "console login"],
  ["CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN", (p) => `profile ${p} (web identity)`],
  [
    "CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN",
    () => "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)",
  ],
  ["CREDENTIALS_PROFILE_SOURCE_PROFILE", (p) => `profile ${p} (assumed role)`],
  ["CREDENTIALS_PROFILE_NAMED_PROVIDER", (p) => `profile ${p} (assumed role)`],
  ["CREDENTIALS_PROFILE_PROCESS", (p) => `profile ${p} (credential_process)`],
  ["CREDENTIALS_PROCESS", () => "credential_process"],
  ["CREDENTIALS_PROFILE", (p) => `profile ${p}`],
  ["CREDENTIALS_ENV_VARS", () => "environment (AWS_ACCESS_KEY_ID)"],
  ["CREDENTIALS_HTTP", () => "container credentials endpoint"],
  ["CREDENTIALS_IMDS", () => "instance metadata (EC2 role)"],
  ["CREDENTIALS_CODE", () => "code"],
];

export function describeCredentialSource(
  identity: AwsCredentialIdentity,
  profile?: string,
): string {
  const features = (identity as { $source?: Record<string, unknown> }).$source ?? {};
  const name = profile ?? "default";
  for (const [feature, label] of labels) {
    if (feature in features) return label(name);
  }
  return "unknown";
}
