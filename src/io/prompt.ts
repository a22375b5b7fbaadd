import { InterruptedError, UsageError } from "../core/errors.js";
import type { Output } from "./output.js";
import { toTerminal } from "./terminal-text.js";

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
    ask(
      { message: toTerminal(message), default: false },
      { input: out.streams.stdin, output: out.streams.stderr },
    ),
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

export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
}

/** Questions for a wizard, asked on the terminal; Ctrl-C at any of them exits 130. */
export interface Asker {
  input(
    message: string,
    options?: {
      default?: string;
      /** true when the answer is fine, otherwise what is wrong (shown under the prompt). */
      validate?: (value: string) => true | string;
      /** Live feedback while typing, e.g. ✓ or the first problem. */
      hint?: (value: string) => string;
    },
  ): Promise<string>;
  select<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/** An Asker on this terminal; without one it is a usage error naming what to pass instead. */
export async function terminalAsker(out: Output, withoutTerminal: string): Promise<Asker> {
  if (!canPrompt(out)) {
    throw new UsageError(
      "There is no terminal to ask the questions on.",
      withoutTerminal,
      "NoTerminal",
    );
  }
  const prompts = await import("@inquirer/prompts");
  const context = { input: out.streams.stdin, output: out.streams.stderr };
  return {
    input: (message, options = {}) =>
      guardInterrupt(() =>
        prompts.input(
          {
            message: toTerminal(message),
            ...(options.default !== undefined ? { default: options.default } : {}),
            ...(options.validate ? { validate: options.validate } : {}),
            ...(options.hint
              ? {
                  transformer: (value: string, { isFinal }: { isFinal: boolean }) =>
                    isFinal || value === ""
                      ? value
                      : toTerminal(`${value}  ${out.errStyle.dim(options.hint?.(value) ?? "")}`),
                }
              : {}),
          },
          context,
        ),
      ),
    select: (message, choices, defaultValue) =>
      guardInterrupt(() =>
        prompts.select(
          {
            message: toTerminal(message),
            choices: choices.map((c) => ({
              ...c,
              name: toTerminal(c.name),
              ...(c.description !== undefined ? { description: toTerminal(c.description) } : {}),
            })),
            ...(defaultValue !== undefined ? { default: defaultValue } : {}),
          },
          context,
        ),
      ),
    confirm: (message, defaultValue) =>
      guardInterrupt(() =>
        prompts.confirm({ message: toTerminal(message), default: defaultValue }, context),
      ),
  };
}
