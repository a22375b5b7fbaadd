import { S3Client } from "@aws-sdk/client-s3";
import { minioEnv, motoEnv, versitygwEnv } from "./cli.js";

/**
 * A plain SDK client on the test moto server, independent of s3kit: tests read back
 * what s3kit configured with it. `account` sends moto's account header, so a bucket
 * can belong to another AWS account.
 */
export function rawS3(options: { region?: string; account?: string } = {}): S3Client {
  const env = motoEnv();
  const client = new S3Client({
    region: options.region ?? "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
    },
  });
  if (options.account) {
    const account = options.account;
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers["x-moto-account-id"] = account;
        return next(args);
      },
      { step: "build", name: "motoAccount" },
    );
  }
  return client;
}

/** A bucket name unique to this test run: PREFIX-<time>-<random>. */
export function uniqueBucket(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A plain SDK client on the test MinIO or versitygw (their root user), to read back what s3kit did. */
export function rawS3On(server: "minio" | "versitygw"): S3Client {
  const env = server === "minio" ? minioEnv() : versitygwEnv();
  return new S3Client({
    region: "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
    },
  });
}
