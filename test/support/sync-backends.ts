import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { inject } from "vitest";
import { localCredentials, localEnv } from "../../scripts/servers.mjs";
import { type CliResult, runCli } from "./cli.js";
import { type RequestLog, startRequestLog } from "./request-log.js";

/** The local servers a sync test runs against. */
export const syncBackends = [
  { name: "moto", endpoint: () => inject("motoEndpoint") },
  { name: "versitygw", endpoint: () => inject("versitygwEndpoint") },
] as const;

export function clientFor(endpoint: string): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: localCredentials,
  });
}

/** A server, a client of the test's own to read back, and a log of what s3kit sent. */
export interface SyncServer {
  s3: S3Client;
  log: RequestLog;
  /** Runs s3kit through the request log. */
  run(args: readonly string[], options?: { cwd?: string; timeoutMs?: number }): Promise<CliResult>;
  keys(bucket: string, prefix?: string): Promise<string[]>;
  body(bucket: string, key: string): Promise<string>;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
}

export async function syncServer(endpoint: string): Promise<SyncServer> {
  const s3 = clientFor(endpoint);
  const log = await startRequestLog(endpoint);
  return {
    s3,
    log,
    run: (args, options = {}) =>
      runCli(args, {
        env: localEnv(log.endpoint),
        ...(options.cwd ? { cwd: options.cwd } : {}),
        timeoutMs: options.timeoutMs ?? 60_000,
      }),
    keys: async (bucket, prefix = "") => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix || undefined,
            ContinuationToken: token,
          }),
        );
        for (const o of page.Contents ?? []) keys.push(o.Key as string);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    body: async (bucket, key) => {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (out.Body as { transformToString(): Promise<string> }).transformToString();
    },
    put: async (bucket, key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
  };
}

/** Writes files (relative path → content) under `root`, each with the given mtime (seconds). */
export function writeTree(root: string, files: Record<string, string>, mtime?: number): void {
  for (const [rel, body] of Object.entries(files)) {
    const path = join(root, ...rel.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    if (mtime !== undefined) utimesSync(path, mtime, mtime);
  }
}

/** The object keys of upload requests (PUT without a copy source), decoded, sorted. */
export function uploadedKeys(log: RequestLog, bucket: string): string[] {
  return log.requests
    .filter((r) => r.method === "PUT" && !r.headers["x-amz-copy-source"])
    .map((r) => keyOf(r.url, bucket))
    .sort();
}

/** The object keys of server-side copies, sorted. */
export function copiedKeys(log: RequestLog, bucket: string): string[] {
  return log.requests
    .filter((r) => r.method === "PUT" && r.headers["x-amz-copy-source"])
    .map((r) => keyOf(r.url, bucket))
    .sort();
}

/** The object keys of GETs of objects (not listings), sorted. */
export function downloadedKeys(log: RequestLog, bucket: string): string[] {
  return log.requests
    .filter((r) => r.method === "GET" && !/[?&]list-type=2/.test(r.url))
    .map((r) => keyOf(r.url, bucket))
    .sort();
}

function keyOf(url: string, bucket: string): string {
  const path = url.split("?")[0] as string;
  const prefix = `/${bucket}/`;
  return path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : path;
}
