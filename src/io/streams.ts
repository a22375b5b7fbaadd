import type { Readable, Writable } from "node:stream";

/**
 * The terminal as s3kit sees it. Commands never touch process.stdout directly, so
 * tests can hand in buffers and decide what is a TTY.
 */
export interface IOStreams {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Terminal width for tables and progress bars; 80 when not a terminal. */
  readonly columns: number;
}

/**
 * The process's streams. Getters, because Node builds each stream on first access and
 * stdin in particular is costly to set up: `--help` should not pay for it.
 */
export function systemStreams(): IOStreams {
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdinIsTTY() {
      return Boolean(process.stdin.isTTY);
    },
    get stdoutIsTTY() {
      return Boolean(process.stdout.isTTY);
    },
    get stderrIsTTY() {
      return Boolean(process.stderr.isTTY);
    },
    get columns() {
      return process.stderr.columns || process.stdout.columns || 80;
    },
  };
}
