import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { minioEnv } from "./cli.js";

function rootCredentials() {
  const env = minioEnv();
  return {
    endpoint: env.AWS_ENDPOINT_URL as string,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
    },
  };
}

/** A plain SDK client on the test MinIO as its root user. */
export function minioS3(): S3Client {
  return new S3Client({
    ...rootCredentials(),
    region: "us-east-1",
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

export async function minioBucket(prefix: string): Promise<string> {
  const bucket = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const s3 = minioS3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  return bucket;
}

/**
 * Temporary keys whose rights are exactly `policy`: MinIO's STS AssumeRole takes a session
 * policy, and MinIO enforces it for real (prefix conditions included), so a policy s3kit
 * generated can be tried as the key a developer would get. Returns the environment for s3kit.
 */
export async function minioKeysFor(policy: unknown): Promise<Record<string, string>> {
  const sts = new STSClient({ ...rootCredentials(), region: "us-east-1" });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::000000000000:role/s3kit-test",
        RoleSessionName: "s3kit-test",
        DurationSeconds: 900,
        Policy: typeof policy === "string" ? policy : JSON.stringify(policy),
      }),
    );
    return {
      AWS_ACCESS_KEY_ID: c?.AccessKeyId as string,
      AWS_SECRET_ACCESS_KEY: c?.SecretAccessKey as string,
      AWS_SESSION_TOKEN: c?.SessionToken as string,
    };
  } finally {
    sts.destroy();
  }
}
