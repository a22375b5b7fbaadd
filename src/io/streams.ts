import type { Readable, Writable } from "node:stream";

/**
 * The terminal as s3kit sees it. Commands never touch process.stdout directly, so
 * tests can hand in buffers and decide what is a TTY.
 */
export interface IOStreams {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width for tables and progress bars; 80 when not a terminal. */
  columns: number;
}

export function systemStreams(): IOStreams {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns || process.stdout.columns || 80,
  };
}
