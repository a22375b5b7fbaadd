// Online `policy debug`: gather the principal's real policies and the bucket's
// settings, evaluate every action with the policy engine, explain each denial, and
// compare with AWS's own simulator and (with --probe) with real requests.

import type { Aws } from "../../aws/clients.js";
import type { ConnectionOptions } from "../../aws/settings.js";
import {
  type DebugExpectation,
  type PolicyDebugReport,
  type PolicyDebugResult,
  runPolicyDebug,
} from "../policy/debug-run.js";
import type { Decision, EvaluationRequest } from "../policy/types.js";
import type { BucketState } from "./bucket.js";
import { type Gathered, gatherPolicies } from "./gather.js";
import type { DebugPlan } from "./mode.js";
import type { PolicySource, PrincipalSelector } from "./principal.js";
import { type ProbeReport, type ProbeStep, probeAccess, probeConnection } from "./probe.js";
import { buildDebugRequests, checkDebugFlags, type DebugRequestOptions } from "./requests.js";
import { type Simulation, simulatePrincipal } from "./simulate.js";

export interface OnlineDebugInput {
  bucket: string;
  principal: PrincipalSelector;
  /** Default: the common object and list actions. */
  actions?: readonly string[];
  key?: string;
  /** `key=value` arguments as typed (--context). */
  context?: readonly string[];
  /** The account that owns the bucket (--bucket-account); looked up when left out. */
  bucketAccount?: string;
  expect?: DebugExpectation;
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

export interface OnlineDebugResult extends PolicyDebugResult {
  /** IAM's policy simulator, where the endpoint has one. */
  simulated?: Decision;
  /** The real requests' outcomes, with --probe. */
  probe?: ProbeStep[];
}

export interface PolicySourceSummary {
  name: string;
  kind: PolicySource["kind"];
  via: PolicySource["via"];
  arn?: string;
  versionId?: string;
}

export interface OnlineDebugReport extends Omit<PolicyDebugReport, "results"> {
  mode: "online";
  /** The user or role looked at, and its groups. */
  subject: { type: "user" | "role" | "group"; name: string; arn: string; groups: string[] };
  sources: PolicySourceSummary[];
  boundary: { arn: string; versionId?: string } | null;
  bucket: BucketState;
  bucketFindings: BucketFinding[];
  results: OnlineDebugResult[];
  simulation: Simulation | { status: "skipped"; note: string };
  /** Where AWS's simulator or the probe disagrees with s3kit's evaluation. */
  disagreements: string[];
  probe: ProbeReport | null;
  notes: string[];
}

export interface GatheredRequests {
  gathered: Gathered;
  requests: EvaluationRequest[];
}

type RequestInput = Pick<
  OnlineDebugInput,
  "bucket" | "principal" | "actions" | "key" | "context" | "bucketAccount"
>;

const requestOptions = (input: RequestInput, gathered?: Gathered): DebugRequestOptions => {
  const owner = gathered?.bucket.owner;
  return {
    bucket: input.bucket,
    ...(input.actions?.length ? { actions: input.actions } : {}),
    ...(input.key !== undefined ? { key: input.key } : {}),
    ...(input.context ? { context: input.context } : {}),
    ...(gathered ? { principalArn: gathered.principal.callerArn } : {}),
    ...(input.bucketAccount !== undefined ? { resourceAccount: input.bucketAccount } : {}),
    ...(owner?.accountId !== undefined && input.bucketAccount === undefined
      ? { resourceAccount: owner.accountId }
      : {}),
    ...(owner?.source === "other-account" ? { resourceInOtherAccount: true } : {}),
  };
};

/** Checks the request flags (exit 2 before any call), gathers, then builds the requests. */
export async function gatherForRequests(aws: Aws, input: RequestInput): Promise<GatheredRequests> {
  checkDebugFlags(requestOptions(input));
  await buildDebugRequests(requestOptions(input));
  const gathered = await gatherPolicies(aws, {
    bucket: input.bucket,
    principal: input.principal,
    ...(input.bucketAccount !== undefined ? { bucketAccount: input.bucketAccount } : {}),
  });
  const requests = await buildDebugRequests(requestOptions(input, gathered));
  return { gathered, requests };
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

export function summarizeSources(sources: readonly PolicySource[]): PolicySourceSummary[] {
  return sources.map((s) => ({
    name: s.name,
    kind: s.kind,
    via: s.via,
    ...(s.arn ? { arn: s.arn } : {}),
    ...(s.versionId ? { versionId: s.versionId } : {}),
  }));
}

/** The engine's `policy debug` report for what was gathered. */
export function debugGathered(
  gathered: Gathered,
  requests: readonly EvaluationRequest[],
  expect?: DebugExpectation,
): PolicyDebugReport {
  return runPolicyDebug({
    policies: gathered.policySet,
    requests,
    bucket: gathered.facts.bucket,
    online: gathered.facts.online,
    ...(expect ? { expect } : {}),
  });
}

export async function onlineDebug(aws: Aws, input: OnlineDebugInput): Promise<OnlineDebugReport> {
  const { gathered, requests } = await gatherForRequests(aws, input);
  const base = debugGathered(gathered, requests, input.expect);
  const results: OnlineDebugResult[] = base.results;

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
    const p = gathered.principal;
    const sameUser = probe.identity === p.arn;
    const sameRole = p.type === "role" && probe.identity.includes(`:assumed-role/${p.name}/`);
    if (!sameUser && !sameRole) {
      gathered.notes.push(
        `The probe ran as ${probe.identity}, not as ${p.arn}; its outcomes describe that identity.`,
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
    mode: "online",
    ...base,
    subject: { type: p.type, name: p.name, arn: p.arn, groups: p.groups },
    sources: summarizeSources(gathered.sources),
    boundary: gathered.boundary
      ? {
          arn: gathered.boundary.arn,
          ...(gathered.boundary.versionId ? { versionId: gathered.boundary.versionId } : {}),
        }
      : null,
    bucket: gathered.bucket,
    bucketFindings: bucketFindings(gathered.bucket, aws.region),
    results,
    simulation,
    disagreements,
    probe,
    notes: gathered.notes,
  };
}

/**
 * The online `policy debug` the flags asked for (resolveDebugMode): the probe connects
 * with the principal's credentials first, on the main connection's region and endpoint.
 */
export async function runOnlineDebug(
  aws: Aws,
  plan: Extract<DebugPlan, { mode: "online" }>,
  connection: { options: ConnectionOptions; env: Readonly<Record<string, string | undefined>> },
): Promise<OnlineDebugReport> {
  const probe = plan.probe
    ? {
        aws: await probeConnection(aws, connection.options, connection.env, plan.probe.credentials),
        write: plan.probe.write,
      }
    : undefined;
  return onlineDebug(aws, {
    ...plan.target,
    ...(plan.expect ? { expect: plan.expect } : {}),
    simulate: plan.simulate,
    ...(probe ? { probe } : {}),
  });
}
