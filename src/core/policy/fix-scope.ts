// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// What `policy fix` may grant. A fix makes the denied requests succeed within one scope:
//   key     that object only (for a listing: exactly that s3:prefix);
//   prefix  every key under a prefix (for a listing: s3:prefix under it);
//   bucket  every key of the bucket (and listing all of it).
// By default the scope is the narrowest that fits what the caller's policies evidently
// mean for this bucket: the prefix their object resources, s3:prefix conditions or s3kit
// policy names use, when the key lies under it; otherwise the key's folder. The whole
// bucket is the default only when the policies already grant on the whole bucket, or when
// no key is given and no prefix is evident. The fixer checks every change it makes against
// the scope (`grantWithinScope`) and never writes one that reaches outside it.

import { ConflictError, UsageError } from "../errors.js";
import { bucketArn, objectArn, parseS3Arn } from "./arn.js";
import {
  type EvidenceSource,
  type EvidentPrefix,
  escapePolicyText,
  minimalPrefixes,
  PREFIX_OPERATORS,
} from "./evident-prefix.js";
import { EXAMPLE_KEY, LISTING_ACTIONS } from "./parse.js";
import { prepareRequest } from "./request-context.js";
import type { ConditionBlock, ContextValue, EvaluationRequest } from "./types.js";
import { parseTemplate, resolveToText } from "./variables.js";

export {
  type EvidenceSource,
  type EvidentPrefix,
  escapePolicyText,
  evidentPrefixes,
  prefixesFromTags,
  prefixFromGrantName,
} from "./evident-prefix.js";

export type FixScopeKind = "key" | "prefix" | "bucket";

/** The user's choice: --scope key|prefix|bucket, --prefix P. */
export interface FixScopeOptions {
  scope?: FixScopeKind;
  prefix?: string;
}

export interface FixScope {
  kind: FixScopeKind;
  bucket: string;
  partition: string;
  /**
   * As policy text (wildcards escaped, variables such as ${aws:username} kept): the key
   * for "key", the prefixes for "prefix", empty for "bucket".
   */
  values: string[];
  /** Why this scope, in words. */
  reason: string;
  /** A bucket action (not a listing): the grant is on the bucket ARN itself. */
  bucketItself?: true;
}

/** What a request needs granted within its scope: resources, and a condition for listings. */
export interface ScopeTarget {
  resources: string[];
  condition?: ConditionBlock;
}

/** A request as the fix checks it, with its scope and what it needs. */
export interface ScopedRequest {
  /** The request as asked. */
  original: EvaluationRequest;
  /**
   * The request checked: without a --key, the example key (or a listing without a prefix)
   * is moved under the scope's prefix, since nothing outside it may be granted.
   */
  request: EvaluationRequest;
  /** Unset for requests outside S3 buckets (a KMS key): fixed on that exact resource. */
  scope?: FixScope;
  target?: ScopeTarget;
}

const SOURCE_WORDS: Record<EvidenceSource, (from: string) => string> = {
  resource: (from) => `the prefix the resources of ${from} use`,
  condition: (from) => `the prefix of the s3:prefix condition in ${from}`,
  name: (from) => `the prefix in the name of ${from}`,
  tag: (from) => `the prefix in the principal's tag ${from}`,
};

function contextValue(req: EvaluationRequest, key: string): ContextValue | undefined {
  const ctx = req.context ?? {};
  const k = Object.keys(ctx).find((x) => x.toLowerCase() === key);
  return k === undefined ? undefined : ctx[k];
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

/**
 * The scope of one request and the request the fix checks. Throws UsageError (exit 2)
 * for a scope that cannot apply (--scope key without a key), ConflictError (exit 5) when
 * the request lies outside the scope asked for (a key outside --prefix).
 */
export function chooseScope(
  original: EvaluationRequest,
  evident: readonly EvidentPrefix[],
  options: FixScopeOptions = {},
): ScopedRequest {
  const loc = parseS3Arn(original.resource);
  // A request names one object: a `*` in its key is a character of the key, not a wildcard.
  if (!loc || /[*?]/.test(loc.bucket)) return { original, request: original };
  const actionLc = original.action.toLowerCase();
  const listing = loc.key === undefined && LISTING_ACTIONS.has(actionLc);
  const base = { bucket: loc.bucket, partition: loc.partition };
  if (loc.key === undefined && !listing) {
    const scope: FixScope = {
      kind: "bucket",
      ...base,
      values: [],
      reason: `${original.action} acts on the bucket itself`,
      bucketItself: true,
    };
    return { original, request: original, scope, target: { resources: [original.resource] } };
  }
  const prefixValue = listing ? contextValue(original, "s3:prefix") : undefined;
  const key = listing
    ? typeof prefixValue === "string"
      ? prefixValue
      : undefined
    : original.exampleKey
      ? undefined
      : loc.key;
  const lookup = prepareRequest(original).lookup;
  const resolve = (raw: string) =>
    raw.includes("${") ? resolveToText(parseTemplate(raw, true), lookup) : raw;
  const what = listing ? `s3:prefix "${key}"` : `key "${key}"`;

  let scope: FixScope;
  if (options.scope === "key") {
    if (key === undefined) {
      throw new UsageError(
        `--scope key needs the key: give --key K (for ${original.action}${listing ? ", the s3:prefix to list" : ""}).`,
        "Or choose --scope prefix (with --prefix P) or --scope bucket.",
      );
    }
    scope = { kind: "key", ...base, values: [escapePolicyText(key)], reason: "--scope key" };
  } else if (options.prefix !== undefined) {
    if (key !== undefined && !key.startsWith(options.prefix)) {
      throw new ConflictError(
        `Refusing the fix: ${original.action} on ${what} lies outside --prefix "${options.prefix}", so allowing it would grant more than that prefix.`,
        `Use a --prefix the ${listing ? "listing" : "key"} is under, or --scope key to allow exactly this ${listing ? "listing" : "object"}.`,
        "FixOutsideScope",
      );
    }
    scope = {
      kind: "prefix",
      ...base,
      values: [escapePolicyText(options.prefix)],
      reason: "--prefix",
    };
  } else if (options.scope === "bucket") {
    scope = { kind: "bucket", ...base, values: [], reason: "--scope bucket" };
  } else {
    scope = defaultScope(key, evident, options, base, resolve, original);
  }

  // Without a key the check uses one under the scope: nothing outside it is granted.
  let request = original;
  if (key === undefined && scope.kind === "prefix") {
    const first = scope.values.map(resolve).find((v) => v !== undefined);
    if (first !== undefined) {
      request = listing
        ? { ...original, context: { ...(original.context ?? {}), "s3:prefix": first } }
        : {
            ...original,
            resource: objectArn(loc.bucket, `${first}${EXAMPLE_KEY}`, loc.partition),
          };
    }
  }
  return { original, request, scope, target: scopeTarget(scope, listing) };
}

function defaultScope(
  key: string | undefined,
  evident: readonly EvidentPrefix[],
  options: FixScopeOptions,
  base: { bucket: string; partition: string },
  resolve: (raw: string) => string | undefined,
  original: EvaluationRequest,
): FixScope {
  const nonEmpty = evident.filter((e) => e.prefix !== "");
  const wholeBucket = evident.some((e) => e.prefix === "");
  if (key !== undefined) {
    let best: { e: EvidentPrefix; resolved: string } | undefined;
    for (const e of nonEmpty) {
      const resolved = resolve(e.prefix);
      if (resolved === undefined || !key.startsWith(resolved)) continue;
      if (!best || resolved.length > best.resolved.length) best = { e, resolved };
    }
    if (best) {
      return {
        kind: "prefix",
        ...base,
        values: [best.e.prefix],
        reason: SOURCE_WORDS[best.e.source](best.e.from),
      };
    }
    if (options.scope === undefined && nonEmpty.length === 0 && wholeBucket) {
      return {
        kind: "bucket",
        ...base,
        values: [],
        reason: "the caller's policies grant on the whole bucket already",
      };
    }
    const folder = key.slice(0, key.lastIndexOf("/") + 1);
    if (folder !== "") {
      const others = [...new Set(nonEmpty.map((e) => e.prefix))];
      return {
        kind: "prefix",
        ...base,
        values: [escapePolicyText(folder)],
        reason:
          others.length > 0
            ? `the key's folder, as the key is not under the prefixes the policies use (${quoteList(others)})`
            : "the key's folder, as the policies use no prefix for this bucket",
      };
    }
    if (options.scope === "prefix") {
      throw new UsageError(
        `"${key}" is at the top of bucket ${base.bucket}: it has no folder to use as the prefix.`,
        "Give --prefix P, or --scope key (this object only) or --scope bucket.",
      );
    }
    return {
      kind: "key",
      ...base,
      values: [escapePolicyText(key)],
      reason:
        "a key at the top of the bucket, outside any prefix; --scope bucket would allow every key",
    };
  }
  // No key: the prefixes the policies use, all of them (the narrowest that covers each).
  const minimal = minimalPrefixes(nonEmpty.map((e) => e.prefix));
  if (minimal.length > 0) {
    const sources = [...new Set(nonEmpty.map((e) => SOURCE_WORDS[e.source](e.from)))];
    return {
      kind: "prefix",
      ...base,
      values: minimal,
      reason: `no --key given; ${sources.join(" and ")}`,
    };
  }
  if (options.scope === "prefix") {
    throw new UsageError(
      `No prefix to limit ${original.action} to: the policies use none for bucket ${base.bucket}, and no --key was given.`,
      "Give --prefix P (or --key K to use its folder).",
    );
  }
  return {
    kind: "bucket",
    ...base,
    values: [],
    reason: wholeBucket
      ? "the caller's policies grant on the whole bucket already"
      : "no --key given and the policies use no prefix for this bucket",
  };
}

/** The resources (and, for a listing, the s3:prefix condition) a scope grants. */
export function scopeTarget(scope: FixScope, listing: boolean): ScopeTarget {
  const bArn = bucketArn(scope.bucket, scope.partition);
  if (listing) {
    if (scope.kind === "bucket") return { resources: [bArn] };
    if (scope.kind === "key") {
      return { resources: [bArn], condition: { StringEquals: { "s3:prefix": scope.values } } };
    }
    return {
      resources: [bArn],
      condition: { StringLike: { "s3:prefix": scope.values.map((p) => `${p}*`) } },
    };
  }
  if (scope.kind === "bucket") return { resources: [`${bArn}/*`] };
  if (scope.kind === "key") return { resources: [`${bArn}/${scope.values[0] ?? ""}`] };
  return { resources: scope.values.map((p) => `${bArn}/${p}*`) };
}

type ActionKind = "object" | "listing" | "bucket" | "other";

/** What an action pattern can act on, from its name (wildcards can act on anything in S3). */
function actionKinds(pattern: string): Set<ActionKind> {
  const lc = pattern.toLowerCase();
  if (lc === "*") return new Set(["object", "listing", "bucket"]);
  const colon = lc.indexOf(":");
  const service = lc.slice(0, colon);
  const name = lc.slice(colon + 1);
  if (service !== "s3" && !/[*?]/.test(service)) return new Set(["other"]);
  if (/[*?]/.test(lc)) return new Set(["object", "listing", "bucket"]);
  if (LISTING_ACTIONS.has(lc)) return new Set(["listing"]);
  if (
    name.includes("object") ||
    name === "abortmultipartupload" ||
    name === "listmultipartuploadparts"
  ) {
    return new Set(["object"]);
  }
  return new Set(["bucket"]);
}

/** One action pattern newly allowed on one resource pattern by a change. */
export interface FixGrant {
  action: string;
  resource: string;
}

/**
 * The grants a change adds that can take effect: an object action on a bucket ARN, a
 * bucket action on an object ARN or a KMS action on an S3 ARN never applies.
 */
export function effectiveGrants(
  actions: readonly string[],
  resources: readonly string[],
): FixGrant[] {
  const out: FixGrant[] = [];
  for (const action of actions) {
    const kinds = actionKinds(action);
    for (const resource of resources) {
      const loc = parseS3Arn(resource);
      if (loc && !/[*?$]/.test(loc.bucket)) {
        const object = loc.key !== undefined;
        const applies = object ? kinds.has("object") : kinds.has("listing") || kinds.has("bucket");
        if (!applies) continue;
      }
      out.push({ action, resource });
    }
  }
  return out;
}

/** Does the statement's condition keep listings within the scope (s3:prefix under it)? */
export function listingConditionWithin(
  condition: ConditionBlock | undefined,
  scope: FixScope,
): boolean {
  if (scope.kind === "bucket") return true;
  let found = false;
  for (const [op, block] of Object.entries(condition ?? {})) {
    const lc = op.toLowerCase();
    for (const [key, values] of Object.entries(block ?? {})) {
      if (key.toLowerCase() !== "s3:prefix") continue;
      if (!PREFIX_OPERATORS.has(lc)) return false; // IfExists, negations: not a limit
      found = true;
      for (const v of Array.isArray(values) ? values : [values]) {
        const text = lc === "stringlike" ? String(v) : escapePolicyText(String(v));
        const within =
          scope.kind === "key"
            ? text === scope.values[0]
            : scope.values.some((p) => text.startsWith(p));
        if (!within) return false;
      }
    }
  }
  return found;
}

/**
 * Is this grant inside the scope? An object resource must lie under the scope's prefix
 * (or be exactly its key); the bucket ARN is inside for listings limited by an s3:prefix
 * condition within the scope, and for the bucket action the request asked for.
 */
export function grantWithinScope(
  grant: FixGrant,
  scope: FixScope,
  condition: ConditionBlock | undefined,
  requested: { action: string; resource: string },
): boolean {
  if (scope.bucketItself) {
    return (
      grant.action.toLowerCase() === requested.action.toLowerCase() &&
      grant.resource === requested.resource
    );
  }
  const loc = parseS3Arn(grant.resource);
  if (!loc || loc.bucket !== scope.bucket || loc.partition !== scope.partition) return false;
  if (loc.key === undefined) {
    const kinds = actionKinds(grant.action);
    if (kinds.has("bucket")) return false; // bucket configuration was not asked for
    return listingConditionWithin(condition, scope);
  }
  if (scope.kind === "bucket") return true;
  if (scope.kind === "key") return loc.key === scope.values[0];
  return scope.values.some((p) => loc.key?.startsWith(p));
}

/** One line: what the fix grants, in which scope, and what else becomes allowed. */
export function describeScopedGrants(
  scoped: readonly ScopedRequest[],
  grants: readonly FixGrant[],
): string[] {
  const lines: string[] = [];
  const byScope = new Map<string, { scope: FixScope; requests: ScopedRequest[] }>();
  for (const s of scoped) {
    if (!s.scope) continue;
    const id = JSON.stringify([s.scope.kind, s.scope.bucket, s.scope.values]);
    const entry = byScope.get(id) ?? { scope: s.scope, requests: [] };
    entry.requests.push(s);
    byScope.set(id, entry);
  }
  for (const { scope, requests } of byScope.values()) {
    const bArn = bucketArn(scope.bucket, scope.partition);
    const inScope = grants.filter((g) =>
      requests.some((r) =>
        grantWithinScope(g, scope, r.target?.condition, {
          action: r.request.action,
          resource: r.request.resource,
        }),
      ),
    );
    if (inScope.length === 0) continue;
    const asked = new Set(requests.map((r) => r.request.action.toLowerCase()));
    const granted = new Set(inScope.map((g) => g.action.toLowerCase()));
    const requested = [
      ...new Set(requests.map((r) => r.request.action).filter((a) => granted.has(a.toLowerCase()))),
    ];
    const also = [
      ...new Set(inScope.filter((g) => !asked.has(g.action.toLowerCase())).map((g) => g.action)),
    ];
    if (scope.bucketItself) {
      lines.push(`Grants ${requested.join(", ")} on the bucket ${bArn} itself, nothing else.`);
      continue;
    }
    const where =
      scope.kind === "bucket"
        ? `every key of bucket ${scope.bucket}`
        : scope.kind === "key"
          ? `${bArn}/${scope.values[0]} only`
          : `every key under ${quoteList(scope.values)}, nothing outside ${scope.values.length === 1 ? "it" : "them"}`;
    const kind =
      scope.kind === "prefix"
        ? `prefix ${quoteList(scope.values)}`
        : scope.kind === "key"
          ? `key "${scope.values[0]}"`
          : "whole bucket";
    lines.push(
      `Scope: ${kind} of ${scope.bucket} (${scope.reason}). Grants ${requested.join(", ")} on ${where}${also.length > 0 ? `; this also allows ${also.join(", ")} there` : ""}.`,
    );
  }
  return lines;
}
