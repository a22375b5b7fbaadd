// Runs s3kit in this process, as bin/s3kit would run it, with buffers for the terminal: for
// commands that need no server (bad input, help, offline policy work), where spawning the
// built binary costs far more than the command itself.
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import type { InterruptCleanup } from "../../src/core/cleanup.js";
import type { IOStreams } from "../../src/io/streams.js";
import { runProgram as run } from "../../src/program.js";
import { testEnv } from "./clean-env.js";

export interface ProgramRun {
  argv: readonly string[];
  /** Variables on top of a clean environment (no AWS settings, an empty HOME); `undefined` removes one. */
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  /** The working directory s3kit resolves relative paths against; the repository by default. */
  cwd?: string;
  /** Which streams count as a terminal (none by default, as under a CI runner). */
  tty?: { stdin?: boolean; stdout?: boolean; stderr?: boolean };
  columns?: number;
}

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

const repoRoot = join(import.meta.dirname, "..", "..");

/** A terminal stream that keeps what is written. */
class Capture extends Writable {
  readonly #chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.#chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    done();
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}

/**
 * Runs s3kit with `argv` and returns its exit code and output. Nothing of the test process
 * is handed in: the environment is a copy, the working directory a parameter, the terminal
 * buffers, and Ctrl-C a signal of this run alone. A run that changed the process itself
 * (its working directory, environment, exit code or signal handlers) fails the test, as the
 * next run would see the change.
 */
export async function runProgram(options: ProgramRun): Promise<ProgramResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]);
  const streams: IOStreams = {
    stdin,
    stdout,
    stderr,
    stdinIsTTY: options.tty?.stdin === true,
    stdoutIsTTY: options.tty?.stdout === true,
    stderrIsTTY: options.tty?.stderr === true,
    columns: options.columns ?? 80,
  };
  const cleanups = new Set<InterruptCleanup>();
  const before = processState();
  const code = await run({
    argv: options.argv,
    streams,
    env: testEnv(options.env),
    cwd: options.cwd ?? repoRoot,
    signal: new AbortController().signal,
    onInterrupt: (cleanup) => {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
  });
  const after = processState();
  if (after !== before) {
    throw new Error(`s3kit ${options.argv.join(" ")} changed the process:\n${before}\n${after}`);
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function processState(): string {
  return JSON.stringify({
    cwd: process.cwd(),
    env: process.env,
    exitCode: process.exitCode,
    listeners: ["SIGINT", "SIGTERM", "exit", "beforeExit"].map((e) => process.listenerCount(e)),
  });
}

/** `runProgram` with the arguments and options of `runCli`, for tests that may run either way. */
export function runInProcess(
  argv: readonly string[],
  options: { env?: Record<string, string | undefined>; input?: string | Buffer; cwd?: string } = {},
): Promise<ProgramResult> {
  return runProgram({
    argv,
    ...(options.env ? { env: options.env } : {}),
    ...(options.input !== undefined ? { stdin: options.input } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
}
