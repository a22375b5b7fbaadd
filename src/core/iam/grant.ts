// The validated input shared by `iam add-dev` and `iam add-role`: bucket, access
// level and prefixes, the generated policy, and the names derived from them.

import { UsageError } from "../errors.js";
import { PolicyInputError } from "../policy/errors.js";
import { generatePolicy } from "../policy/generate.js";
import type { AccessLevel } from "../policy/templates.js";
import type { PolicyDocument } from "../policy/types.js";
import { type GrantSpec, grantName } from "./names.js";

export interface GrantInput {
  bucket: string;
  access: string;
  prefixes?: readonly string[];
  perUserPrefix?: boolean;
  kmsKeyArn?: string;
}

export interface Grant extends GrantSpec {
  access: AccessLevel;
  /** Name of the managed policy and of the group. */
  name: string;
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
  return {
    ...spec,
    access: input.access as AccessLevel,
    name: grantName(spec),
    document,
    ...(input.kmsKeyArn ? { kmsKeyArn: input.kmsKeyArn } : {}),
  };
}
