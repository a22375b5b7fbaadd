// Online `policy fix`: pick the principal's policy whose smallest change allows the
// requested actions (the engine's fixPolicy: add the missing `/*`, add a missing
// action, point a resource at the right bucket), show the diff, and with --apply write
// it: a new default version of a managed policy, PutUserPolicy / PutGroupPolicy /
// PutRolePolicy for inline ones, or a new managed policy attached to the principal.

import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { ConflictError, UsageError } from "../errors.js";
import { type DiffLine, formatPolicyJson, lineDiff } from "../policy/diff.js";
import { type FixChange, type FixRequestOutcome, fixPolicy } from "../policy/fix.js";
import type { Decision, EvaluationRequest, NamedPolicy, PolicyDocument } from "../policy/types.js";
import type { Gathered, PolicySource } from "./gather.js";
import { MANAGED_BY_TAG, S3KIT_PATH } from "./names.js";
import { evaluateGathered, gatherForRequests, type OnlineDebugInput } from "./online-debug.js";
import {
  type ConfirmPrune,
  isEntityAlreadyExists,
  policyArn,
  replaceDefaultVersion,
} from "./policies.js";

export interface FixTarget {
  kind: "managed" | "inline" | "new";
  /** The policy's name in results (as `policy debug` shows it). */
  name: string;
  policyName: string;
  arn?: string;
  via?: PolicySource["via"];
}

export interface FixPlan {
  target: FixTarget;
  before: PolicyDocument;
  after: PolicyDocument;
  diff: DiffLine[];
  changes: FixChange[];
  outcomes: FixRequestOutcome[];
  /** Every request is allowed after the change. */
  complete: boolean;
  /** Others who get the change too (the members of a group, the users of a shared policy). */
  note?: string;
}

const EMPTY: PolicyDocument = { Version: "2012-10-17", Statement: [] };

function others(gathered: Gathered, except?: string) {
  const set = gathered.policySet;
  return {
    identityPolicies: (set.identityPolicies ?? []).filter((p: NamedPolicy) => p.name !== except),
    ...(set.boundary ? { boundary: set.boundary } : {}),
    ...(set.resourcePolicy ? { resourcePolicy: set.resourcePolicy } : {}),
  };
}

function score(plan: FixPlan, bucket: string): number {
  const newStatements = plan.changes.filter((c) => c.kind === "add-statement").length;
  const mentions = JSON.stringify(plan.before).includes(bucket) ? 0 : 1;
  return (plan.complete ? 0 : 10_000) + newStatements * 100 + mentions * 10 + plan.changes.length;
}

function planFor(
  target: FixTarget,
  before: PolicyDocument,
  requests: readonly EvaluationRequest[],
  gathered: Gathered,
): FixPlan {
  const fixed = fixPolicy(before, requests, {
    policyName: target.name,
    others: others(gathered, target.kind === "new" ? undefined : target.name),
  });
  return {
    target,
    before,
    after: fixed.document,
    diff: lineDiff(formatPolicyJson(before), formatPolicyJson(fixed.document)),
    changes: fixed.changes,
    outcomes: fixed.outcomes,
    complete: fixed.complete,
  };
}

/**
 * The smallest change: each of the principal's own policies is tried (AWS managed ones
 * cannot be changed), and the one that allows everything with the fewest new
 * statements wins, preferring a policy that already names the bucket. With
 * `newPolicyName`, the missing permissions go into a new managed policy instead.
 */
export function planFix(
  gathered: Gathered,
  requests: readonly EvaluationRequest[],
  options: { newPolicyName?: string } = {},
): FixPlan {
  if (options.newPolicyName) {
    return planFor(
      { kind: "new", name: options.newPolicyName, policyName: options.newPolicyName },
      EMPTY,
      requests,
      gathered,
    );
  }
  const candidates = gathered.sources.filter((s) => !s.awsManaged);
  if (candidates.length === 0) {
    throw new UsageError(
      `${gathered.principal.type === "user" ? "User" : "Role"} ${gathered.principal.name} has no policy s3kit can change.`,
      "Pass --new-policy NAME to create a managed policy with the missing permissions and attach it.",
      "NoPolicyToFix",
    );
  }
  const plans = candidates.map((s) =>
    planFor(
      {
        kind: s.kind,
        name: s.name,
        policyName: s.policyName,
        ...(s.arn ? { arn: s.arn } : {}),
        via: s.via,
      },
      s.document,
      requests,
      gathered,
    ),
  );
  const bucket = gathered.bucket.name;
  const best = plans.sort((a, b) => score(a, bucket) - score(b, bucket))[0] as FixPlan;
  if (best.target.via?.type === "group" && best.changes.length > 0) {
    best.note = `The policy is attached to group ${best.target.via.name}: every member of the group gets the change.`;
  }
  return best;
}

export interface AppliedFix {
  target: FixTarget;
  /** What was written: a new default version, an inline policy, a new policy. */
  action: "new-version" | "put-inline" | "created-and-attached";
  versionId?: string;
  deletedVersion?: string;
}

/** Writes the planned document where it belongs. */
export async function applyFix(
  aws: Aws,
  gathered: Gathered,
  plan: FixPlan,
  confirmPrune: ConfirmPrune,
): Promise<AppliedFix> {
  const iam = await aws.iam();
  const text = JSON.stringify(plan.after);
  const { target } = plan;
  const principal = gathered.principal;
  if (target.kind === "managed" && target.arn) {
    const written = await replaceDefaultVersion(
      iam,
      target.arn,
      target.policyName,
      text,
      confirmPrune,
    );
    return { target, action: "new-version", ...written };
  }
  if (target.kind === "inline" && target.via) {
    const { type, name } = target.via;
    const PolicyName = target.policyName;
    if (type === "user") {
      await iam.send(
        new PutUserPolicyCommand({ UserName: name, PolicyName, PolicyDocument: text }),
      );
    } else if (type === "group") {
      await iam.send(
        new PutGroupPolicyCommand({ GroupName: name, PolicyName, PolicyDocument: text }),
      );
    } else {
      await iam.send(
        new PutRolePolicyCommand({ RoleName: name, PolicyName, PolicyDocument: text }),
      );
    }
    return { target, action: "put-inline" };
  }
  // A new managed policy, attached to the principal.
  const account = { id: principal.accountId, partition: principal.partition, arn: "" };
  let arn = policyArn(account, S3KIT_PATH, target.policyName);
  try {
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName: target.policyName,
        Path: S3KIT_PATH,
        PolicyDocument: text,
        Description: `s3kit policy fix for ${principal.type} ${principal.name}`,
        Tags: [{ ...MANAGED_BY_TAG }],
      }),
    );
    arn = created.Policy?.Arn ?? arn;
  } catch (err) {
    if (isEntityAlreadyExists(err)) {
      throw new ConflictError(
        `A managed policy named ${target.policyName} exists already.`,
        "Choose another --new-policy name.",
        "PolicyExists",
      );
    }
    throw err;
  }
  if (principal.type === "user") {
    await iam.send(new AttachUserPolicyCommand({ UserName: principal.name, PolicyArn: arn }));
  } else {
    await iam.send(new AttachRolePolicyCommand({ RoleName: principal.name, PolicyArn: arn }));
  }
  return { target: { ...target, arn }, action: "created-and-attached" };
}

export interface BeforeAfter {
  action: string;
  resource: string;
  before: Decision;
  after: Decision;
}

export interface OnlineFixInput extends Omit<OnlineDebugInput, "simulate" | "probe"> {
  newPolicyName?: string;
  apply: boolean;
  confirm: ConfirmPrune;
}

export interface OnlineFixReport {
  principal: { type: "user" | "role"; name: string; arn: string };
  bucket: string;
  /** Nothing to do: every action is allowed already. */
  alreadyAllowed: boolean;
  plan: FixPlan | null;
  applied: AppliedFix | null;
  /** Per action, before and after the change (after: re-read from IAM and evaluated again). */
  results: BeforeAfter[];
  complete: boolean;
  notes: string[];
}

export async function onlineFix(aws: Aws, input: OnlineFixInput): Promise<OnlineFixReport> {
  const { gathered, requests } = await gatherForRequests(aws, input);
  const before = evaluateGathered(gathered, requests);
  const p = gathered.principal;
  const report: OnlineFixReport = {
    principal: { type: p.type, name: p.name, arn: p.arn },
    bucket: input.bucket,
    alreadyAllowed: before.every((r) => r.decision === "allowed"),
    plan: null,
    applied: null,
    results: before.map((r) => ({
      action: r.action,
      resource: r.resource,
      before: r.decision,
      after: r.decision,
    })),
    complete: false,
    notes: gathered.notes,
  };
  if (report.alreadyAllowed) {
    report.complete = true;
    return report;
  }
  const plan = planFix(
    gathered,
    requests,
    input.newPolicyName ? { newPolicyName: input.newPolicyName } : {},
  );
  report.plan = plan;
  report.results = plan.outcomes.map((o) => ({
    action: o.request.action,
    resource: o.request.resource,
    before: o.before,
    after: o.after,
  }));
  report.complete = plan.complete;
  if (!input.apply || plan.changes.length === 0) return report;

  report.applied = await applyFix(aws, gathered, plan, input.confirm);
  // Read everything back from IAM and evaluate again: the proof the change took.
  const again = await gatherForRequests(aws, input);
  const after = evaluateGathered(again.gathered, again.requests);
  report.results = before.map((r, i) => ({
    action: r.action,
    resource: r.resource,
    before: r.decision,
    after: after[i]?.decision ?? r.decision,
  }));
  report.complete = after.every((r) => r.decision === "allowed");
  return report;
}
