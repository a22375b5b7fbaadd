import { InterruptedError, UsageError } from "../core/errors.js";
import type { Output } from "./output.js";

export interface PromptOptions {
  /** --yes: never ask, answer yes. */
  yes: boolean;
}

function canPrompt(out: Output): boolean {
  return out.streams.stdinIsTTY && out.streams.stderrIsTTY;
}

/**
 * Asks before a destructive or costly change. Without a terminal there is nobody to
 * ask, so the answer must come from --yes; guessing "yes" would be unsafe in CI.
 */
export async function confirm(
  out: Output,
  message: string,
  options: PromptOptions,
): Promise<boolean> {
  if (options.yes) return true;
  if (!canPrompt(out)) {
    throw new UsageError(
      `${message} There is no terminal to ask for confirmation.`,
      "Pass --yes to confirm without a prompt.",
      "ConfirmationRequired",
    );
  }
  const { confirm: ask } = await import("@inquirer/prompts");
  return guardInterrupt(() =>
    ask({ message, default: false }, { input: out.streams.stdin, output: out.streams.stderr }),
  );
}

/** Ctrl-C at a prompt is an interruption (exit 130), not a crash. */
export async function guardInterrupt<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if ((err as Error).name === "ExitPromptError" || (err as Error).name === "AbortPromptError") {
      throw new InterruptedError("Cancelled at the prompt; nothing was changed.");
    }
    throw err;
  }
}
