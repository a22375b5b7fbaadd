import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { root } from "../../scripts/servers.mjs";
import { cleanEnv, motoEnv } from "./cli.js";

const bin = join(root, "bin", "s3kit");

/** An S3 client of the test's own, talking to moto directly: reads back what s3kit did. */
/** An SDK client straight to a test server (moto unless another server's env is given). */
export function directS3(
  extra: Partial<S3ClientConfig> = {},
  env: Record<string, string> = motoEnv(),
): S3Client {
  return new S3Client({
    ...extra,
    region: "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
    },
  });
}

export async function createBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = `${prefix}-${randomBytes(4).toString("hex")}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export function tempDir(prefix = "s3kit-objects-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A file of random bytes; returns its path. */
export function randomFile(dir: string, name: string, size: number): string {
  const path = join(dir, name);
  writeFileSync(path, size === 0 ? Buffer.alloc(0) : randomBytes(size));
  return path;
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256")
    .update(typeof data === "string" ? readFileSync(data) : data)
    .digest("hex");
}

export interface BinaryResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Starts the built binary against moto (or `endpoint`) with byte-exact stdin and stdout. */
export function spawnCli(
  args: readonly string[],
  options: { endpoint?: string; env?: Record<string, string | undefined>; cwd?: string } = {},
): ChildProcessWithoutNullStreams {
  const env: Record<string, string | undefined> = {
    ...cleanEnv(),
    ...motoEnv(),
    ...(options.endpoint ? { AWS_ENDPOINT_URL: options.endpoint } : {}),
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return spawn(process.execPath, [bin, ...args], {
    env: env as NodeJS.ProcessEnv,
    cwd: options.cwd ?? root,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export function finished(
  child: ChildProcessWithoutNullStreams,
  options: { input?: Buffer; timeoutMs?: number } = {},
): Promise<BinaryResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
}

/** Runs the built binary to the end with byte-exact stdin and stdout. */
export function runBinary(
  args: readonly string[],
  options: {
    input?: Buffer;
    endpoint?: string;
    env?: Record<string, string | undefined>;
    cwd?: string;
    timeoutMs?: number;
  } = {},
): Promise<BinaryResult> {
  return finished(spawnCli(args, options), options);
}

/** Waits until `check` returns a truthy value (polling), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
