import { UsageError } from "../errors.js";

/**
 * Input errors raised by the presign core. They carry a stable `code`, a message
 * that names the bad value, and a `hint` that says what to type instead. They are
 * usage errors (exit 2: nothing was signed), so the CLI prints them as
 * `{"error":{"code","message","hint"}}` like any other bad input.
 */
export type PresignInputErrorCode =
  | "InvalidDuration"
  | "ExpiresTooLong"
  | "InvalidSize"
  | "MissingKey"
  | "InvalidBucketName"
  | "InvalidRegion"
  | "InvalidEndpoint"
  | "InvalidOption";

export class PresignInputError extends UsageError {
  declare readonly code: PresignInputErrorCode;
  declare readonly hint: string;

  constructor(code: PresignInputErrorCode, message: string, hint: string) {
    super(message, hint, code);
    this.name = "PresignInputError";
  }

  override toJSON(): { code: PresignInputErrorCode; message: string; hint: string } {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}
