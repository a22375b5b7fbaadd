// Parsing what a user types: policy files, `--context key=value`, and the request
// described by `--action` with `--resource` or `--bucket`/`--key`. Errors are
// PolicyInputError with a hint (exit code 2 in the CLI).

import { bucketNameProblem } from "../s3/bucket-names.js";
import { arnProblem, bucketArn, objectArn } from "./arn.js";
import { parseIp } from "./cidr.js";
import { nestedTooDeeply, PolicyInputError } from "./errors.js";
import {
  JsonSyntaxError,
  JsonTooDeepError,
  type LazyParsedJson,
  MAX_JSON_DEPTH,
  parseJsonFast,
  type SourcePosition,
} from "./json-parse.js";
import { lintPolicyDocument } from "./lint.js";
import type { PolicyMetadata } from "./metadata.js";
import { closest } from "./near-miss.js";
import { DEFAULT_PRINCIPAL_ARN, derivePrincipal } from "./principal.js";
import type { EvaluationRequest, PolicyDocument, RequestContext } from "./types.js";

export interface ParsedPolicy {
  document: PolicyDocument;
  /** Where each element starts in the text, by lint-style path (computed on first use). */
  readonly positions: Map<string, SourcePosition>;
}

/**
 * Parse policy text. Throws for text that cannot be evaluated meaningfully: invalid
 * JSON (with line and column), not a policy, an action without service prefix, a
 * malformed ARN, an invalid Effect. Style problems are left to `lintPolicy`.
 */
export function parsePolicyText(text: string, source = "policy"): ParsedPolicy {
  let parsed: LazyParsedJson;
  try {
    parsed = parseJsonFast(text);
  } catch (e) {
    if (e instanceof JsonTooDeepError) throw nestedTooDeeply(source, e.position, MAX_JSON_DEPTH);
    if (!(e instanceof JsonSyntaxError)) throw e;
    const { line, column } = e.position;
    throw new PolicyInputError(
      "invalid-json",
      `${source} is not valid JSON: ${e.message} at line ${line}, column ${column}`,
      "Fix the JSON at that position; a missing comma or quote is the usual cause.",
      { line, column },
    );
  }
  const codes = {
    "not-a-policy": "not-a-policy",
    "action-without-service": "action-without-service",
    "malformed-arn": "malformed-arn",
    "invalid-effect": "invalid-policy",
    "missing-action": "invalid-policy",
  } as const;
  for (const f of lintPolicyDocument(parsed.value, { kind: "identity" })) {
    if (!(f.rule in codes)) continue;
    const pos = parsed.positions.get(f.path);
    if (pos) {
      f.line = pos.line;
      f.column = pos.column;
    }
    const where: { line?: number; column?: number; path?: string } = { path: f.path };
    if (f.line !== undefined) where.line = f.line;
    if (f.column !== undefined) where.column = f.column;
    const at = f.line !== undefined ? ` (line ${f.line}, column ${f.column})` : "";
    throw new PolicyInputError(
      codes[f.rule as keyof typeof codes],
      `${source}: ${f.path ? `${f.path}: ` : ""}${f.message}${at}`,
      f.fix,
      where,
    );
  }
  return {
    document: parsed.value as PolicyDocument,
    get positions() {
      return parsed.positions;
    },
  };
}

type KeyType = "Bool" | "Numeric" | "Date" | "IPAddress" | "ARN";

/** Types of common keys, so that typos in values are caught even without metadata. */
const KNOWN_KEY_TYPES: Record<string, KeyType> = {
  "aws:securetransport": "Bool",
  "aws:multifactorauthpresent": "Bool",
  "aws:principalisawsservice": "Bool",
  "aws:viaawsservice": "Bool",
  "aws:sourceip": "IPAddress",
  "aws:vpcsourceip": "IPAddress",
  "aws:currenttime": "Date",
  "aws:tokenissuetime": "Date",
  "aws:epochtime": "Numeric",
  "aws:multifactorauthage": "Numeric",
  "s3:max-keys": "Numeric",
  "s3:signatureage": "Numeric",
  "s3:tlsversion": "Numeric",
  "aws:principalarn": "ARN",
  "aws:sourcearn": "ARN",
};

/** String keys people often give with --context: their values need no checking. */
const KNOWN_STRING_KEYS = new Set([
  "s3:prefix",
  "s3:delimiter",
  "s3:x-amz-acl",
  "s3:x-amz-server-side-encryption",
  "s3:x-amz-server-side-encryption-aws-kms-key-id",
  "s3:x-amz-storage-class",
  "s3:authtype",
  "s3:resourceaccount",
  "aws:username",
  "aws:userid",
  "aws:principalaccount",
  "aws:principalorgid",
  "aws:principaltype",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceaccount",
  "aws:requestedregion",
  "aws:referer",
  "aws:useragent",
  "aws:resourceaccount",
]);

/**
 * Whether checking a `--context key` needs the service metadata: false for the common
 * keys whose type is known without it, so callers can skip loading the metadata.
 */
export function contextKeyNeedsMetadata(key: string): boolean {
  const lc = key.toLowerCase();
  return KNOWN_KEY_TYPES[lc] === undefined && !KNOWN_STRING_KEYS.has(lc);
}

function keyType(key: string, metadata?: PolicyMetadata): KeyType | undefined {
  const known = KNOWN_KEY_TYPES[key.toLowerCase()];
  if (known) return known;
  const t = metadata?.conditionKeyType(key);
  if (t === "Bool" || t === "Numeric" || t === "Date" || t === "ARN") return t;
  if (t === "IPAddress" || t === "IpAddress") return "IPAddress";
  return undefined;
}

function checkValue(key: string, value: string, type: KeyType | undefined): string {
  const bad = (what: string, example: string) =>
    new PolicyInputError(
      "invalid-context",
      `--context ${key}=${value}: ${key} takes ${what}`,
      `For example --context ${key}=${example}.`,
    );
  switch (type) {
    case "Bool": {
      const v = value.trim().toLowerCase();
      if (v !== "true" && v !== "false") throw bad("true or false", "true");
      return v;
    }
    case "Numeric":
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim())) throw bad("a number", "10");
      return value.trim();
    case "Date":
      if (!/^\d+$/.test(value.trim()) && Number.isNaN(Date.parse(value.trim()))) {
        throw bad("an ISO 8601 date or epoch seconds", "2024-01-01T00:00:00Z");
      }
      return value.trim();
    case "IPAddress":
      if (!parseIp(value)) throw bad("an IPv4 or IPv6 address", "203.0.113.10");
      return value.trim();
    case "ARN":
      if (!value.startsWith("arn:")) throw bad("an ARN", "arn:aws:iam::123456789012:role/app");
      return value;
    default:
      return value;
  }
}

/**
 * Parse `--context key=value` arguments. Values stay strings (as AWS sends them), but
 * typed keys are checked and normalised (`aws:SecureTransport=TRUE` → "true"). A key
 * given twice becomes a multi-valued key.
 */
export function parseContextArgs(
  args: readonly string[],
  metadata?: PolicyMetadata,
): RequestContext {
  const out: RequestContext = {};
  const canonical = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const key = eq >= 0 ? arg.slice(0, eq).trim() : "";
    if (eq < 0 || !/^[A-Za-z0-9-]+:[^\s=]+$/.test(key)) {
      throw new PolicyInputError(
        "invalid-context",
        `--context "${arg}" is not key=value with a condition key like aws:SourceIp`,
        "Write --context aws:SecureTransport=true (repeat a key to give several values).",
      );
    }
    const value = checkValue(key, arg.slice(eq + 1), keyType(key, metadata));
    // Keys are case-insensitive: the first spelling is kept and later ones add values.
    const lc = key.toLowerCase();
    const name = canonical.get(lc) ?? key;
    canonical.set(lc, name);
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

/** Object key used when an object action is debugged with --bucket but no --key. */
export const EXAMPLE_KEY = "example-key";

/** What `policy debug` checks when no --action is given. */
export const COMMON_DEBUG_ACTIONS = [
  "s3:ListBucket",
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
] as const;

/** Bucket-level list actions whose --key is the s3:prefix of the listing (lower case). */
export const LISTING_ACTIONS: ReadonlySet<string> = new Set([
  "s3:listbucket",
  "s3:listbucketversions",
]);

export interface RequestOptions {
  action: string;
  /** Full ARN; wins over bucket/key. */
  resource?: string;
  bucket?: string;
  key?: string;
  /** Caller; default arn:aws:iam::123456789012:user/example. */
  principalArn?: string;
  context?: RequestContext;
  /** Bucket owner account, when it differs from the caller's; "" for another, unknown one. */
  resourceAccount?: string;
  /** Time for aws:CurrentTime / aws:EpochTime; default now. */
  now?: Date;
}

type Scope = "bucket" | "object" | "none" | "other";

function scopeOf(action: string, metadata?: PolicyMetadata): Scope {
  const meta = metadata?.action(action);
  if (meta) return metadata?.s3Scope(meta) ?? "other";
  // Without metadata: S3's object actions all carry "Object" or "Multipart…Parts" in the name.
  const name = action.slice(action.indexOf(":") + 1).toLowerCase();
  if (name === "listallmybuckets") return "none";
  if (
    name.includes("object") ||
    name === "abortmultipartupload" ||
    name === "listmultipartuploadparts"
  ) {
    return "object";
  }
  return "bucket";
}

/**
 * Build the request `policy debug` evaluates. With --bucket: object actions use
 * `bucket/KEY`, or `bucket/example-key` (flagged `exampleKey`) when no key is given;
 * bucket actions use the bucket ARN, and for ListBucket a --key becomes the s3:prefix;
 * actions without resource-level permissions (ListAllMyBuckets) use "*". The context
 * gets what AWS always sends (aws:SecureTransport=true, aws:CurrentTime, aws:EpochTime)
 * unless given.
 */
export function buildRequest(o: RequestOptions, metadata?: PolicyMetadata): EvaluationRequest {
  const action = o.action.trim();
  const m = /^([A-Za-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
  if (!m) {
    throw new PolicyInputError(
      "invalid-action",
      `"${o.action}" is not an action like s3:GetObject`,
      action.includes(":")
        ? "Give one action without wildcards."
        : `Add the service prefix: s3:${action}.`,
    );
  }
  const service = (m[1] ?? "").toLowerCase();
  if (metadata?.hasService(service) && !metadata.action(action)) {
    const guess = closest(action, metadata.actionNames(service));
    throw new PolicyInputError(
      "invalid-action",
      `"${action}" is not a known ${service} action`,
      guess ? `Did you mean ${guess}?` : "Check the action name.",
    );
  }

  const context: RequestContext = { ...(o.context ?? {}) };
  let resource: string;
  let exampleKey = false;
  if (o.resource !== undefined) {
    const problem = arnProblem(o.resource);
    if (problem) {
      throw new PolicyInputError(
        "malformed-arn",
        `--resource "${o.resource}" ${problem}`,
        "Use an ARN such as arn:aws:s3:::BUCKET/KEY.",
      );
    }
    resource = o.resource;
  } else if (o.bucket !== undefined) {
    const problem = bucketNameProblem(o.bucket);
    if (problem) {
      throw new PolicyInputError(
        "invalid-bucket-name",
        `Bucket name "${o.bucket}" ${problem}`,
        "Give the bucket name only, without s3:// or arn:aws:s3:::.",
      );
    }
    const scope = scopeOf(action, metadata);
    if (scope === "object") {
      if (o.key !== undefined && o.key !== "") resource = objectArn(o.bucket, o.key);
      else {
        resource = objectArn(o.bucket, EXAMPLE_KEY);
        exampleKey = true;
      }
    } else if (scope === "bucket") {
      resource = bucketArn(o.bucket);
      const hasPrefix = Object.keys(context).some((k) => k.toLowerCase() === "s3:prefix");
      if (o.key !== undefined && LISTING_ACTIONS.has(action.toLowerCase()) && !hasPrefix) {
        context["s3:prefix"] = o.key;
      }
    } else if (scope === "none") {
      resource = "*";
    } else {
      throw new PolicyInputError(
        "invalid-request",
        `${action} does not act on a bucket or an object`,
        "Give the resource ARN with --resource.",
      );
    }
  } else {
    throw new PolicyInputError(
      "invalid-request",
      `Nothing to check ${action} against`,
      "Give --bucket (and --key for object actions) or --resource ARN.",
    );
  }

  const principal = o.principalArn ?? DEFAULT_PRINCIPAL_ARN;
  derivePrincipal(principal); // validates
  const has = (k: string) => Object.keys(context).some((x) => x.toLowerCase() === k.toLowerCase());
  const now = o.now ?? new Date();
  if (!has("aws:SecureTransport")) context["aws:SecureTransport"] = "true";
  if (!has("aws:CurrentTime"))
    context["aws:CurrentTime"] = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (!has("aws:EpochTime")) context["aws:EpochTime"] = String(Math.floor(now.getTime() / 1000));

  if (o.resourceAccount) {
    // What AWS sends for a request to a resource of that account.
    if (!has("aws:ResourceAccount")) context["aws:ResourceAccount"] = o.resourceAccount;
    if (!has("s3:ResourceAccount") && action.toLowerCase().startsWith("s3:")) {
      context["s3:ResourceAccount"] = o.resourceAccount;
    }
  }
  const req: EvaluationRequest = { action, resource, principal, context };
  if (o.resourceAccount !== undefined) req.resourceAccount = o.resourceAccount;
  if (exampleKey) req.exampleKey = true;
  return req;
}
