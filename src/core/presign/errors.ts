/**
 * Input errors raised by the presign core. They carry a stable `code`, a message
 * that names the bad value, and a `hint` that says what to type instead, so the
 * CLI can print them as `{"error":{"code","message","hint"}}` and exit 2
 * (usage or invalid input: nothing was changed). A shared error base class is
 * planned for src/core/errors.ts; this class keeps the same three fields so it can
 * be mapped onto it without touching the call sites.
 */
export type PresignInputErrorCode =
  | "invalid_duration"
  | "expires_too_long"
  | "invalid_size"
  | "invalid_location"
  | "missing_bucket"
  | "missing_key"
  | "invalid_bucket"
  | "invalid_key"
  | "invalid_region"
  | "invalid_endpoint"
  | "invalid_option";

export class PresignInputError extends Error {
  override readonly name = "PresignInputError";
  readonly code: PresignInputErrorCode;
  readonly hint: string;

  constructor(code: PresignInputErrorCode, message: string, hint: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }

  toJSON(): { code: PresignInputErrorCode; message: string; hint: string } {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}
