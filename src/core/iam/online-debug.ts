// Online `policy debug`: gather the principal's real policies and the bucket's
// settings, evaluate every action with the policy engine, explain each denial, and
// compare with AWS's own simulator and (with --probe) with real requests.

import type { Aws } from "../../aws/clients.js";
import { type Diagnosis, diagnose } from "../policy/diagnose.js";
import { createEvaluator } from "../policy/evaluate.js";
import { loadPolicyMetadata } from "../policy/metadata-load.js";
import { buildRequest, COMMON_DEBUG_ACTIONS } from "../policy/parse.js";
import type { Decision, EvaluationRequest, RequestContext, StatementRef } from "../policy/types.js";
import {
  type BucketState,
  type Gathered,
  gatherPolicies,
  type PolicySource,
  type PrincipalSelector,
} from "./gather.js";
import { usageFromPolicyInput } from "./grant.js";
import { type ProbeReport, type ProbeStep, probeAccess } from "./probe.js";
import { type Simulation, simulatePrincipal } from "./simulate.js";

export interface OnlineDebugInput {
  bucket: string;
  principal: PrincipalSelector;
  /** Default: the common object and list actions. */
  actions?: readonly string[];
  key?: string;
  context?: RequestContext;
  /** Ask SimulatePrincipalPolicy too (default true). */
  simulate?: boolean;
  /** Real requests with the principal's own credentials. */
  probe?: { aws: Aws; write: boolean };
}

/** Findings about the bucket itself, beside the per-action diagnoses. */
export interface BucketFinding {
  id: "bucket-not-found" | "bucket-other-region" | "bucket-not-readable";
  message: string;
  fix: string;
}

export interface ActionReport {
  action: string;
  resource: string;
  decision: Decision;
  deciding: StatementRef[];
  diagnoses: Diagnosis[];
  /** IAM's policy simulator, where the endpoint has one. */
  simulated?: Decision;
  /** The real request's outcome, with --probe. */
  probe?: ProbeStep[];
}

export interface PolicySummary {
  name: string;
  kind: PolicySource["kind"];
  via: PolicySource["via"];
  arn?: string;
  versionId?: string;
}

export interface OnlineDebugReport {
  principal: { type: "user" | "role"; name: string; arn: string; groups: string[] };
  bucket: BucketState;
  policies: PolicySummary[];
  boundary: { arn: string; versionId?: string } | null;
  bucketFindings: BucketFinding[];
  results: ActionReport[];
  simulation: Simulation | { status: "skipped"; note: string };
  /** Where AWS's simulator or the probe disagrees with s3kit's evaluation. */
  disagreements: string[];
  probe: ProbeReport | null;
  notes: string[];
  allAllowed: boolean;
}

export interface EvaluatedRequests {
  gathered: Gathered;
  requests: EvaluationRequest[];
}

/** Builds the requests for the actions (validating them) and gathers the policies. */
export async function gatherForRequests(
  aws: Aws,
  input: Pick<OnlineDebugInput, "bucket" | "principal" | "actions" | "key" | "context">,
): Promise<EvaluatedRequests> {
  const metadata = await loadPolicyMetadata();
  const actions = input.actions?.length ? input.actions : COMMON_DEBUG_ACTIONS;
  // Validate the actions before any call; the caller ARN is filled in after gathering.
  const build = (principalArn?: string) => {
    try {
      return actions.map((action) =>
        buildRequest(
          {
            action,
            bucket: input.bucket,
            ...(input.key !== undefined ? { key: input.key } : {}),
            ...(input.context ? { context: input.context } : {}),
            ...(principalArn ? { principalArn } : {}),
          },
          metadata,
        ),
      );
    } catch (err) {
      throw usageFromPolicyInput(err);
    }
  };
  build();
  const gathered = await gatherPolicies(aws, {
    bucket: input.bucket,
    principal: input.principal,
  });
  return { gathered, requests: build(gathered.principal.callerArn) };
}

function bucketFindings(bucket: BucketState, region: string): BucketFinding[] {
  switch (bucket.status) {
    case "missing":
      return [
        {
          id: "bucket-not-found",
          message: `Bucket ${bucket.name} does not exist, so every request to it fails (NoSuchBucket) whatever the policies say.`,
          fix: `Check the bucket name in the app's settings, or create it with \`s3kit bucket create ${bucket.name}\`.`,
        },
      ];
    case "other-region":
      return [
        {
          id: "bucket-other-region",
          message: `Bucket ${bucket.name} is in ${bucket.region ?? "another region"}, not ${region}: requests signed for ${region} are redirected or rejected even when the policies allow them.`,
          fix: `Set the app's region to ${bucket.region ?? "the bucket's region"} (AWS_REGION=${bucket.region ?? "…"}), and pass --region ${bucket.region ?? "…"} to s3kit.`,
        },
      ];
    case "forbidden":
      return [
        {
          id: "bucket-not-readable",
          message: `The credentials s3kit runs with may not read bucket ${bucket.name}'s settings (HeadBucket was denied), so its bucket policy and encryption are not part of the evaluation.`,
          fix: "Run s3kit with credentials that may read the bucket's configuration.",
        },
      ];
    default:
      return [];
  }
}

export function summarizeSources(sources: readonly PolicySource[]): PolicySummary[] {
  return sources.map((s) => ({
    name: s.name,
    kind: s.kind,
    via: s.via,
    ...(s.arn ? { arn: s.arn } : {}),
    ...(s.versionId ? { versionId: s.versionId } : {}),
  }));
}

/** Evaluates and explains each request against what was gathered. */
export function evaluateGathered(
  gathered: Gathered,
  requests: readonly EvaluationRequest[],
): ActionReport[] {
  const evaluator = createEvaluator(gathered.policySet);
  return requests.map((request) => {
    const result = evaluator.evaluate(request);
    const diagnoses =
      result.decision === "allowed" && gathered.facts.bucket.encryption?.type !== "SSE-KMS"
        ? []
        : diagnose({
            request,
            policies: gathered.policySet,
            result,
            bucket: gathered.facts.bucket,
            online: gathered.facts.online,
          });
    return {
      action: result.action,
      resource: result.resource,
      decision: result.decision,
      deciding: result.deciding,
      diagnoses,
    };
  });
}

export async function onlineDebug(aws: Aws, input: OnlineDebugInput): Promise<OnlineDebugReport> {
  const { gathered, requests } = await gatherForRequests(aws, input);
  const results = evaluateGathered(gathered, requests);

  const simulation: OnlineDebugReport["simulation"] =
    input.simulate === false
      ? { status: "skipped", note: "not asked (--no-simulate)" }
      : await simulatePrincipal(aws, gathered.principal.arn, requests, gathered.bucket.policy);
  const disagreements: string[] = [];
  if (simulation.status === "done") {
    simulation.results.forEach((s, i) => {
      const r = results[i];
      if (!r) return;
      r.simulated = s.decision;
      if (s.decision !== r.decision) {
        disagreements.push(
          `IAM's policy simulator says ${s.decision} for ${s.action} on ${s.resource}; s3kit says ${r.decision}.`,
        );
      }
    });
  }

  let probe: ProbeReport | null = null;
  if (input.probe) {
    probe = await probeAccess(input.probe.aws, {
      bucket: input.bucket,
      ...(input.key ? { key: input.key } : {}),
      write: input.probe.write,
    });
    if (
      probe.identity !== gathered.principal.arn &&
      !probe.identity.includes(`/${gathered.principal.name}/`)
    ) {
      gathered.notes.push(
        `The probe ran as ${probe.identity}, not as ${gathered.principal.arn}; its outcomes describe that identity.`,
      );
    }
    for (const r of results) {
      const steps = probe.steps.filter(
        (s) => s.action.toLowerCase() === r.action.toLowerCase() && s.outcome !== "skipped",
      );
      if (steps.length === 0) continue;
      r.probe = steps;
      for (const s of steps) {
        const real =
          s.outcome === "allowed" ? "allowed" : s.outcome === "denied" ? "denied" : undefined;
        const evaluated = r.decision === "allowed" ? "allowed" : "denied";
        if (real && real !== evaluated) {
          disagreements.push(
            `${s.operation} was ${real} for real, but s3kit's evaluation of ${r.action} says ${r.decision}.`,
          );
        }
      }
    }
  }

  const p = gathered.principal;
  return {
    principal: { type: p.type, name: p.name, arn: p.arn, groups: p.groups },
    bucket: gathered.bucket,
    policies: summarizeSources(gathered.sources),
    boundary: gathered.boundary
      ? {
          arn: gathered.boundary.arn,
          ...(gathered.boundary.versionId ? { versionId: gathered.boundary.versionId } : {}),
        }
      : null,
    bucketFindings: bucketFindings(gathered.bucket, aws.region),
    results,
    simulation,
    disagreements,
    probe,
    notes: gathered.notes,
    allAllowed: results.every((r) => r.decision === "allowed"),
  };
}
