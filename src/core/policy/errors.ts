// Errors thrown by the policy core for bad input. The CLI maps PolicyInputError to
// exit code 2 ("usage or invalid input, nothing was changed"). Self-contained on
// purpose: a shared base class may replace Error later without changing these fields.

export type PolicyInputErrorCode =
  | "invalid-json"
  | "not-a-policy"
  | "invalid-policy"
  | "action-without-service"
  | "malformed-arn"
  | "invalid-bucket-name"
  | "invalid-prefix"
  | "unknown-access-level"
  | "invalid-kms-key"
  | "invalid-sid-prefix"
  | "invalid-context"
  | "invalid-action"
  | "invalid-request";

export class PolicyInputError extends Error {
  readonly code: PolicyInputErrorCode;
  readonly hint: string;
  /** 1-based position in the input text, when the error points into a document. */
  readonly line?: number;
  readonly column?: number;
  /** `Statement[1].Action[0]`, when the error concerns one element of a policy. */
  readonly path?: string;

  constructor(
    code: PolicyInputErrorCode,
    message: string,
    hint: string,
    where: { line?: number; column?: number; path?: string } = {},
  ) {
    super(message);
    this.name = "PolicyInputError";
    this.code = code;
    this.hint = hint;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
    if (where.path !== undefined) this.path = where.path;
  }
}
