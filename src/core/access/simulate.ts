// A second opinion from AWS: SimulatePrincipalPolicy evaluates the principal's real
// policies. S3-compatible endpoints (moto, MinIO) do not implement it; that is said in
// one line rather than treated as a failure.

import { type ContextEntry, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, httpStatusOf, mapAwsError } from "../../aws/errors.js";
import type { Decision, EvaluationRequest, PolicyDocument } from "../policy/types.js";

export interface SimulatedDecision {
  action: string;
  resource: string;
  decision: Decision;
  /** The statements AWS says matched (policy ids). */
  matched: string[];
}

export type Simulation =
  | { status: "done"; results: SimulatedDecision[] }
  | { status: "unsupported"; note: string }
  | { status: "failed"; note: string };

const DECISIONS: Record<string, Decision> = {
  allowed: "allowed",
  explicitDeny: "explicit-deny",
  implicitDeny: "implicit-deny",
};

/** Context keys AWS fills in itself; passing them would only get in the way. */
const IMPLICIT_KEYS = new Set(["aws:currenttime", "aws:epochtime", "aws:securetransport"]);

function contextEntries(request: EvaluationRequest): ContextEntry[] {
  return Object.entries(request.context ?? {})
    .filter(([key]) => !IMPLICIT_KEYS.has(key.toLowerCase()))
    .map(([key, value]) => ({
      ContextKeyName: key,
      ContextKeyValues: Array.isArray(value) ? value : [value],
      ContextKeyType: Array.isArray(value) ? "stringList" : "string",
    }));
}

function unsupported(err: unknown): boolean {
  const code = errorCodeOf(err);
  const status = httpStatusOf(err);
  return (
    ["NotImplemented", "InvalidAction", "UnknownOperation", "InternalFailure", "Unknown"].includes(
      code,
    ) ||
    status === 500 ||
    status === 501 ||
    status === 404
  );
}

/** Asks IAM's policy simulator about each request; one call per request. */
export async function simulatePrincipal(
  aws: Aws,
  principalArn: string,
  requests: readonly EvaluationRequest[],
  bucketPolicy?: PolicyDocument,
): Promise<Simulation> {
  const iam = await aws.iam();
  const results: SimulatedDecision[] = [];
  for (const request of requests) {
    try {
      const out = await iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: principalArn,
          ActionNames: [request.action],
          ResourceArns: [request.resource],
          ...(bucketPolicy ? { ResourcePolicy: JSON.stringify(bucketPolicy) } : {}),
          ...(request.resourceAccount
            ? { ResourceOwner: `arn:aws:iam::${request.resourceAccount}:root` }
            : {}),
          ContextEntries: contextEntries(request),
        }),
      );
      const r = out.EvaluationResults?.[0];
      results.push({
        action: request.action,
        resource: request.resource,
        decision: DECISIONS[r?.EvalDecision ?? ""] ?? "implicit-deny",
        matched: (r?.MatchedStatements ?? []).map((s) => s.SourcePolicyId ?? "").filter(Boolean),
      });
    } catch (err) {
      if (aws.usesCustomEndpoint && unsupported(err)) {
        return {
          status: "unsupported",
          note: `${aws.endpoint("iam")} does not implement SimulatePrincipalPolicy; the results are s3kit's own evaluation.`,
        };
      }
      const mapped = mapAwsError(err);
      return {
        status: "failed",
        note: `Could not ask IAM's policy simulator (${mapped.code}: ${mapped.message}); the results are s3kit's own evaluation.`,
      };
    }
  }
  return { status: "done", results };
}
