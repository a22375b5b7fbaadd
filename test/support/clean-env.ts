import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A home without ~/.aws, so the developer's own profiles never leak into a test.
const emptyHome = mkdtempSync(join(tmpdir(), "s3kit-home-"));

/** The process environment without anything that selects AWS credentials or endpoints. */
export function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("AWS_") && key !== "AWS_CA_BUNDLE") continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: emptyHome,
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
  };
}

/** A clean environment with `overrides` on top; an `undefined` value removes a variable. */
export function testEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const env = { ...cleanEnv(), ...overrides };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as Record<string, string>;
}
