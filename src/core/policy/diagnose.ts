// Plain-words explanations of an evaluation: why a request is denied and what to
// change. Used by `policy debug` (offline and online) and by `policy fix`.
// Online-only facts (policies that exist but are attached elsewhere, non-default
// policy versions, the bucket's encryption) come in through `facts`.

import { bucketArn, objectArn, parseS3Arn } from "./arn.js";
import type { CompiledPolicy } from "./compile.js";
import { PolicyInputError } from "./errors.js";
import { createEvaluator, type PolicyEvaluator, type PolicySetInput } from "./evaluate.js";
import {
  chooseScope,
  type EvidentPrefix,
  evidentPrefixes,
  type ScopedRequest,
} from "./fix-scope.js";
import { bucketNearMiss } from "./near-miss.js";
import type {
  ConditionBlock,
  ConditionTrace,
  EvaluationRequest,
  EvaluationResult,
  PolicyDocument,
  PolicySet,
  PolicyStatement,
  StatementRef,
  StatementTrace,
} from "./types.js";

export type DiagnosisId =
  | "explicit-deny"
  | "missing-object-wildcard"
  | "list-on-object-arn"
  | "bucket-mismatch"
  | "condition-not-met"
  | "not-action-excludes"
  | "not-resource-excludes"
  | "not-action-deny"
  | "not-resource-deny"
  | "boundary-blocks"
  | "scp-blocks"
  | "bucket-policy-blocks"
  | "cross-account-identity"
  | "account-delegation"
  | "no-allow"
  | "kms-missing"
  | "policy-not-attached"
  | "non-default-version";

export interface Diagnosis {
  id: DiagnosisId;
  message: string;
  fix: string;
  /** The statement the diagnosis is about, when there is one. */
  statement?: StatementRef;
}

export interface BucketFacts {
  /** Default encryption of the bucket; SSE-KMS needs KMS permissions for object reads and writes. */
  encryption?: { type: "SSE-S3" } | { type: "SSE-KMS"; kmsKeyArn: string };
}

export interface DetachedPolicy {
  name: string;
  arn?: string;
  /** Users, groups or roles it is attached to (may be empty). */
  attachedTo?: string[];
  document: PolicyDocument;
}

export interface PolicyVersionFact {
  policyName: string;
  policyArn?: string;
  versionId: string;
  defaultVersionId: string;
  document: PolicyDocument;
}

/** Facts only the online mode can gather; the offline mode leaves them out. */
export interface OnlineFacts {
  /** Customer managed policies in the account that are not attached to this principal. */
  detachedPolicies?: DetachedPolicy[];
  /** Non-default versions of the managed policies attached to this principal. */
  policyVersions?: PolicyVersionFact[];
}

export interface DiagnoseInput {
  request: EvaluationRequest;
  policies: PolicySet | PolicySetInput;
  /** A traced result for the request; computed when left out. */
  result?: EvaluationResult;
  bucket?: BucketFacts;
  online?: OnlineFacts;
}

const KIND_NAMES = {
  identity: "identity policy",
  boundary: "permissions boundary",
  resource: "bucket policy",
  scp: "service control policy",
} as const;

function describeRef(r: StatementRef): string {
  const which = r.sid ? `statement "${r.sid}"` : `Statement[${r.index}]`;
  return `${which} of ${KIND_NAMES[r.kind]} "${r.policy}"`;
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function rawStatement(ev: PolicyEvaluator, r: StatementRef): PolicyStatement | undefined {
  const p = ev.policies;
  const all: CompiledPolicy[] = [
    ...p.identityPolicies,
    ...(p.boundary ? [p.boundary] : []),
    ...(p.resourcePolicy ? [p.resourcePolicy] : []),
    ...p.scps,
  ];
  return all.find((c) => c.name === r.policy && c.kind === r.kind)?.statements[r.index]?.statement;
}

function describeActual(c: ConditionTrace): string {
  if (c.actual === undefined) return "the request does not have this key";
  return `the request has ${Array.isArray(c.actual) ? JSON.stringify(c.actual) : `"${c.actual}"`}`;
}

const PRINCIPAL_WORDS: Partial<Record<string, string>> = {
  "user-arn": "by its user ARN",
  "role-arn": "by its role ARN",
  "session-arn": "by its session ARN",
  "federated-user-arn": "by its federated user ARN",
  account: "by its account",
  anyone: "as anyone",
  service: "as a service",
};

/**
 * Why a Deny applies, element by element: the action and resource patterns that matched,
 * the principal it names, and every condition with the request's value.
 */
function denyMatch(t: StatementTrace, action: string, resource: string): string {
  const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(", ");
  const parts: string[] = [];
  parts.push(
    t.action.element === "Action"
      ? `its Action "${t.action.matchedValue ?? quoted(t.action.values)}" matches ${action}`
      : `its NotAction [${quoted(t.action.values)}] does not list ${action}`,
  );
  parts.push(
    t.resource.element === "Resource"
      ? `its Resource "${t.resource.matchedValue ?? quoted(t.resource.values)}" matches ${resource}`
      : `its NotResource [${quoted(t.resource.values)}] does not cover ${resource}`,
  );
  if (t.principal) {
    const p = t.principal;
    if (p.matchKind === "boundary-not-principal") {
      parts.push(
        "the caller has a permissions boundary, and a Deny with NotPrincipal applies to such a caller whatever it lists",
      );
    } else if (p.element === "NotPrincipal") {
      parts.push(`its NotPrincipal [${quoted(p.values)}] does not exempt the caller`);
    } else {
      const how = p.matchKind ? PRINCIPAL_WORDS[p.matchKind] : undefined;
      parts.push(`its Principal [${quoted(p.values)}] names the caller${how ? ` ${how}` : ""}`);
    }
  }
  for (const c of t.conditions) {
    parts.push(
      `its condition ${c.operator} ${c.key} [${quoted(c.expected)}] holds (${describeActual(c)}${c.note ? `; ${c.note}` : ""})`,
    );
  }
  const last = parts.pop() as string;
  const text = parts.length > 0 ? `${parts.join(", ")}, and ${last}` : last;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * A Deny that applies only under a condition is usually a guard (HTTPS only, TLS 1.2,
 * encryption required): the fix is to send the request the way the guard wants.
 */
function denyConditionFix(held: readonly ConditionTrace[]): string | undefined {
  for (const c of held) {
    const key = c.key.toLowerCase();
    if (key === "aws:securetransport") {
      return "Send the request over HTTPS: the Deny applies only to requests without TLS.";
    }
    if (key === "s3:tlsversion") {
      return `Use TLS 1.2 or newer: the Deny applies to older TLS versions (${c.key} ${c.operator} ${c.expected.join(", ")}).`;
    }
    if (key.startsWith("s3:x-amz-server-side-encryption")) {
      return `Send the upload with the encryption the bucket requires (the ${c.key} header); the Deny applies to requests without it.`;
    }
    if (key === "aws:sourceip" || key === "aws:sourcevpce" || key === "aws:sourcevpc") {
      return `Send the request from where the Deny allows it (${c.key}), or change that condition if it is wrong.`;
    }
  }
  return undefined;
}

function conditionDiagnosis(t: StatementTrace, c: ConditionTrace, action: string): Diagnosis {
  const expected = c.expected.map((v) => `"${v}"`).join(", ");
  const base = `${describeRef(t)} would allow ${action}, but its condition ${c.operator} ${c.key} = [${expected}] does not hold: ${describeActual(c)}`;
  const key = c.key.toLowerCase();
  let fix = `Send the request so that ${c.key} matches, or change the condition if it is wrong.`;
  if (key === "s3:prefix") {
    fix =
      c.actual === undefined
        ? `List with a prefix the policy allows (for example --prefix "${(c.expected[0] ?? "").replace(/\*$/, "")}"); listing without a prefix is not allowed.`
        : `List under a prefix the policy allows (${expected}), or add "${c.actual}*" to the condition if this principal should list there.`;
  } else if (key === "aws:securetransport") {
    fix = "Use HTTPS: the policy only allows requests made over TLS.";
  } else if (key === "aws:sourceip" || key === "aws:vpcsourceip") {
    fix = `Send the request from an allowed address (${expected}) or add the caller's range.`;
  } else if (key === "aws:sourcevpce" || key === "aws:sourcevpc") {
    fix = "Send the request through the allowed VPC endpoint, or change the condition.";
  } else if (key === "aws:multifactorauthpresent") {
    fix = "Use credentials from an MFA-authenticated session.";
  } else if (key.startsWith("s3:x-amz-server-side-encryption")) {
    fix = `Send the upload with the required encryption header (${c.key}: ${c.expected[0] ?? ""}).`;
  }
  return {
    id: "condition-not-met",
    message: `${base}${c.note ? ` (${c.note})` : ""}.`,
    fix,
    statement: t,
  };
}

// The evidence for a bucket is the same for every request of a report: read each set of
// policies once (a policy of thousands of statements is explained action by action).
const evidence = new WeakMap<object, Map<string, EvidentPrefix[]>>();

function evidenceFor(policies: DiagnoseInput["policies"], bucket: string): EvidentPrefix[] {
  const list = policies.identityPolicies ?? [];
  let byBucket = evidence.get(list);
  if (!byBucket) {
    byBucket = new Map();
    evidence.set(list, byBucket);
  }
  let found = byBucket.get(bucket);
  if (!found) {
    found = evidentPrefixes(bucket, list);
    byBucket.set(bucket, found);
  }
  return found;
}

/** Explanations for one request. */
export function diagnose(input: DiagnoseInput): Diagnosis[] {
  const ev = createEvaluator(input.policies);
  const result =
    input.result && input.result.statements.length > 0 ? input.result : ev.evaluate(input.request);
  const out: Diagnosis[] = [];
  const action = result.action;
  const resource = result.resource;
  const loc = parseS3Arn(resource);
  const requestedBucket = loc?.bucket;
  // What a fix should grant: the scope `policy fix` would choose (the prefix the policies
  // use, else the key's folder), never the whole bucket when a prefix is evident.
  let scoped: ScopedRequest | undefined;
  const suggestion = (): { target: string; condition?: ConditionBlock; why: string } => {
    scoped ??= chooseScope(
      input.request,
      requestedBucket === undefined ? [] : evidenceFor(input.policies, requestedBucket),
    );
    const scope = scoped.scope;
    const target = scoped.target;
    if (!scope || !target) return { target: resource, why: "" };
    const whole = loc ? objectArn(loc.bucket, "*", loc.partition) : resource;
    const why =
      scope.kind === "bucket" || scope.bucketItself
        ? ""
        : ` (${scope.reason}; "${whole}" would allow every key of the bucket)`;
    return {
      target: target.resources.join('", "'),
      ...(target.condition ? { condition: target.condition } : {}),
      why,
    };
  };

  if (result.decision === "explicit-deny") {
    for (const d of result.deciding) {
      const st = rawStatement(ev, d);
      const trace = result.statements.find(
        (t) => t.policy === d.policy && t.kind === d.kind && t.index === d.index,
      );
      const held = trace?.conditions ?? [];
      const why = trace ? ` ${denyMatch(trace, action, resource)}` : "";
      out.push({
        id: "explicit-deny",
        message: `${describeRef(d)} explicitly denies ${action} on ${resource}; an explicit deny overrides every allow.${why}`,
        fix:
          denyConditionFix(held) ??
          (d.kind === "scp"
            ? "Ask the organization administrator to change the SCP; no policy in this account can override it."
            : `Remove or narrow that Deny in the ${KIND_NAMES[d.kind]} if this request should be allowed.`),
        statement: d,
      });
      if (st?.NotAction !== undefined) {
        out.push({
          id: "not-action-deny",
          message: `That Deny uses NotAction [${list(st.NotAction).join(", ")}]: it denies every action except those, and ${action} is not in the list.`,
          fix: `Add ${action} to its NotAction list if it should not be denied.`,
          statement: d,
        });
      }
      if (st?.NotResource !== undefined) {
        out.push({
          id: "not-resource-deny",
          message: `That Deny uses NotResource [${list(st.NotResource).join(", ")}]: it denies every resource except those, and ${resource} is not among them.`,
          fix: `Add ${resource} (or a pattern covering it) to its NotResource list if it should not be denied.`,
          statement: d,
        });
      }
    }
  }

  if (result.decision === "implicit-deny") {
    switch (result.blockedBy) {
      case "boundary":
        out.push({
          id: "boundary-blocks",
          message: `An allow exists for ${action}, but the permissions boundary does not allow it, and a boundary caps what identity policies (and bucket policies naming a role) can grant.`,
          fix: `Add ${action} on ${resource} to the permissions boundary, or grant it in the bucket policy by naming the user or role session directly.`,
        });
        break;
      case "scp":
        out.push({
          id: "scp-blocks",
          message: `No service control policy at some level of the organization allows ${action}; SCPs cap every permission in the account.`,
          fix: "Ask the organization administrator to allow the action in the SCPs.",
        });
        break;
      case "resource-policy":
        out.push({
          id: "bucket-policy-blocks",
          message: `The caller is in account ${result.principal.accountId} but the bucket belongs to another account, so the bucket policy must allow ${action} as well; it does not.`,
          fix: `Add a statement to the bucket policy with "Principal": {"AWS": "${result.principal.roleArn ?? result.principal.arn}"}, "Action": "${action}", "Resource": "${resource}".`,
        });
        break;
      case "identity-policy":
        if (result.crossAccount) {
          out.push({
            id: "cross-account-identity",
            message: `The bucket is in another account: besides the bucket policy, the caller's own policies in account ${result.principal.accountId} must allow ${action}; they do not.`,
            fix: `Attach a policy to the caller allowing ${action} on ${resource}.`,
          });
        }
        break;
      case "account-delegation":
        out.push({
          id: "account-delegation",
          message: `The bucket policy allows ${action} to the whole account, which only delegates to the account's IAM policies; no identity policy of this caller allows it.`,
          fix: `Allow ${action} on ${resource} in an identity policy of the caller, or name the caller's ARN in the bucket policy.`,
        });
        break;
    }

    // Look at the Allow statements that nearly apply.
    const candidates = result.statements.filter(
      (t) =>
        t.effect === "Allow" &&
        (t.kind === "identity" || t.kind === "resource") &&
        (t.principal === undefined || t.principal.matched),
    );
    let explained = out.length > 0;
    for (const t of candidates) {
      if (!t.action.matched) {
        if (t.action.element === "NotAction" && t.action.matchedValue !== undefined) {
          out.push({
            id: "not-action-excludes",
            message: `${describeRef(t)} uses NotAction: it allows everything except [${t.action.values.join(", ")}], and "${t.action.matchedValue}" matches ${action}.`,
            fix: `Allow ${action} in a statement with an explicit Action list.`,
            statement: t,
          });
          explained = true;
        }
        continue;
      }
      if (!t.resource.matched) {
        if (t.resource.element === "NotResource") {
          out.push({
            id: "not-resource-excludes",
            message: `${describeRef(t)} uses NotResource: it allows every resource except [${t.resource.values.join(", ")}], and ${resource} is one of those.`,
            fix: `Allow ${action} on ${resource} in a statement with an explicit Resource list.`,
            statement: t,
          });
          explained = true;
          continue;
        }
        if (!loc || requestedBucket === undefined) continue;
        const names = t.resource.values.map(parseS3Arn);
        const bArn = bucketArn(requestedBucket, loc.partition);
        if (loc.key !== undefined && t.resource.values.includes(bArn)) {
          const { target, why } = suggestion();
          out.push({
            id: "missing-object-wildcard",
            message: `${action} acts on objects (${resource}), but ${describeRef(t)} grants it only on the bucket ARN ${bArn}. Object actions need the object form ${bArn}/KEY, here ${target}.`,
            fix: `Add "${target}" to the Resource of that statement${why}.`,
            statement: t,
          });
          explained = true;
          continue;
        }
        if (
          loc.key === undefined &&
          names.some((n) => n?.bucket === requestedBucket && n.key !== undefined) &&
          !t.resource.values.includes(bArn)
        ) {
          out.push({
            id: "list-on-object-arn",
            message: `${action} acts on the bucket (${bArn}), but ${describeRef(t)} grants it only on object ARNs (${t.resource.values.join(", ")}).`,
            fix: `Add "${bArn}" to the Resource of that statement (keep the /* entry for object actions).`,
            statement: t,
          });
          explained = true;
          continue;
        }
        const others = [
          ...new Set(
            names.map((n) => n?.bucket).filter((b): b is string => !!b && !/[*?$]/.test(b)),
          ),
        ];
        for (const other of others.filter((b) => b !== requestedBucket)) {
          const miss = bucketNearMiss(requestedBucket, other);
          const why =
            miss?.kind === "environment"
              ? miss.foundEnv === "(none)"
                ? ` It is the same name without the environment part "${miss.expectedEnv}": a policy written for another environment?`
                : miss.expectedEnv === "(none)"
                  ? ` It is the same name with the environment part "${miss.foundEnv}": a policy written for another environment?`
                  : ` It is the same name for another environment (${miss.foundEnv} instead of ${miss.expectedEnv}): a policy copied from one environment to another?`
              : miss?.kind === "typo"
                ? ` The names differ by ${miss.distance} character${miss.distance === 1 ? "" : "s"}: a typo?`
                : "";
          const scoped = suggestion();
          out.push({
            id: "bucket-mismatch",
            message: `${describeRef(t)} grants ${action} on bucket "${other}", but the request is for bucket "${requestedBucket}".${why}`,
            fix: miss
              ? `Change "${other}" to "${requestedBucket}" in that statement's Resource.`
              : `Add "${scoped.target}" to that statement's Resource if this principal should use "${requestedBucket}"${scoped.why}.`,
            statement: t,
          });
          explained = true;
        }
        continue;
      }
      const failed = t.conditions.filter((c) => !c.result);
      for (const c of failed) out.push(conditionDiagnosis(t, c, action));
      if (failed.length > 0) explained = true;
    }
    if (!explained) {
      const { target, condition, why } = suggestion();
      out.push({
        id: "no-allow",
        message: `No statement allows ${action} on ${resource}${result.crossAccount ? "" : " (in the identity policies or the bucket policy)"}.`,
        fix: `Add a statement {"Effect": "Allow", "Action": "${action}", "Resource": "${target}"${condition ? `, "Condition": ${JSON.stringify(condition)}` : ""}} to the caller's policy${why}.`,
      });
    }
  }

  out.push(...kmsDiagnoses(input, ev, result));
  if (result.decision !== "allowed") out.push(...onlineDiagnoses(input, result));
  // Messages often start with a statement reference; make them read as sentences, but
  // leave a leading action name (s3:GetObject) as it is written.
  return out.map((d) => ({
    ...d,
    message: /^[a-z]+\s/.test(d.message)
      ? d.message.charAt(0).toUpperCase() + d.message.slice(1)
      : d.message,
  }));
}

/** Object reads need kms:Decrypt, writes kms:GenerateDataKey (and Decrypt for multipart). */
const KMS_NEEDS: Record<string, string[]> = {
  "s3:getobject": ["kms:Decrypt"],
  "s3:getobjectversion": ["kms:Decrypt"],
  "s3:putobject": ["kms:GenerateDataKey", "kms:Decrypt"],
  "s3:listmultipartuploadparts": ["kms:Decrypt"],
};

function kmsDiagnoses(
  input: DiagnoseInput,
  ev: PolicyEvaluator,
  result: EvaluationResult,
): Diagnosis[] {
  const enc = input.bucket?.encryption;
  if (enc?.type !== "SSE-KMS") return [];
  const needs = KMS_NEEDS[result.action.toLowerCase()];
  if (!needs) return [];
  const out: Diagnosis[] = [];
  for (const kmsAction of needs) {
    const r = ev.decide({
      action: kmsAction,
      resource: enc.kmsKeyArn,
      principal: result.principal,
      ...(input.request.context ? { context: input.request.context } : {}),
    });
    if (r.decision === "allowed") continue;
    const why =
      kmsAction === "kms:Decrypt" && result.action.toLowerCase() === "s3:putobject"
        ? " (multipart uploads read the data key back)"
        : "";
    out.push({
      id: "kms-missing",
      message: `The bucket encrypts objects with SSE-KMS key ${enc.kmsKeyArn}, so ${result.action} also needs ${kmsAction} on that key${why}; the caller's policies do not allow it${r.decision === "explicit-deny" ? " (explicitly denied)" : ""}.`,
      fix: `Allow ${kmsAction} on ${enc.kmsKeyArn} (s3kit policy generate --kms-key ${enc.kmsKeyArn} adds it), unless the key policy grants it to this caller.`,
    });
  }
  return out;
}

function onlineDiagnoses(input: DiagnoseInput, result: EvaluationResult): Diagnosis[] {
  const out: Diagnosis[] = [];
  const set = input.policies;
  const withExtra = (name: string, document: PolicyDocument) => {
    try {
      return createEvaluator({
        ...set,
        identityPolicies: [...(set.identityPolicies ?? []), { name, document }],
      }).decide(input.request);
    } catch (err) {
      // A policy that is not attached and that AWS would not accept cannot be the fix.
      if (err instanceof PolicyInputError) return undefined;
      throw err;
    }
  };
  for (const p of input.online?.detachedPolicies ?? []) {
    if (withExtra(p.name, p.document)?.decision !== "allowed") continue;
    const where = p.attachedTo?.length
      ? `it is attached to ${p.attachedTo.join(", ")}`
      : "it is not attached to anyone";
    out.push({
      id: "policy-not-attached",
      message: `Policy "${p.name}" would allow ${result.action}, but ${where}, not to ${result.principal.arn}.`,
      fix: `Attach "${p.arn ?? p.name}" to the caller (or to a group the user is in).`,
    });
  }
  for (const v of input.online?.policyVersions ?? []) {
    if (withExtra(`${v.policyName}@${v.versionId}`, v.document)?.decision !== "allowed") continue;
    out.push({
      id: "non-default-version",
      message: `Version ${v.versionId} of policy "${v.policyName}" would allow ${result.action}, but the default (active) version is ${v.defaultVersionId}.`,
      fix: `Make ${v.versionId} the default version${v.policyArn ? ` (aws iam set-default-policy-version --policy-arn ${v.policyArn} --version-id ${v.versionId})` : ""}.`,
    });
  }
  return out;
}
