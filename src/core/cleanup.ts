// What a run leaves behind when it is interrupted, described so that an abandoned cleanup
// is never silent: each step says what it does and how to do it by hand.

/** One step a cleanup has not finished yet. */
export interface PendingStep {
  /** What the step does, e.g. "aborting multipart upload s3://b/k (upload id …)". */
  doing: string;
  /** A shell command that does it by hand, if s3kit quits before it is done. */
  command?: string;
}

/**
 * Cleanup registered for Ctrl-C: `run` starts on the first Ctrl-C; `pending` tells, at
 * any moment, what is still to do (nothing once the cleanup has finished). A cleanup
 * whose `run` fails keeps its steps pending, so they are reported with their commands.
 */
export interface InterruptCleanup {
  run(): Promise<void> | void;
  pending(): PendingStep[];
}

/** Registers a cleanup for Ctrl-C; returns the function that unregisters it. */
export type RegisterCleanup = (cleanup: InterruptCleanup) => () => void;
