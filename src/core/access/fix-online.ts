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
import { isEntityAlreadyExists } from "../../aws/errors.js";
import { ConflictError, UsageError } from "../errors.js";
import { MANAGED_BY_TAG, S3KIT_PATH } from "../iam/names.js";
import { type ConfirmPrune, policyArn, replaceDefaultVersion } from "../iam/policies.js";
import { type FixGrant, type FixScopeOptions, prefixesFromTags } from "../policy/fix-scope.js";
import { iamPolicySize, POLICY_SIZE_LIMITS } from "../policy/policy-size.js";
import type { Decision } from "../policy/types.js";
import { debugGathered, gatherForRequests, type OnlineDebugInput } from "./debug-online.js";
import { type FixPlan, planFix } from "./fix-plan.js";
import type { Gathered } from "./gather.js";
import type { FixPlanRequest } from "./mode.js";
import type { PolicySource } from "./principal.js";

export type OnlineFixPlan = FixPlan<PolicySource> & {
  /** Others who get the change too (the members of a group). */
  note?: string;
};

/** The smallest change among the principal's own policies (AWS managed ones cannot change). */
export function planOnlineFix(
  gathered: Gathered,
  requests: Parameters<typeof planFix>[0]["requests"],
  newPolicyName?: string,
  scope?: FixScopeOptions,
): OnlineFixPlan {
  const candidates = gathered.sources.filter((s) => !s.awsManaged);
  if (candidates.length === 0 && !newPolicyName) {
    const p = gathered.principal;
    throw new UsageError(
      `${p.type === "user" ? "User" : "Role"} ${p.name} has no policy s3kit can change.`,
      "Pass --new-policy NAME to create a managed policy with the missing permissions and attach it.",
      "NoPolicyToFix",
    );
  }
  const plan: OnlineFixPlan = planFix({
    candidates,
    policies: gathered.policySet,
    requests,
    bucket: gathered.bucket.name,
    hints: prefixesFromTags(gathered.principal.tags, gathered.bucket.name),
    ...(newPolicyName ? { newPolicyName } : {}),
    ...(scope ? { scope } : {}),
  });
  const via = plan.candidate?.via;
  const notes: string[] = [];
  if (via?.type === "group" && plan.changes.length > 0) {
    notes.push(
      `The policy is attached to group ${via.name}: every member of the group gets the change.`,
    );
  }
  const tooLarge = plan.changes.length > 0 ? sizeNote(plan) : undefined;
  if (tooLarge) notes.push(tooLarge);
  if (notes.length > 0) plan.note = notes.join(" ");
  return plan;
}

/** IAM refuses a policy over its size quota: say so before --apply tries. */
function sizeNote(plan: OnlineFixPlan): string | undefined {
  const size = iamPolicySize(JSON.stringify(plan.after));
  const source = plan.candidate;
  const L = POLICY_SIZE_LIMITS;
  const [limit, what] =
    source?.kind === "inline"
      ? source.via.type === "user"
        ? [L.inlineUser, "the inline policies of a user"]
        : source.via.type === "group"
          ? [L.inlineGroup, "the inline policies of a group"]
          : [L.inlineRole, "the inline policies of a role"]
      : [L.managed, "a managed policy"];
  if (size <= limit) return undefined;
  return `The changed policy has ${size.toLocaleString("en-US")} characters without whitespace, more than IAM accepts for ${what} (${limit.toLocaleString("en-US")}): --apply would be refused. Use --new-policy NAME to put the change into a policy of its own.`;
}

export interface AppliedFix {
  /** What was written: a new default version, an inline policy, a new policy. */
  action: "new-version" | "put-inline" | "created-and-attached";
  policy: string;
  arn?: string;
  versionId?: string;
  deletedVersion?: string;
}

/** Writes the planned document where it belongs. */
export async function applyFix(
  aws: Aws,
  gathered: Gathered,
  plan: OnlineFixPlan,
  confirmPrune: ConfirmPrune,
): Promise<AppliedFix> {
  const iam = await aws.iam();
  const text = JSON.stringify(plan.after);
  const source = plan.candidate;
  const principal = gathered.principal;
  if (source?.kind === "managed" && source.arn) {
    const written = await replaceDefaultVersion(
      iam,
      source.arn,
      source.policyName,
      text,
      confirmPrune,
    );
    return { action: "new-version", policy: source.policyName, arn: source.arn, ...written };
  }
  if (source?.kind === "inline") {
    const { type, name } = source.via;
    const PolicyName = source.policyName;
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
    return { action: "put-inline", policy: PolicyName };
  }
  // A new managed policy, attached to the principal.
  const account = { id: principal.accountId, partition: principal.partition, arn: "" };
  let arn = policyArn(account, S3KIT_PATH, plan.name);
  try {
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName: plan.name,
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
        `A managed policy named ${plan.name} exists already.`,
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
  return { action: "created-and-attached", policy: plan.name, arn };
}

export interface BeforeAfter {
  action: string;
  resource: string;
  before: Decision;
  after: Decision;
}

export interface OnlineFixInput extends Omit<OnlineDebugInput, "simulate" | "probe" | "expect"> {
  newPolicyName?: string;
  /** --scope / --prefix. */
  scope?: FixScopeOptions;
  apply: boolean;
  confirm: ConfirmPrune;
}

export interface OnlineFixReport {
  mode: "online";
  subject: { type: "user" | "role"; name: string; arn: string };
  bucket: string;
  /** Nothing to do: every action is allowed already. */
  alreadyAllowed: boolean;
  /** Where the change goes: the policy, how it is attached, and the diff. */
  plan: {
    policy: string;
    kind: "managed" | "inline" | "new";
    via: PolicySource["via"] | null;
    arn: string | null;
    changes: FixPlan["changes"];
    diff: FixPlan["diff"];
    before: FixPlan["before"];
    after: FixPlan["after"];
    note: string | null;
    /** One line per scope: what is granted, where, and what else becomes allowed. */
    scope: string[];
    /** Every action and resource pattern the change newly allows. */
    grants: FixGrant[];
  } | null;
  applied: AppliedFix | null;
  /** Per action, before and after (after --apply: read back from IAM and evaluated again). */
  results: BeforeAfter[];
  /** Why a request is still denied. */
  blocked: { action: string; reason: string }[];
  complete: boolean;
  notes: string[];
}

export async function onlineFix(aws: Aws, input: OnlineFixInput): Promise<OnlineFixReport> {
  const { gathered, requests } = await gatherForRequests(aws, input);
  const before = debugGathered(gathered, requests).results;
  const p = gathered.principal;
  if (p.type === "group") {
    throw new UsageError(
      "policy fix changes the policies of a user or role.",
      "Name one with --user or --role; a group's policies change with the fix of a member.",
    );
  }
  const report: OnlineFixReport = {
    mode: "online",
    subject: { type: p.type, name: p.name, arn: p.arn },
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
    blocked: [],
    complete: false,
    notes: gathered.notes,
  };
  if (report.alreadyAllowed) {
    report.complete = true;
    return report;
  }
  const plan = planOnlineFix(gathered, requests, input.newPolicyName, input.scope);
  report.plan = {
    policy: plan.candidate?.policyName ?? plan.name,
    kind: plan.candidate?.kind ?? "new",
    via: plan.candidate?.via ?? null,
    arn: plan.candidate?.arn ?? null,
    changes: plan.changes,
    diff: plan.diff,
    before: plan.before,
    after: plan.after,
    note: plan.note ?? null,
    scope: plan.scopeLines,
    grants: plan.grants,
  };
  report.results = plan.outcomes.map((o) => ({
    action: o.request.action,
    resource: o.request.resource,
    before: o.before,
    after: o.after,
  }));
  report.blocked = plan.outcomes
    .filter((o) => o.after !== "allowed")
    .map((o) => ({
      action: o.request.action,
      reason: o.reason ?? "no change of a policy allows it",
    }));
  report.complete = plan.complete;
  // Without --key, the requests were checked under the scope: they may be allowed there.
  if (plan.changes.length === 0 && plan.outcomes.every((o) => o.before === "allowed")) {
    report.alreadyAllowed = true;
    report.plan = null;
    return report;
  }
  if (!input.apply || plan.changes.length === 0) return report;

  report.applied = await applyFix(aws, gathered, plan, input.confirm);
  // Read everything back from IAM and evaluate again: the proof the change took. The
  // requests are those the plan checked (a missing --key moved under the scope).
  const checked = plan.scoped.map((s) => s.request);
  const again = await gatherForRequests(aws, input);
  const after = debugGathered(again.gathered, checked).results;
  report.results = plan.outcomes.map((o, i) => ({
    action: o.request.action,
    resource: o.request.resource,
    before: o.before,
    after: after[i]?.decision ?? o.after,
  }));
  report.complete = after.every((r) => r.decision === "allowed");
  return report;
}

/** The online `policy fix` the flags asked for (resolveFixMode). */
export function runOnlineFix(
  aws: Aws,
  plan: Extract<FixPlanRequest, { mode: "online" }>,
  confirm: ConfirmPrune,
): Promise<OnlineFixReport> {
  return onlineFix(aws, {
    ...plan.target,
    ...(plan.newPolicyName ? { newPolicyName: plan.newPolicyName } : {}),
    scope: plan.scope,
    apply: plan.apply,
    confirm,
  });
}
