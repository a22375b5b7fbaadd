/**
 * Exit codes are an interface: scripts branch on them, so every failure maps to
 * exactly one of these (see the README's "Exit codes").
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  accessDenied: 4,
  conflict: 5,
  checkFailed: 6,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorInfo {
  /** Stable, machine-readable identifier, e.g. `NoCredentials` or `InvalidBucketName`. */
  code: string;
  message: string;
  hint?: string;
  /** Items the message is about (one per line for people; a list in JSON), when there are many. */
  details?: string[];
}

/** An error s3kit understands: it carries its exit code and a hint for the user. */
export class S3kitError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly details: string[] | undefined;

  constructor(info: ErrorInfo & { exitCode: ExitCodeValue }, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = "S3kitError";
    this.code = info.code;
    this.exitCode = info.exitCode;
    this.hint = info.hint;
    this.details = info.details;
  }

  toJSON(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Bad input: raised before any API call, so nothing was changed. */
export class UsageError extends S3kitError {
  constructor(message: string, hint?: string, code = "UsageError", details?: string[]) {
    super({
      code,
      message,
      exitCode: ExitCode.usage,
      ...(hint ? { hint } : {}),
      ...(details ? { details } : {}),
    });
    this.name = "UsageError";
  }
}

export class NotFoundError extends S3kitError {
  constructor(message: string, hint?: string, code = "NotFound") {
    super({ code, message, exitCode: ExitCode.notFound, ...(hint ? { hint } : {}) });
    this.name = "NotFoundError";
  }
}

export class ConflictError extends S3kitError {
  constructor(message: string, hint?: string, code = "Conflict") {
    super({ code, message, exitCode: ExitCode.conflict, ...(hint ? { hint } : {}) });
    this.name = "ConflictError";
  }
}

/** A check (doctor, audit, lint, debug --expect) did not pass; the report was already printed. */
export class CheckFailedError extends S3kitError {
  constructor(message: string, hint?: string, code = "CheckFailed") {
    super({ code, message, exitCode: ExitCode.checkFailed, ...(hint ? { hint } : {}) });
    this.name = "CheckFailedError";
  }
}

export class InterruptedError extends S3kitError {
  constructor(message = "Interrupted.") {
    super({ code: "Interrupted", message, exitCode: ExitCode.interrupted });
    this.name = "InterruptedError";
  }
}
