// Independent SDK clients for the IAM tests: they create buckets (the `bucket create`
// command lives elsewhere) and read back what s3kit configured, never through s3kit.
import { IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { localCredentials } from "../../scripts/servers.mjs";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export function clients(endpoint: string, credentials: Credentials = localCredentials) {
  const base = { region: "us-east-1", endpoint, credentials, maxAttempts: 1 };
  return {
    iam: new IAMClient(base),
    s3: new S3Client({
      ...base,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
  };
}

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  await clients(endpoint).s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Unique, valid names per test file and run (tests share one moto server). */
export function uniqueName(base: string): string {
  return `${base}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

/** Parses KEY=value lines. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = (m[2] ?? "").replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
  }
  return out;
}
