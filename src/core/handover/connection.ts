// The connection a handover file describes: its keys, and its region and endpoint over
// those of the environment (an app reading the file gets them the same way). An endpoint
// of AWS itself (the `s3` style always names one) is no custom endpoint: IAM and STS are
// not at the S3 address then.

import { readProjectFile } from "./project-file.js";
import { type HandoverFile, readHandoverFile } from "./read.js";

type Env = Readonly<Record<string, string | undefined>>;

const AWS_HOST = /(^|\.)amazonaws\.com(\.cn)?$/i;

export function isAwsEndpoint(url: string): boolean {
  try {
    return AWS_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

const CREDENTIAL_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
];

export interface FileConnection {
  env: Env;
  credentials: { accessKeyId: string; secretAccessKey: string };
  source: string;
  regionSource?: string;
  endpointSource?: string;
}

export function connectionFromFile(file: HandoverFile, env: Env): FileConnection {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of CREDENTIAL_VARIABLES) delete out[name];
  if (file.region) {
    out.AWS_REGION = file.region;
    delete out.AWS_DEFAULT_REGION;
  }
  if (file.endpoint) {
    for (const name of Object.keys(out)) if (name.startsWith("AWS_ENDPOINT_URL")) delete out[name];
    if (!isAwsEndpoint(file.endpoint)) out.AWS_ENDPOINT_URL = file.endpoint;
  }
  const where = (field: keyof HandoverFile["from"]) =>
    file.format === "aws-profile"
      ? `${file.path} [${file.userName}]`
      : `${file.path} ${file.from[field]}`;
  const keys =
    file.format === "aws-profile"
      ? ` [${file.userName}]`
      : file.format === "csv"
        ? ""
        : ` (${file.from["access-key-id"]}, ${file.from["secret-access-key"]})`;
  return {
    env: out,
    credentials: { accessKeyId: file.accessKeyId, secretAccessKey: file.secretAccessKey },
    source: `--env-file ${file.path}${keys}`,
    ...(file.region ? { regionSource: where("region") } : {}),
    ...(file.endpoint && !isAwsEndpoint(file.endpoint)
      ? { endpointSource: where("endpoint") }
      : {}),
  };
}

/**
 * Reads `--env-file` with the project file's names (and `profile`, the section of a
 * credentials file), and the connection it describes.
 */
export function openEnvFile(
  cwd: string,
  path: string,
  env: Env,
  profile?: string,
): { file: HandoverFile; connection: FileConnection } {
  const project = readProjectFile(cwd);
  const file = readHandoverFile(path, {
    cwd,
    ...(project?.mapping ? { mapping: project.mapping } : {}),
    ...(profile ? { profile } : {}),
  });
  return { file, connection: connectionFromFile(file, env) };
}
