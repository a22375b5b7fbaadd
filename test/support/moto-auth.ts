// A moto server of its own with IAM access control switched on after setup. Access
// control is global to a moto process, so tests that need it never share the global one.
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type LocalServer, localEnv, startMoto } from "../../scripts/servers.mjs";
import { type Credentials, clients, createBucket } from "./iam-clients.js";

export interface AuthMoto {
  server: LocalServer;
  endpoint: string;
  /** An IAM user allowed everything: s3kit runs as this one once access control is on. */
  admin: Credentials;
  /** The environment for s3kit as the admin. */
  adminEnv: Record<string, string>;
  /** Every request from now on must be signed by a known key and allowed by its policies. */
  enforce(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAuthMoto(buckets: readonly string[]): Promise<AuthMoto> {
  const server = await startMoto();
  const { endpoint } = server;
  const { iam } = clients(endpoint);
  await iam.send(new CreateUserCommand({ UserName: "s3kit-test-admin" }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: "s3kit-test-admin",
      PolicyName: "everything",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "s3kit-test-admin" })))
    .AccessKey;
  const admin = {
    accessKeyId: key?.AccessKeyId ?? "",
    secretAccessKey: key?.SecretAccessKey ?? "",
  };
  for (const bucket of buckets) await createBucket(endpoint, bucket);
  return {
    server,
    endpoint,
    admin,
    adminEnv: {
      ...localEnv(endpoint),
      AWS_ACCESS_KEY_ID: admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
    },
    enforce: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset-auth`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "0",
      });
      if (!res.ok) throw new Error(`reset-auth failed: ${res.status}`);
    },
    stop: () => server.stop(),
  };
}

/** What a request with these keys gets: "ok" or the error's code. */
export async function tryPut(
  endpoint: string,
  credentials: Credentials,
  bucket: string,
  key: string,
): Promise<string> {
  const { s3 } = clients(endpoint, credentials);
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "hello" }));
    return "ok";
  } catch (err) {
    return (err as { Code?: string; name?: string }).Code ?? (err as Error).name;
  }
}

export async function tryGet(
  endpoint: string,
  credentials: Credentials,
  bucket: string,
  key: string,
): Promise<string> {
  const { s3 } = clients(endpoint, credentials);
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await got.Body?.transformToString()) === "hello" ? "ok" : "wrong body";
  } catch (err) {
    return (err as { Code?: string; name?: string }).Code ?? (err as Error).name;
  }
}
