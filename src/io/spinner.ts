import type { Output } from "./output.js";
import { symbols } from "./style.js";
import { toTerminal } from "./terminal-text.js";

export interface Spinner {
  text(message: string): void;
  succeed(message?: string): void;
  fail(message?: string): void;
  stop(): void;
}

/**
 * A spinner on an interactive stderr; elsewhere only the final ✓/✗ line (and nothing
 * at all with --json). ora is loaded only when a spinner is really shown.
 */
export async function startSpinner(out: Output, message: string): Promise<Spinner> {
  if (!out.interactive) return plainSpinner(out, message);
  const { default: ora } = await import("ora");
  // ora writes to the terminal itself: what it is given is made safe first.
  const spinner = ora({
    text: toTerminal(message),
    stream: out.streams.stderr,
    discardStdin: false,
  }).start();
  let current = message;
  return {
    text: (m) => {
      current = m;
      spinner.text = toTerminal(m);
    },
    succeed: (m) =>
      spinner.stopAndPersist({
        symbol: toTerminal(out.errStyle.green(symbols.ok)),
        text: toTerminal(m ?? current),
      }),
    fail: (m) =>
      spinner.stopAndPersist({
        symbol: toTerminal(out.errStyle.red(symbols.fail)),
        text: toTerminal(m ?? current),
      }),
    stop: () => spinner.stop(),
  };
}

function plainSpinner(out: Output, message: string): Spinner {
  let current = message;
  const quiet = out.json || out.options.quiet;
  return {
    text: (m) => {
      current = m;
    },
    succeed: (m) => {
      if (!quiet) out.streams.stderr.write(`${symbols.ok} ${toTerminal(m ?? current)}\n`);
    },
    fail: (m) => {
      if (!out.json) out.streams.stderr.write(`${symbols.fail} ${toTerminal(m ?? current)}\n`);
    },
    stop: () => {},
  };
}

/** Runs one step with a spinner, ending in ✓ or ✗. */
export async function withSpinner<T>(
  out: Output,
  message: string,
  work: () => Promise<T>,
): Promise<T> {
  const spinner = await startSpinner(out, message);
  try {
    const result = await work();
    spinner.succeed();
    return result;
  } catch (err) {
    spinner.fail();
    throw err;
  }
}
