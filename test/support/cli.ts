import { spawn } from "node:child_process";
import { join } from "node:path";
import { inject } from "vitest";
import { localEnv, root } from "../../scripts/servers.mjs";
import { cleanEnv, testEnv } from "./clean-env.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra or overriding variables; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

const bin = join(root, "bin", "s3kit");

export { cleanEnv };

/** Runs the built binary the way a user or a CI script would. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env = testEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env,
      cwd: options.cwd ?? root,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Environment pointing s3kit at the moto server started by the global setup. */
export function motoEnv(): Record<string, string> {
  return localEnv(inject("motoEndpoint"));
}

/** Runs s3kit against moto. */
export function runAgainstMoto(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  return runCli(args, { ...options, env: { ...motoEnv(), ...options.env } });
}

/** Environment pointing s3kit at the versitygw started by the global setup. */
export function versitygwEnv(): Record<string, string> {
  return localEnv(inject("versitygwEndpoint"));
}

/** Runs s3kit against versitygw, which verifies presigned signatures and expiry. */
export function runAgainstVersitygw(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  return runCli(args, { ...options, env: { ...versitygwEnv(), ...options.env } });
}

/** Environment pointing s3kit at the MinIO started by the global setup (its root user). */
export function minioEnv(): Record<string, string> {
  return localEnv(inject("minioEndpoint"));
}

/** Runs s3kit against MinIO, which enforces policies for real. */
export function runAgainstMinio(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  return runCli(args, { ...options, env: { ...minioEnv(), ...options.env } });
}
