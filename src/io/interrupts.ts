import type { Writable } from "node:stream";
import type { InterruptCleanup, PendingStep } from "../core/cleanup.js";
import { ExitCode } from "../core/errors.js";

export interface InterruptOptions {
  stderr: Writable;
  /** Ends the process (after the last message has been written). */
  exit: (code: number) => void;
  /** How long cleanup may take before s3kit gives up and says what is left. */
  deadlineMs?: number;
  /** After cleanup, how long the command may take to finish what it prints. */
  graceMs?: number;
}

/** How many pending steps the "still cleaning up" line names before it summarises. */
const NAMED_STEPS = 3;

/**
 * What Ctrl-C does. The first one stops the run (the signal) and starts every registered
 * cleanup; s3kit exits 130 when they are done. A second one says what is still being
 * cleaned up and that a third one quits without it; the third quits at once and prints
 * the commands that finish the cleanup by hand. A cleanup that fails or does not end in
 * time is reported the same way: an abandoned cleanup is never silent.
 */
export class Interrupts {
  readonly #controller = new AbortController();
  readonly #cleanups = new Set<InterruptCleanup>();
  readonly #options: InterruptOptions;
  #presses = 0;
  #exiting = false;
  #finish: () => void = () => {};
  readonly #finished = new Promise<void>((resolve) => {
    this.#finish = resolve;
  });

  constructor(options: InterruptOptions) {
    this.#options = options;
  }

  /** Aborted on the first Ctrl-C. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get interrupted(): boolean {
    return this.#presses > 0;
  }

  /** The command has returned (and its output is flushed). */
  finished(): void {
    this.#finish();
  }

  register(cleanup: InterruptCleanup): () => void {
    this.#cleanups.add(cleanup);
    return () => this.#cleanups.delete(cleanup);
  }

  /** One Ctrl-C. */
  press(): void {
    if (this.#exiting) return;
    this.#presses++;
    if (this.#presses === 1) {
      this.#cleanUp();
      return;
    }
    const pending = this.#pending();
    if (this.#presses === 2) {
      if (pending.length > 0) {
        this.#write(
          `warning: still cleaning up: ${summarise(pending)}; press Ctrl-C again to quit without cleaning up.`,
        );
      }
      return;
    }
    this.#exit(pending, "quit without cleaning up");
  }

  #cleanUp(): void {
    const running = [...this.#cleanups];
    this.#controller.abort();
    const settled = Promise.all(
      running.map(async (cleanup) => {
        try {
          await cleanup.run();
        } catch {
          // Whatever it could not do stays in its pending steps, reported below.
        }
      }),
    );
    const deadlineMs = this.#options.deadlineMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), deadlineMs);
      timer.unref();
    });
    void Promise.race([settled, deadline]).then(async (outcome) => {
      clearTimeout(timer);
      // A cleanup often ends with the command reporting it (what was aborted, a secret
      // that could not be saved): let that out before exiting, within a short grace.
      if (running.length > 0 && outcome !== "timeout") {
        await Promise.race([this.#finished, sleep(this.#options.graceMs ?? 2_000)]);
      }
      const left = this.#pending(running);
      this.#exit(
        left,
        outcome === "timeout"
          ? `cleanup did not finish within ${deadlineMs / 1000} s`
          : "cleanup could not finish",
      );
    });
  }

  #pending(cleanups: Iterable<InterruptCleanup> = this.#cleanups): PendingStep[] {
    const steps: PendingStep[] = [];
    for (const cleanup of cleanups) {
      try {
        steps.push(...cleanup.pending());
      } catch {
        // A cleanup that cannot describe itself is not worth crashing the exit for.
      }
    }
    return steps;
  }

  /** Exits 130, after listing what is left to do by hand (if anything). */
  #exit(left: readonly PendingStep[], why: string): void {
    if (this.#exiting) return;
    this.#exiting = true;
    if (left.length > 0) {
      const lines = left.flatMap((step) =>
        step.command
          ? [`  # ${visible(step.doing)}`, `  ${step.command}`]
          : [`  # ${visible(step.doing)}`],
      );
      this.#write(`warning: ${why}; still to do by hand:\n${lines.join("\n")}`);
    }
    const { stderr, exit } = this.#options;
    if (!(stderr as { writableLength?: number }).writableLength) {
      exit(ExitCode.interrupted);
      return;
    }
    // On a socket or pipe of a parent process stderr is asynchronous: let the message out.
    const fallback = setTimeout(() => exit(ExitCode.interrupted), 1_000);
    stderr.write("", () => {
      clearTimeout(fallback);
      exit(ExitCode.interrupted);
    });
  }

  #write(text: string): void {
    this.#options.stderr.write(`${text}\n`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function summarise(steps: readonly PendingStep[]): string {
  const named = steps.slice(0, NAMED_STEPS).map((s) => visible(s.doing));
  const rest = steps.length - named.length;
  return rest > 0 ? `${named.join("; ")} and ${rest} more` : named.join("; ");
}

/** Control characters (from keys and file names) shown as escapes, never sent to the terminal raw. */
function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to show
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x80
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
