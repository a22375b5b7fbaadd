// Errors thrown by the policy core for bad input. PolicyInputError is a UsageError
// (exit code 2, "usage or invalid input, nothing was changed"), so the CLI's error
// handler needs no special case; it adds where in the input the problem is.

import { UsageError } from "../errors.js";

export type PolicyInputErrorCode =
  | "invalid-json"
  | "nested-too-deeply"
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

export class PolicyInputError extends UsageError {
  declare readonly code: PolicyInputErrorCode;
  declare readonly hint: string;
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
    super(message, hint, code);
    this.name = "PolicyInputError";
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
    if (where.path !== undefined) this.path = where.path;
  }
}

/** Exit 2 for JSON nested deeper than any policy can be, with where it goes too deep. */
export function nestedTooDeeply(
  source: string,
  position: { line: number; column: number } | undefined,
  maxDepth: number,
): PolicyInputError {
  const at = position ? ` at line ${position.line}, column ${position.column}` : "";
  return new PolicyInputError(
    "nested-too-deeply",
    `${source} is nested too deeply: more than ${maxDepth} levels of arrays and objects${at}; a policy needs at most 7`,
    "Check that this is the policy you meant; a policy is a flat list of statements.",
    position ? { line: position.line, column: position.column } : {},
  );
}
