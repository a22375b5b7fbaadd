// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// The rules of `policy lint`, one function each, and their table. A rule looks at one
// place of the policy (`on`); the walk in lint.ts visits the places in document order and
// runs the rules of each place in the order of the table, which is the order of the
// findings.

import { couldMatchBucket, couldMatchObject, parseS3Arn } from "./arn.js";
import { evidentPrefixes, minimalPrefixes } from "./evident-prefix.js";
import {
  type ActionEntry,
  type ConditionEntry,
  type ConditionKeyEntry,
  type Found,
  isObject,
  type Json,
  type LintSeverity,
  type PolicyFacts,
  type ResourceEntry,
  type ShapeFacts,
  type StatementFacts,
  type TextFacts,
} from "./lint-facts.js";
import { closest } from "./near-miss.js";
import { sizeProblem } from "./policy-size.js";
import type { PolicyDocument } from "./types.js";
import { VARIABLES_VERSION } from "./variables.js";

/** What a rule looks at, in the order the walk visits it. */
export interface RuleChecks {
  /** The text, before it is parsed; false stops the lint. */
  text: (t: TextFacts, found: Found) => boolean;
  /** The document, then each statement; false: the walk does not go inside it. */
  shape: (s: ShapeFacts, found: Found) => boolean;
  /** The document as a whole (Version). */
  policy: (p: PolicyFacts, found: Found) => void;
  /** A statement: Sid, Effect, Principal, and Action or NotAction as a whole. */
  statement: (s: StatementFacts, found: Found) => void;
  /** Each entry of Action, then of NotAction. */
  action: (a: ActionEntry, s: StatementFacts, found: Found) => void;
  /** Resource or NotResource as a whole. */
  resources: (s: StatementFacts, found: Found) => void;
  /** Each entry of Resource, then of NotResource. */
  resource: (r: ResourceEntry, s: StatementFacts, found: Found) => void;
  /** The actions against the resources they are granted on. */
  "actions-on-resources": (s: StatementFacts, found: Found) => void;
  /** Each condition operator. */
  condition: (c: ConditionEntry, s: StatementFacts, found: Found) => void;
  /** Each key under a known operator (only with the service metadata). */
  "condition-key": (k: ConditionKeyEntry, s: StatementFacts, found: Found) => void;
}

export type Place = keyof RuleChecks;

export type RuleOn<P extends Place> = {
  id: string;
  severity: LintSeverity;
  summary: string;
  on: P;
  check: RuleChecks[P];
};

export type AnyRule = { [P in Place]: RuleOn<P> }[Place];

// --- the text ---

function invalidJson(t: TextFacts, found: Found): boolean {
  const e = t.syntaxError;
  if (!e) return true;
  found(
    "",
    `Invalid JSON at line ${e.position.line}, column ${e.position.column}: ${e.message}.`,
    "Fix the JSON syntax at that position (a missing comma or quote is the usual cause).",
    e.position,
  );
  return false;
}

function policyTooLarge(t: TextFacts, found: Found): boolean {
  const message = sizeProblem(t.text, t.kind);
  if (message) {
    found(
      "",
      message,
      t.kind === "resource"
        ? "Move grants for IAM users and roles of this account into their identity policies, or merge statements that differ only in one value."
        : "Split it into several policies, or merge statements that differ only in one resource (a wildcard or a list).",
      { line: 1, column: 1 },
    );
  }
  return true;
}

// --- the document ---

function notAPolicy(s: ShapeFacts, found: Found): boolean {
  if (s.of === "statement") {
    if (isObject(s.value)) return true;
    found(
      s.path,
      `${s.path} is not an object.`,
      "Each statement is an object with Effect, Action and Resource.",
    );
    return false;
  }
  const doc = s.value;
  if (!isObject(doc) || doc.Statement === undefined) {
    found(
      "",
      "This is not an IAM policy: it has no Statement.",
      'A policy looks like {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [...], "Resource": [...]}]}.',
    );
    return false;
  }
  if (!Array.isArray(doc.Statement) && !isObject(doc.Statement)) {
    found(
      "Statement",
      "Statement must be an object or a list of objects.",
      "Wrap the statements in [ ].",
    );
    return false;
  }
  return true;
}

function missingVersion(p: PolicyFacts, found: Found): void {
  if (p.document.Version !== undefined) return;
  found(
    "",
    "The policy has no Version, so IAM uses 2008-10-17 and treats ${…} policy variables as plain text.",
    `Add "Version": "${VARIABLES_VERSION}".`,
  );
}

function oldVersion(p: PolicyFacts, found: Found): void {
  if (p.document.Version !== "2008-10-17") return;
  found(
    "Version",
    "Version 2008-10-17 is the old policy language: ${…} policy variables are plain text.",
    `Use "Version": "${VARIABLES_VERSION}".`,
  );
}

function invalidVersion(p: PolicyFacts, found: Found): void {
  const v = p.document.Version;
  if (v === undefined || v === "2008-10-17" || v === VARIABLES_VERSION) return;
  found(
    "Version",
    `Version "${String(v)}" is not a policy language version.`,
    `Use "Version": "${VARIABLES_VERSION}".`,
  );
}

// --- a statement ---

function duplicateSid(s: StatementFacts, found: Found): void {
  if (s.statement.Sid === undefined) return;
  const sid = String(s.statement.Sid);
  const first = s.sids.get(sid);
  if (first === undefined) {
    s.sids.set(sid, s.path);
    return;
  }
  found(
    `${s.path}.Sid`,
    `Sid "${sid}" is also used by ${first}.`,
    "Give every statement its own Sid.",
  );
}

function invalidSid(s: StatementFacts, found: Found): void {
  if (s.statement.Sid === undefined) return;
  const sid = String(s.statement.Sid);
  if (/^[A-Za-z0-9]*$/.test(sid)) return;
  found(
    `${s.path}.Sid`,
    `Sid "${sid}" has characters other than letters and digits; IAM rejects that in identity policies.`,
    `Use "${sid.replace(/[^A-Za-z0-9]/g, "")}".`,
  );
}

function invalidEffect(s: StatementFacts, found: Found): void {
  const effect = s.effect;
  if (effect === "Allow" || effect === "Deny") return;
  found(
    `${s.path}.Effect`,
    `Effect is ${effect === undefined ? "missing" : JSON.stringify(effect)}.`,
    'Use "Effect": "Allow" or "Effect": "Deny" (capitalised).',
  );
}

function hasPrincipal(st: Json): boolean {
  return st.Principal !== undefined || st.NotPrincipal !== undefined;
}

function principalInIdentityPolicy(s: StatementFacts, found: Found): void {
  if (s.options.kind !== "identity" || !hasPrincipal(s.statement)) return;
  const key = s.statement.Principal !== undefined ? "Principal" : "NotPrincipal";
  found(
    `${s.path}.${key}`,
    `${key} is not allowed in an identity policy: the principal is whoever the policy is attached to.`,
    `Remove ${key}, or lint the file as a bucket policy.`,
  );
}

function missingPrincipal(s: StatementFacts, found: Found): void {
  if (s.options.kind !== "resource" || hasPrincipal(s.statement)) return;
  found(
    s.path,
    `${s.path} has no Principal; in a bucket policy every statement must say whom it applies to.`,
    'Add "Principal": {"AWS": "arn:aws:iam::ACCOUNT:user/NAME"} (or a role ARN).',
  );
}

function publicPrincipal(s: StatementFacts, found: Found): void {
  const st = s.statement;
  if (s.options.kind !== "resource" || !hasPrincipal(st)) return;
  if (s.effect !== "Allow" || st.Condition !== undefined) return;
  const p = st.Principal;
  const anyone =
    p === "*" || (isObject(p) && (p.AWS === "*" || (Array.isArray(p.AWS) && p.AWS.includes("*"))));
  if (!anyone && st.NotPrincipal === undefined) return;
  found(
    `${s.path}.${anyone ? "Principal" : "NotPrincipal"}`,
    `${s.path} allows everyone, including anonymous callers on the internet.`,
    "Name the principals, or add a Condition (for example aws:PrincipalOrgID or aws:SourceVpce).",
  );
}

function missingAction(s: StatementFacts, found: Found): void {
  if (s.actions || s.notActions) return;
  found(s.path, `${s.path} has no Action.`, 'Add "Action": ["s3:GetObject", …].');
}

function notActionWithAllow(s: StatementFacts, found: Found): void {
  if (!s.notActions || s.effect !== "Allow") return;
  found(
    `${s.path}.NotAction`,
    `${s.path} allows every action except the ones listed, in every service, including actions added later.`,
    "List the allowed actions in Action instead.",
  );
}

// --- each action ---

function broadAction(a: ActionEntry, s: StatementFacts, found: Found): void {
  if (!a.inAction || s.effect !== "Allow") return;
  if (a.value === "*") {
    found(
      a.path,
      '"*" allows every action in every service.',
      "List the actions this principal needs.",
    );
  } else if (a.value.toLowerCase() === "s3:*") {
    found(
      a.path,
      '"s3:*" allows every S3 action, including DeleteBucket and PutBucketPolicy.',
      "List the S3 actions needed (see `s3kit policy generate`).",
    );
  }
}

function actionWithoutService(a: ActionEntry, s: StatementFacts, found: Found): void {
  const v = a.value;
  if (v === "*" || v.includes(":")) return;
  const guess = s.options.metadata?.action(`s3:${v}`) ? `s3:${v}` : `SERVICE:${v}`;
  found(a.path, `Action "${v}" has no service prefix.`, `Write "${guess}".`);
}

function unknownAction(a: ActionEntry, s: StatementFacts, found: Found): void {
  const meta = s.options.metadata;
  if (!meta || a.service === undefined || !a.expanded || a.expanded.length > 0) return;
  const v = a.value;
  const wildcard = /[*?]/.test(v);
  const suggestion = wildcard ? undefined : closest(v, meta.actionNames(a.service));
  found(
    a.path,
    `"${v}" ${wildcard ? "matches no" : "is not an"} ${a.service} action.`,
    suggestion
      ? `Did you mean "${suggestion}"?`
      : `Check the spelling against the ${a.service} actions in the Service Authorization Reference.`,
  );
}

// --- Resource ---

function missingResource(s: StatementFacts, found: Found): void {
  if (s.resources || s.notResources) return;
  found(
    s.path,
    `${s.path} has no Resource.`,
    'Add "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"].',
  );
}

function notResourceWithAllow(s: StatementFacts, found: Found): void {
  if (!s.notResources || s.effect !== "Allow") return;
  found(
    `${s.path}.NotResource`,
    `${s.path} allows the actions on every resource except the ones listed, in every account.`,
    "List the allowed resources in Resource instead.",
  );
}

// --- each resource ---

function malformedArn(r: ResourceEntry, _s: StatementFacts, found: Found): void {
  if (!r.problem) return;
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(r.value);
  found(
    r.path,
    `"${r.value}" ${r.problem}.`,
    s3
      ? `Write "arn:aws:s3:::${s3[1]}${s3[2] ? `/${s3[2]}` : ""}".`
      : "Write an ARN such as arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/PREFIX/*.",
  );
}

function broadResource(r: ResourceEntry, s: StatementFacts, found: Found): void {
  if (r.problem || r.value !== "*" || !r.inResource || s.effect !== "Allow" || !s.hasS3) return;
  const bucket = s.options.bucket;
  found(
    r.path,
    'Resource "*" applies the S3 actions to every bucket in every account.',
    bucket
      ? `Use "arn:aws:s3:::${bucket}" and "arn:aws:s3:::${bucket}/*".`
      : 'Name the bucket: "arn:aws:s3:::BUCKET" and "arn:aws:s3:::BUCKET/*".',
  );
}

function bucketMismatch(r: ResourceEntry, s: StatementFacts, found: Found): void {
  const bucket = s.options.bucket;
  if (r.problem || !bucket) return;
  const loc = parseS3Arn(r.value);
  if (!loc || /[*?$]/.test(loc.bucket) || loc.bucket === bucket) return;
  found(
    r.path,
    `"${r.value}" names bucket "${loc.bucket}", not "${bucket}".`,
    `Write "${r.value.replace(`:::${loc.bucket}`, `:::${bucket}`)}".`,
  );
}

// --- actions against resources ---

/** Explicit actions on explicit resources only: an action named in Action, a valid ARN. */
function actionResourceMismatch(s: StatementFacts, found: Found): void {
  if (!s.resources || s.known.length === 0) return;
  const values = s.resources.filter((r) => !r.problem).map((r) => r.value);
  if (values.length === 0) return;
  const anyBucket = values.some(couldMatchBucket);
  const anyObject = values.some(couldMatchObject);
  const anyAll = values.some((v) => v === "*" || v === "arn:aws:s3:::*");
  const bucketNames = [
    ...new Set(
      values.map((v) => parseS3Arn(v)?.bucket).filter((b): b is string => b !== undefined),
    ),
  ];
  const b = bucketNames[0] ?? s.options.bucket ?? "BUCKET";
  const path = `${s.path}.Resource`;
  for (const a of s.known) {
    if (a.service !== "s3") continue;
    const scope = s.options.metadata?.s3Scope(a);
    const name = `s3:${a.name}`;
    if (scope === "object" && !anyObject) {
      found(
        path,
        `${name} acts on objects, but ${s.path} names only the bucket ARN (${values.join(", ")}), so it never applies.`,
        objectResourceFix(s.document, b),
      );
    } else if (scope === "bucket" && !anyBucket) {
      found(
        path,
        `${name} acts on the bucket, but ${s.path} names only object ARNs (${values.join(", ")}), so it never applies.`,
        `Add "arn:aws:s3:::${b}" to Resource.`,
      );
    } else if (scope === "none" && !anyAll) {
      found(
        path,
        `${name} does not support resource-level permissions; it needs "Resource": "*".`,
        `Move ${name} to a statement with "Resource": "*".`,
      );
    }
  }
}

/**
 * The object resources to add for a statement that names only the bucket: under the
 * prefixes the rest of the policy uses for it, or every key when it uses none.
 */
function objectResourceFix(doc: Json, bucket: string): string {
  const minimal = minimalPrefixes(
    evidentPrefixes(bucket, [{ name: "policy", document: doc as unknown as PolicyDocument }]).map(
      (e) => e.prefix,
    ),
  );
  if (minimal.length === 0) return `Add "arn:aws:s3:::${bucket}/*" to Resource.`;
  const arns = minimal.map((p) => `"arn:aws:s3:::${bucket}/${p}*"`).join(", ");
  return `Add ${arns} to Resource: the prefix the rest of the policy uses ("arn:aws:s3:::${bucket}/*" would allow every key).`;
}

// --- conditions ---

function unknownConditionOperator(c: ConditionEntry, _s: StatementFacts, found: Found): void {
  if (c.parsed.base) return;
  found(
    c.path,
    `"${c.operator}" is not a condition operator.`,
    "Use one of StringEquals, StringLike, ArnLike, IpAddress, Bool, NumericLessThan, DateGreaterThan, Null, … (optionally with IfExists or ForAnyValue:/ForAllValues:).",
  );
}

function conditionKeyNotValid(k: ConditionKeyEntry, s: StatementFacts, found: Found): void {
  if (k.exists === false) {
    found(
      k.path,
      `"${k.key}" is not a known condition key, so this condition never holds.`,
      "Check the key name in the Service Authorization Reference.",
    );
    return;
  }
  const { parsed } = k.operator;
  if (parsed.ifExists || k.exists === undefined) return;
  const meta = k.metadata;
  const unsupported = s.known.filter(
    (a) => meta.hasService(a.service) && !meta.conditionKeyValidFor(a, k.key),
  );
  if (unsupported.length === 0) return;
  const names = unsupported.map((a) => `${a.service}:${a.name}`).join(", ");
  found(
    k.path,
    `${names} ${unsupported.length === 1 ? "does" : "do"} not support "${k.key}", so the condition never holds for ${unsupported.length === 1 ? "it" : "them"}.`,
    `Move ${names} to a statement without this condition, or use ${parsed.base?.name}IfExists.`,
  );
}

/**
 * Every rule: its id, severity and one line on what it finds (for the reference), where it
 * looks and its check. Within a place, the order here is the order of the findings.
 */
export const RULES = [
  {
    id: "invalid-json",
    severity: "error",
    summary: "the text is not valid JSON",
    on: "text",
    check: invalidJson,
  },
  {
    id: "policy-too-large",
    severity: "warning",
    summary:
      "larger than AWS accepts (identity policies without whitespace; bucket policies 20 KB)",
    on: "text",
    check: policyTooLarge,
  },
  {
    id: "not-a-policy",
    severity: "error",
    summary: "no Statement, or Statement is not an object or list",
    on: "shape",
    check: notAPolicy,
  },
  {
    id: "missing-version",
    severity: "warning",
    summary: "no Version: policy variables are not supported",
    on: "policy",
    check: missingVersion,
  },
  {
    id: "old-version",
    severity: "warning",
    summary: "Version 2008-10-17: policy variables are not supported",
    on: "policy",
    check: oldVersion,
  },
  {
    id: "invalid-version",
    severity: "error",
    summary: "Version is neither 2012-10-17 nor 2008-10-17",
    on: "policy",
    check: invalidVersion,
  },
  {
    id: "duplicate-sid",
    severity: "error",
    summary: "two statements with the same Sid",
    on: "statement",
    check: duplicateSid,
  },
  {
    id: "invalid-sid",
    severity: "warning",
    summary: "a Sid with characters other than letters and digits",
    on: "statement",
    check: invalidSid,
  },
  {
    id: "invalid-effect",
    severity: "error",
    summary: 'Effect must be "Allow" or "Deny"',
    on: "statement",
    check: invalidEffect,
  },
  {
    id: "principal-in-identity-policy",
    severity: "error",
    summary: "Principal in an identity policy",
    on: "statement",
    check: principalInIdentityPolicy,
  },
  {
    id: "missing-principal",
    severity: "error",
    summary: "a bucket policy statement without Principal",
    on: "statement",
    check: missingPrincipal,
  },
  {
    id: "public-principal",
    severity: "error",
    summary: 'Principal "*" without a Condition in an Allow of a bucket policy',
    on: "statement",
    check: publicPrincipal,
  },
  {
    id: "missing-action",
    severity: "error",
    summary: "a statement without Action or NotAction",
    on: "statement",
    check: missingAction,
  },
  {
    id: "not-action-with-allow",
    severity: "warning",
    summary: "NotAction with Allow grants everything else",
    on: "statement",
    check: notActionWithAllow,
  },
  {
    id: "broad-action",
    severity: "warning",
    summary: '"s3:*" or "*" grants every action',
    on: "action",
    check: broadAction,
  },
  {
    id: "action-without-service",
    severity: "error",
    summary: "an action without its service prefix (s3:)",
    on: "action",
    check: actionWithoutService,
  },
  {
    id: "unknown-action",
    severity: "error",
    summary: "an action (or wildcard) that matches no action",
    on: "action",
    check: unknownAction,
  },
  {
    id: "missing-resource",
    severity: "error",
    summary: "a statement without Resource or NotResource",
    on: "resources",
    check: missingResource,
  },
  {
    id: "not-resource-with-allow",
    severity: "warning",
    summary: "NotResource with Allow grants everything else",
    on: "resources",
    check: notResourceWithAllow,
  },
  {
    id: "malformed-arn",
    severity: "error",
    summary: "a Resource that is not a well-formed ARN",
    on: "resource",
    check: malformedArn,
  },
  {
    id: "broad-resource",
    severity: "warning",
    summary: 'Resource "*" with S3 actions',
    on: "resource",
    check: broadResource,
  },
  {
    id: "bucket-mismatch",
    severity: "warning",
    summary: "the policy names a bucket other than --bucket",
    on: "resource",
    check: bucketMismatch,
  },
  {
    id: "action-resource-mismatch",
    severity: "error",
    summary: "an object action only on bucket ARNs, a bucket action only on object ARNs",
    on: "actions-on-resources",
    check: actionResourceMismatch,
  },
  {
    id: "unknown-condition-operator",
    severity: "error",
    summary: "a condition operator IAM does not know",
    on: "condition",
    check: unknownConditionOperator,
  },
  {
    id: "condition-key-not-valid",
    severity: "warning",
    summary: "a condition key the action does not support (the condition can never hold)",
    on: "condition-key",
    check: conditionKeyNotValid,
  },
] as const satisfies readonly AnyRule[];
