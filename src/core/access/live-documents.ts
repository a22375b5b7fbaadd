// Policy documents read from IAM or S3 are input like a file: decoded, and refused
// (exit 2) when nested deeper than any policy can be.

import { GetPolicyCommand, GetPolicyVersionCommand, type IAMClient } from "@aws-sdk/client-iam";
import { decodePolicyDocument } from "../iam/policies.js";
import { nestedTooDeeply } from "../policy/errors.js";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../policy/json-parse.js";
import type { PolicyDocument } from "../policy/types.js";

/** The default version of a managed policy. */
export async function managedDocument(
  iam: IAMClient,
  arn: string,
): Promise<{ versionId: string; document: PolicyDocument }> {
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const versionId = policy.Policy?.DefaultVersionId ?? "v1";
  const version = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }),
  );
  const document = decodePolicyDocument(version.PolicyVersion?.Document);
  assertNotTooDeep(document, `Policy ${arn} (${versionId})`);
  return { versionId, document };
}

/**
 * A policy read from IAM or S3 is input like a file: nested thousands deep it would
 * exhaust the stack later on (copying, printing), so it is exit 2 here.
 */
export function assertNotTooDeep(document: unknown, source: string): void {
  if (nestedDeeperThan(document, MAX_JSON_DEPTH)) {
    throw nestedTooDeeply(source, undefined, MAX_JSON_DEPTH);
  }
}
