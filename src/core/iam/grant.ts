// The validated input shared by `iam add-dev` and `iam add-role`: bucket, access
// level and prefixes, the generated policy, and the names derived from them.

import { UsageError } from "../errors.js";
import { PolicyInputError } from "../policy/errors.js";
import { generatePolicy } from "../policy/generate.js";
import type { AccessLevel } from "../policy/templates.js";
import type { PolicyDocument } from "../policy/types.js";
import { type GrantSpec, grantName, iamNameProblem } from "./names.js";

export interface GrantInput {
  bucket: string;
  access: string;
  prefixes?: readonly string[];
  perUserPrefix?: boolean;
  kmsKeyArn?: string;
  /** The policy's (and group's) name, instead of the one derived from the grant. */
  policyName?: string;
}

export interface Grant extends GrantSpec {
  access: AccessLevel;
  /** Name of the managed policy and of the group. */
  name: string;
  /** The name derived from the grant: `name` differs when --policy-name chose another. */
  derivedName: string;
  document: PolicyDocument;
  kmsKeyArn?: string;
}

/** PolicyInputError from the policy engine means bad input: exit 2, nothing changed. */
export function usageFromPolicyInput(err: unknown): unknown {
  if (err instanceof PolicyInputError) {
    return new UsageError(`${err.message}.`.replace(/\.\.$/, "."), err.hint, "InvalidInput");
  }
  return err;
}

/** Validates the grant and generates its policy; throws UsageError (exit 2) before any call. */
export function prepareGrant(input: GrantInput): Grant {
  const prefixes = [...new Set(input.prefixes ?? [])];
  let document: PolicyDocument;
  try {
    document = generatePolicy({
      bucket: input.bucket,
      access: input.access,
      prefixes,
      perUserPrefix: input.perUserPrefix === true,
      ...(input.kmsKeyArn ? { kmsKeyArn: input.kmsKeyArn } : {}),
    });
  } catch (err) {
    throw usageFromPolicyInput(err);
  }
  const spec: GrantSpec = {
    bucket: input.bucket,
    access: input.access,
    prefixes,
    perUserPrefix: input.perUserPrefix === true,
  };
  const derivedName = grantName(spec);
  if (input.policyName !== undefined) {
    const problem = iamNameProblem(input.policyName, "policy");
    if (problem) {
      throw new UsageError(
        `Invalid --policy-name "${input.policyName}": it ${problem}.`,
        "The name is the managed policy's and its group's: 1-128 letters, digits and + = , . @ _ -, e.g. shop-media-uploads.",
        "InvalidPolicyName",
      );
    }
  }
  return {
    ...spec,
    access: input.access as AccessLevel,
    name: input.policyName ?? derivedName,
    derivedName,
    document,
    ...(input.kmsKeyArn ? { kmsKeyArn: input.kmsKeyArn } : {}),
  };
}
