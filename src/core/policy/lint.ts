// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// `policy lint`: offline checks of a policy document. Every finding names the rule, a
// path like `Statement[1].Resource[0]`, the line and column when the text is known,
// what is wrong and how to fix it.

import { arnProblem, couldMatchBucket, couldMatchObject, parseS3Arn } from "./arn.js";
import { parseOperator } from "./conditions.js";
import { nestedTooDeeply } from "./errors.js";
import { evidentPrefixes, minimalPrefixes } from "./evident-prefix.js";
import {
  JsonSyntaxError,
  JsonTooDeepError,
  type LazyParsedJson,
  MAX_JSON_DEPTH,
  parseJsonFast,
  type SourcePosition,
} from "./json-parse.js";
import type { ActionMetadata, PolicyMetadata } from "./metadata.js";
import { closest } from "./near-miss.js";
import type { PolicyDocument } from "./types.js";
import { VARIABLES_VERSION } from "./variables.js";

export type LintSeverity = "error" | "warning";

export const LINT_RULES = {
  "invalid-json": { severity: "error", summary: "the text is not valid JSON" },
  "not-a-policy": {
    severity: "error",
    summary: "no Statement, or Statement is not an object or list",
  },
  "invalid-version": { severity: "error", summary: "Version is neither 2012-10-17 nor 2008-10-17" },
  "missing-version": {
    severity: "warning",
    summary: "no Version: policy variables are not supported",
  },
  "old-version": {
    severity: "warning",
    summary: "Version 2008-10-17: policy variables are not supported",
  },
  "invalid-effect": { severity: "error", summary: 'Effect must be "Allow" or "Deny"' },
  "missing-action": { severity: "error", summary: "a statement without Action or NotAction" },
  "missing-resource": { severity: "error", summary: "a statement without Resource or NotResource" },
  "action-without-service": {
    severity: "error",
    summary: "an action without its service prefix (s3:)",
  },
  "unknown-action": {
    severity: "error",
    summary: "an action (or wildcard) that matches no action",
  },
  "action-resource-mismatch": {
    severity: "error",
    summary: "an object action only on bucket ARNs, a bucket action only on object ARNs",
  },
  "broad-resource": { severity: "warning", summary: 'Resource "*" with S3 actions' },
  "broad-action": { severity: "warning", summary: '"s3:*" or "*" grants every action' },
  "bucket-mismatch": {
    severity: "warning",
    summary: "the policy names a bucket other than --bucket",
  },
  "not-action-with-allow": {
    severity: "warning",
    summary: "NotAction with Allow grants everything else",
  },
  "not-resource-with-allow": {
    severity: "warning",
    summary: "NotResource with Allow grants everything else",
  },
  "public-principal": {
    severity: "error",
    summary: 'Principal "*" without a Condition in an Allow of a bucket policy',
  },
  "principal-in-identity-policy": { severity: "error", summary: "Principal in an identity policy" },
  "missing-principal": {
    severity: "error",
    summary: "a bucket policy statement without Principal",
  },
  "duplicate-sid": { severity: "error", summary: "two statements with the same Sid" },
  "invalid-sid": {
    severity: "warning",
    summary: "a Sid with characters other than letters and digits",
  },
  "unknown-condition-operator": {
    severity: "error",
    summary: "a condition operator IAM does not know",
  },
  "condition-key-not-valid": {
    severity: "warning",
    summary: "a condition key the action does not support (the condition can never hold)",
  },
  "malformed-arn": { severity: "error", summary: "a Resource that is not a well-formed ARN" },
  "policy-too-large": {
    severity: "warning",
    summary:
      "larger than AWS accepts (identity policies without whitespace; bucket policies 20 KB)",
  },
} as const satisfies Record<string, { severity: LintSeverity; summary: string }>;

export type LintRule = keyof typeof LINT_RULES;

export interface LintFinding {
  rule: LintRule;
  severity: LintSeverity;
  path: string;
  message: string;
  fix: string;
  line?: number;
  column?: number;
}

export interface LintOptions {
  kind: "identity" | "resource";
  /** The bucket the policy is meant for: enables bucket-mismatch. */
  bucket?: string;
  /** Enables unknown-action, action-resource-mismatch and condition-key-not-valid. */
  metadata?: PolicyMetadata;
  /** The file name, for errors that stop the lint (JSON nested too deeply). */
  source?: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface Entry {
  value: string;
  path: string;
}

function entries(st: Json, key: string, stPath: string): Entry[] | undefined {
  const v = st[key];
  if (v === undefined) return undefined;
  if (Array.isArray(v))
    return v.map((x, i) => ({ value: String(x), path: `${stPath}.${key}[${i}]` }));
  return [{ value: String(v), path: `${stPath}.${key}` }];
}

export function lintPolicyDocument(
  doc: unknown,
  options: LintOptions,
  positions?: Map<string, SourcePosition>,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (rule: LintRule, path: string, message: string, fix: string) => {
    const f: LintFinding = { rule, severity: LINT_RULES[rule].severity, path, message, fix };
    const pos = positions?.get(path);
    if (pos) {
      f.line = pos.line;
      f.column = pos.column;
    }
    findings.push(f);
  };
  const meta = options.metadata;

  if (!isObject(doc) || doc.Statement === undefined) {
    add(
      "not-a-policy",
      "",
      "This is not an IAM policy: it has no Statement.",
      'A policy looks like {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [...], "Resource": [...]}]}.',
    );
    return findings;
  }
  const rawStatements = doc.Statement;
  if (!Array.isArray(rawStatements) && !isObject(rawStatements)) {
    add(
      "not-a-policy",
      "Statement",
      "Statement must be an object or a list of objects.",
      "Wrap the statements in [ ].",
    );
    return findings;
  }

  if (doc.Version === undefined) {
    add(
      "missing-version",
      "",
      "The policy has no Version, so IAM uses 2008-10-17 and treats ${…} policy variables as plain text.",
      `Add "Version": "${VARIABLES_VERSION}".`,
    );
  } else if (doc.Version === "2008-10-17") {
    add(
      "old-version",
      "Version",
      "Version 2008-10-17 is the old policy language: ${…} policy variables are plain text.",
      `Use "Version": "${VARIABLES_VERSION}".`,
    );
  } else if (doc.Version !== VARIABLES_VERSION) {
    add(
      "invalid-version",
      "Version",
      `Version "${String(doc.Version)}" is not a policy language version.`,
      `Use "Version": "${VARIABLES_VERSION}".`,
    );
  }

  const single = !Array.isArray(rawStatements);
  const statements: unknown[] = single ? [rawStatements] : rawStatements;
  const sids = new Map<string, string>();

  statements.forEach((raw, index) => {
    const sp = single ? "Statement" : `Statement[${index}]`;
    if (!isObject(raw)) {
      add(
        "not-a-policy",
        sp,
        `${sp} is not an object.`,
        "Each statement is an object with Effect, Action and Resource.",
      );
      return;
    }
    const st = raw;

    // Sid
    if (st.Sid !== undefined) {
      const sid = String(st.Sid);
      const first = sids.get(sid);
      if (first !== undefined) {
        add(
          "duplicate-sid",
          `${sp}.Sid`,
          `Sid "${sid}" is also used by ${first}.`,
          "Give every statement its own Sid.",
        );
      } else sids.set(sid, sp);
      if (!/^[A-Za-z0-9]*$/.test(sid)) {
        add(
          "invalid-sid",
          `${sp}.Sid`,
          `Sid "${sid}" has characters other than letters and digits; IAM rejects that in identity policies.`,
          `Use "${sid.replace(/[^A-Za-z0-9]/g, "")}".`,
        );
      }
    }

    // Effect
    const effect = st.Effect;
    if (effect !== "Allow" && effect !== "Deny") {
      add(
        "invalid-effect",
        `${sp}.Effect`,
        `Effect is ${effect === undefined ? "missing" : JSON.stringify(effect)}.`,
        'Use "Effect": "Allow" or "Effect": "Deny" (capitalised).',
      );
    }

    // Principal
    const hasPrincipal = st.Principal !== undefined || st.NotPrincipal !== undefined;
    if (options.kind === "identity" && hasPrincipal) {
      const key = st.Principal !== undefined ? "Principal" : "NotPrincipal";
      add(
        "principal-in-identity-policy",
        `${sp}.${key}`,
        `${key} is not allowed in an identity policy: the principal is whoever the policy is attached to.`,
        `Remove ${key}, or lint the file as a bucket policy.`,
      );
    }
    if (options.kind === "resource") {
      if (!hasPrincipal) {
        add(
          "missing-principal",
          sp,
          `${sp} has no Principal; in a bucket policy every statement must say whom it applies to.`,
          'Add "Principal": {"AWS": "arn:aws:iam::ACCOUNT:user/NAME"} (or a role ARN).',
        );
      } else if (effect === "Allow" && st.Condition === undefined) {
        const p = st.Principal;
        const anyone =
          p === "*" ||
          (isObject(p) && (p.AWS === "*" || (Array.isArray(p.AWS) && p.AWS.includes("*"))));
        if (anyone || st.NotPrincipal !== undefined) {
          add(
            "public-principal",
            `${sp}.${anyone ? "Principal" : "NotPrincipal"}`,
            `${sp} allows everyone, including anonymous callers on the internet.`,
            "Name the principals, or add a Condition (for example aws:PrincipalOrgID or aws:SourceVpce).",
          );
        }
      }
    }

    // Action
    const actions = entries(st, "Action", sp);
    const notActions = entries(st, "NotAction", sp);
    if (!actions && !notActions) {
      add("missing-action", sp, `${sp} has no Action.`, 'Add "Action": ["s3:GetObject", …].');
    }
    if (notActions && effect === "Allow") {
      add(
        "not-action-with-allow",
        `${sp}.NotAction`,
        `${sp} allows every action except the ones listed, in every service, including actions added later.`,
        "List the allowed actions in Action instead.",
      );
    }
    const known: ActionMetadata[] = [];
    let hasS3 = false;
    for (const a of [...(actions ?? []), ...(notActions ?? [])]) {
      const v = a.value;
      if (v === "*") {
        hasS3 = true;
        if (actions?.includes(a) && effect === "Allow") {
          add(
            "broad-action",
            a.path,
            '"*" allows every action in every service.',
            "List the actions this principal needs.",
          );
        }
        continue;
      }
      const colon = v.indexOf(":");
      if (colon < 0) {
        const guess = meta?.action(`s3:${v}`) ? `s3:${v}` : `SERVICE:${v}`;
        add(
          "action-without-service",
          a.path,
          `Action "${v}" has no service prefix.`,
          `Write "${guess}".`,
        );
        continue;
      }
      const service = v.slice(0, colon).toLowerCase();
      if (service === "s3") hasS3 = true;
      if (v.toLowerCase() === "s3:*" && actions?.includes(a) && effect === "Allow") {
        add(
          "broad-action",
          a.path,
          '"s3:*" allows every S3 action, including DeleteBucket and PutBucketPolicy.',
          "List the S3 actions needed (see `s3kit policy generate`).",
        );
      }
      if (!meta?.hasService(service)) continue;
      const expanded = meta.expandAction(v) ?? [];
      if (expanded.length === 0) {
        const suggestion = /[*?]/.test(v) ? undefined : closest(v, meta.actionNames(service));
        add(
          "unknown-action",
          a.path,
          `"${v}" ${/[*?]/.test(v) ? "matches no" : "is not an"} ${service} action.`,
          suggestion
            ? `Did you mean "${suggestion}"?`
            : `Check the spelling against the ${service} actions in the Service Authorization Reference.`,
        );
        continue;
      }
      if (actions?.includes(a) && !/[*?]/.test(v)) known.push(...expanded);
    }

    // Resource
    const resources = entries(st, "Resource", sp);
    const notResources = entries(st, "NotResource", sp);
    if (!resources && !notResources) {
      add(
        "missing-resource",
        sp,
        `${sp} has no Resource.`,
        'Add "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"].',
      );
    }
    if (notResources && effect === "Allow") {
      add(
        "not-resource-with-allow",
        `${sp}.NotResource`,
        `${sp} allows the actions on every resource except the ones listed, in every account.`,
        "List the allowed resources in Resource instead.",
      );
    }
    for (const r of [...(resources ?? []), ...(notResources ?? [])]) {
      const problem = arnProblem(r.value);
      if (problem) {
        const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(r.value);
        add(
          "malformed-arn",
          r.path,
          `"${r.value}" ${problem}.`,
          s3
            ? `Write "arn:aws:s3:::${s3[1]}${s3[2] ? `/${s3[2]}` : ""}".`
            : "Write an ARN such as arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/PREFIX/*.",
        );
        continue;
      }
      if (r.value === "*" && resources?.includes(r) && effect === "Allow" && hasS3) {
        add(
          "broad-resource",
          r.path,
          'Resource "*" applies the S3 actions to every bucket in every account.',
          options.bucket
            ? `Use "arn:aws:s3:::${options.bucket}" and "arn:aws:s3:::${options.bucket}/*".`
            : 'Name the bucket: "arn:aws:s3:::BUCKET" and "arn:aws:s3:::BUCKET/*".',
        );
      }
      const loc = parseS3Arn(r.value);
      if (options.bucket && loc && !/[*?$]/.test(loc.bucket) && loc.bucket !== options.bucket) {
        add(
          "bucket-mismatch",
          r.path,
          `"${r.value}" names bucket "${loc.bucket}", not "${options.bucket}".`,
          `Write "${r.value.replace(`:::${loc.bucket}`, `:::${options.bucket}`)}".`,
        );
      }
    }

    // Action / resource type mismatch (explicit actions on explicit resources only).
    if (resources && known.length > 0) {
      const values = resources.map((r) => r.value).filter((v) => arnProblem(v) === undefined);
      if (values.length > 0) {
        const anyBucket = values.some(couldMatchBucket);
        const anyObject = values.some(couldMatchObject);
        const anyAll = values.some((v) => v === "*" || v === "arn:aws:s3:::*");
        const bucketNames = [
          ...new Set(
            values.map((v) => parseS3Arn(v)?.bucket).filter((b): b is string => b !== undefined),
          ),
        ];
        const b = bucketNames[0] ?? options.bucket ?? "BUCKET";
        for (const a of known) {
          if (a.service !== "s3") continue;
          const scope = meta?.s3Scope(a);
          const name = `s3:${a.name}`;
          const path = `${sp}.Resource`;
          if (scope === "object" && !anyObject) {
            add(
              "action-resource-mismatch",
              path,
              `${name} acts on objects, but ${sp} names only the bucket ARN (${values.join(", ")}), so it never applies.`,
              objectResourceFix(doc, b),
            );
          } else if (scope === "bucket" && !anyBucket) {
            add(
              "action-resource-mismatch",
              path,
              `${name} acts on the bucket, but ${sp} names only object ARNs (${values.join(", ")}), so it never applies.`,
              `Add "arn:aws:s3:::${b}" to Resource.`,
            );
          } else if (scope === "none" && !anyAll) {
            add(
              "action-resource-mismatch",
              path,
              `${name} does not support resource-level permissions; it needs "Resource": "*".`,
              `Move ${name} to a statement with "Resource": "*".`,
            );
          }
        }
      }
    }

    // Conditions
    const cond = st.Condition;
    if (cond !== undefined && isObject(cond)) {
      for (const [op, block] of Object.entries(cond)) {
        const parsed = parseOperator(op);
        const opPath = `${sp}.Condition.${op}`;
        if (!parsed.base) {
          add(
            "unknown-condition-operator",
            opPath,
            `"${op}" is not a condition operator.`,
            "Use one of StringEquals, StringLike, ArnLike, IpAddress, Bool, NumericLessThan, DateGreaterThan, Null, … (optionally with IfExists or ForAnyValue:/ForAllValues:).",
          );
          continue;
        }
        if (!meta || !isObject(block)) continue;
        for (const key of Object.keys(block)) {
          const keyPath = `${opPath}.${key}`;
          const exists = meta.conditionKeyExists(key);
          if (exists === false) {
            add(
              "condition-key-not-valid",
              keyPath,
              `"${key}" is not a known condition key, so this condition never holds.`,
              "Check the key name in the Service Authorization Reference.",
            );
            continue;
          }
          if (parsed.ifExists) continue;
          const unsupported = known.filter(
            (a) => meta.hasService(a.service) && !meta.conditionKeyValidFor(a, key),
          );
          if (unsupported.length > 0 && exists !== undefined) {
            const names = unsupported.map((a) => `${a.service}:${a.name}`).join(", ");
            add(
              "condition-key-not-valid",
              keyPath,
              `${names} ${unsupported.length === 1 ? "does" : "do"} not support "${key}", so the condition never holds for ${unsupported.length === 1 ? "it" : "them"}.`,
              `Move ${names} to a statement without this condition, or use ${parsed.base.name}IfExists.`,
            );
          }
        }
      }
    }
  });
  return findings;
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

/**
 * Lint policy text: JSON errors come back as a finding with line and column. JSON nested
 * deeper than any policy is bad input, not a finding: PolicyInputError (exit 2).
 */
export function lintPolicy(text: string, options: LintOptions): LintFinding[] {
  let parsed: LazyParsedJson;
  try {
    parsed = parseJsonFast(text);
  } catch (e) {
    if (e instanceof JsonTooDeepError) {
      throw nestedTooDeeply(options.source ?? "The policy", e.position, MAX_JSON_DEPTH);
    }
    if (!(e instanceof JsonSyntaxError)) throw e;
    return [
      {
        rule: "invalid-json",
        severity: "error",
        path: "",
        message: `Invalid JSON at line ${e.position.line}, column ${e.position.column}: ${e.message}.`,
        fix: "Fix the JSON syntax at that position (a missing comma or quote is the usual cause).",
        line: e.position.line,
        column: e.position.column,
      },
    ];
  }
  // Positions cost a second parse: only a policy with findings needs them.
  const findings = lintPolicyDocument(parsed.value, options);
  if (findings.length > 0) {
    const { positions } = parsed;
    for (const f of findings) {
      const pos = positions.get(f.path);
      if (pos) {
        f.line = pos.line;
        f.column = pos.column;
      }
    }
  }
  const tooLarge = sizeFinding(text, options.kind);
  return tooLarge ? [tooLarge, ...findings] : findings;
}

/**
 * IAM counts an identity policy's characters without whitespace against its quotas; S3
 * limits a bucket policy to 20 KB and documents no such exception, so all of it counts.
 */
export const POLICY_SIZE_LIMITS = {
  managed: 6_144,
  inlineUser: 2_048,
  inlineGroup: 5_120,
  inlineRole: 10_240,
  bucketPolicyBytes: 20 * 1024,
} as const;

/** Characters of the text as IAM counts them against its quotas (no whitespace). */
export function iamPolicySize(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) n++;
  }
  return n;
}

const number = (n: number) => n.toLocaleString("en-US");

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // a surrogate pair is one 4-byte character
      i++;
    } else n += 3;
  }
  return n;
}

/** The size limits a policy text exceeds, in words; undefined when it fits everywhere. */
export function sizeProblem(text: string, kind: "identity" | "resource"): string | undefined {
  if (kind === "resource") {
    const bytes = utf8Length(text);
    if (bytes <= POLICY_SIZE_LIMITS.bucketPolicyBytes) return undefined;
    return `The bucket policy is ${number(bytes)} bytes; S3 rejects a bucket policy over 20 KB (${number(POLICY_SIZE_LIMITS.bucketPolicyBytes)} bytes).`;
  }
  const size = iamPolicySize(text);
  const L = POLICY_SIZE_LIMITS;
  const over = [
    [L.managed, `a managed policy (${number(L.managed)})`],
    [L.inlineUser, `the inline policies of a user (${number(L.inlineUser)})`],
    [L.inlineGroup, `of a group (${number(L.inlineGroup)})`],
    [L.inlineRole, `of a role (${number(L.inlineRole)})`],
  ]
    .filter(([limit]) => size > (limit as number))
    .map(([, what]) => what as string);
  if (over.length === 0) return undefined;
  return `The policy has ${number(size)} characters without whitespace, more than IAM accepts for ${over.join(", ")}.`;
}

function sizeFinding(text: string, kind: "identity" | "resource"): LintFinding | undefined {
  const message = sizeProblem(text, kind);
  if (!message) return undefined;
  return {
    rule: "policy-too-large",
    severity: LINT_RULES["policy-too-large"].severity,
    path: "",
    message,
    fix:
      kind === "resource"
        ? "Move grants for IAM users and roles of this account into their identity policies, or merge statements that differ only in one value."
        : "Split it into several policies, or merge statements that differ only in one resource (a wildcard or a list).",
    line: 1,
    column: 1,
  };
}

/** True when a finding list contains errors (what makes `policy lint` exit non-zero). */
export function hasLintErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
