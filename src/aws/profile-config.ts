import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join, sep } from "node:path";
import { UsageError } from "../core/errors.js";
import type { ConnectionOptions, ProfileConfig } from "./settings.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface SharedFilePaths {
  config: string;
  credentials: string;
}

/** The selected profile's settings from the shared config and credentials files. */
export async function readProfileConfig(
  options: ConnectionOptions,
  env: Env,
): Promise<ProfileConfig> {
  const name = options.profile ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? "default";
  const paths = sharedFilePaths(env);
  // CI jobs and containers often have keys in the environment and no files at all: then the
  // SDK's file loader (and the modules it brings) is not needed.
  const files =
    mayHoldProfiles(paths.config) || mayHoldProfiles(paths.credentials)
      ? await (await import("./shared-files-loader.js")).loadSharedFiles(paths)
      : { configFile: {}, credentialsFile: {} };
  const fromConfig = files.configFile[name];
  const fromCredentials = files.credentialsFile[name];
  if (options.profile && !fromConfig && !fromCredentials) {
    throw new UsageError(
      `The profile "${name}" is not in the AWS config or credentials files.`,
      "List profiles with `aws configure list-profiles`, or create one with `aws configure --profile NAME`.",
      "ProfileNotFound",
    );
  }
  return {
    region: fromConfig?.region ?? fromCredentials?.region,
    endpoint_url: fromConfig?.endpoint_url ?? fromCredentials?.endpoint_url,
    ca_bundle: fromConfig?.ca_bundle,
  };
}

/** Where the files are, found the way the SDK finds them (and then handed to its loader). */
export function sharedFilePaths(env: Env): SharedFilePaths {
  const home =
    env.HOME ||
    env.USERPROFILE ||
    (env.HOMEPATH ? `${env.HOMEDRIVE || `C:${sep}`}${env.HOMEPATH}` : homedir());
  const expand = (path: string) => (path.startsWith("~/") ? join(home, path.slice(2)) : path);
  return {
    config: expand(env.AWS_CONFIG_FILE || join(home, ".aws", "config")),
    credentials: expand(env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials")),
  };
}

/** False only for a file that cannot hold a profile: missing, or empty like /dev/null. */
export function mayHoldProfiles(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.size > 0 || stat.isFIFO();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
