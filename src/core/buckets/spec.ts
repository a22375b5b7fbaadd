// Turning `bucket create` flags into a checked specification. Pure: every problem is a
// UsageError (exit 2) raised before any API call.
import { randomInt } from "node:crypto";
import { UsageError } from "../errors.js";
import { assertValidBucketName } from "../s3/bucket-names.js";
import { keyProblem } from "../s3/keys.js";
import { parseJsonText } from "./json-input.js";
import type { CorsRule } from "./state.js";
import { DEFAULT_CORS_METHODS, frontendCorsRule } from "./templates.js";

/** Storage classes a lifecycle transition can move objects to, in S3's "waterfall" order. */
export const TRANSITION_CLASSES = [
  "STANDARD_IA",
  "INTELLIGENT_TIERING",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
] as const;
export type TransitionClass = (typeof TRANSITION_CLASSES)[number];

export const CORS_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"] as const;

export interface Transition {
  storageClass: TransitionClass;
  days: number;
}

/** Everything `bucket create` should make true, checked and normalised. */
export interface CreateBucketSpec {
  bucket: string;
  region: string;
  /** SSE-KMS with this key (and a bucket key); otherwise SSE-S3. */
  kmsKeyId?: string;
  versioning: boolean;
  cors?: CorsRule[];
  expire?: { days: number; prefix: string };
  transitions?: Transition[];
  noncurrentExpireDays?: number;
  /** Tags to add or update; other tags on the bucket stay. */
  tags?: Record<string, string>;
  accessLog?: { bucket: string; prefix: string };
  /** Public `s3:GetObject` on this prefix ("" for the whole bucket); absent means private. */
  publicRead?: { prefix: string };
  /**
   * The TLS-only policy: `apply` it (the default), `remove` it (--no-tls-policy), or `keep`
   * what the bucket has, the default on a plain-HTTP endpoint, where the policy would deny
   * every request. Absent means `apply`.
   */
  tlsPolicy?: TlsPolicyMode;
}

export type TlsPolicyMode = "apply" | "remove" | "keep";

/** The flags as commander hands them over (plus the CORS file's text, read by the command). */
export interface CreateFlags {
  name?: string | undefined;
  generateName?: boolean | undefined;
  env?: string | undefined;
  project?: string | undefined;
  kmsKey?: string | undefined;
  versioning?: boolean | undefined;
  corsOrigin?: string[] | undefined;
  corsMethods?: string[] | undefined;
  corsFile?: { source: string; text: string } | undefined;
  expireDays?: string | undefined;
  expirePrefix?: string | undefined;
  transition?: string[] | undefined;
  noncurrentExpireDays?: string | undefined;
  tag?: string[] | undefined;
  accessLogBucket?: string | undefined;
  accessLogPrefix?: string | undefined;
  publicRead?: boolean | undefined;
  publicPrefix?: string | undefined;
  /** true: --tls-policy, false: --no-tls-policy, undefined: neither. */
  tlsPolicy?: boolean | undefined;
}

export interface ParseContext {
  region: string;
  /** --yes was given. */
  yes: boolean;
  /** The S3 endpoint is plain HTTP (a local server), so no request can carry TLS. */
  plainHttpEndpoint?: boolean;
  /** The random part of generated names (tests pass a fixed one). */
  randomSuffix?: () => string;
}

export function parseCreateFlags(flags: CreateFlags, context: ParseContext): CreateBucketSpec {
  const bucket = resolveBucketName(flags, context.randomSuffix ?? randomSuffix);
  const spec: CreateBucketSpec = {
    bucket,
    region: context.region,
    versioning: flags.versioning === true,
    tlsPolicy:
      flags.tlsPolicy === true
        ? "apply"
        : flags.tlsPolicy === false
          ? "remove"
          : context.plainHttpEndpoint
            ? "keep"
            : "apply",
  };

  if (flags.kmsKey !== undefined) spec.kmsKeyId = parseKmsKey(flags.kmsKey, context.region);

  const origins = splitList(flags.corsOrigin);
  const methods = splitList(flags.corsMethods);
  if (flags.corsFile && origins.length > 0) {
    throw new UsageError(
      "--cors-origin and --cors-file exclude each other.",
      "Put the origins into the file, or use --cors-origin (with --cors-methods) alone.",
    );
  }
  if (methods.length > 0 && origins.length === 0) {
    throw new UsageError(
      "--cors-methods needs --cors-origin.",
      "Example: --cors-origin https://app.example.com --cors-methods GET,PUT",
    );
  }
  if (origins.length > 0) {
    spec.cors = [
      frontendCorsRule(
        origins.map(parseOrigin),
        methods.length > 0 ? parseMethods(methods) : undefined,
      ),
    ];
  } else if (flags.corsFile) {
    spec.cors = parseCorsDocument(flags.corsFile.text, flags.corsFile.source);
  }

  if (flags.expirePrefix !== undefined && flags.expireDays === undefined) {
    throw new UsageError(
      "--expire-prefix needs --expire-days.",
      "Example: --expire-days 30 --expire-prefix tmp/",
    );
  }
  if (flags.expireDays !== undefined) {
    spec.expire = {
      days: parseDays("--expire-days", flags.expireDays),
      prefix: parsePrefix("--expire-prefix", flags.expirePrefix ?? ""),
    };
  }
  const transitionArgs = splitList(flags.transition);
  if (transitionArgs.length > 0) spec.transitions = parseTransitions(transitionArgs);
  if (spec.expire && spec.expire.prefix === "" && spec.transitions) {
    const last = spec.transitions.at(-1) as Transition;
    if (last.days >= spec.expire.days) {
      throw new UsageError(
        `Objects would expire after ${spec.expire.days} days, before they move to ${last.storageClass} after ${last.days}.`,
        "Make --expire-days larger than every --transition day count, or drop the transition.",
      );
    }
  }
  if (flags.noncurrentExpireDays !== undefined) {
    if (!spec.versioning) {
      throw new UsageError(
        "--noncurrent-expire-days needs --versioning: only a versioned bucket has noncurrent versions.",
        "Add --versioning.",
      );
    }
    spec.noncurrentExpireDays = parseDays("--noncurrent-expire-days", flags.noncurrentExpireDays);
  }

  if (flags.tag && flags.tag.length > 0) spec.tags = parseTags(flags.tag);

  if (flags.accessLogPrefix !== undefined && flags.accessLogBucket === undefined) {
    throw new UsageError(
      "--access-log-prefix needs --access-log-bucket.",
      "Example: --access-log-bucket my-logs --access-log-prefix s3/my-app/",
    );
  }
  if (flags.accessLogBucket !== undefined) {
    const target = flags.accessLogBucket;
    try {
      assertValidBucketName(target);
    } catch (err) {
      throw new UsageError(
        `--access-log-bucket: ${(err as Error).message}`,
        (err as UsageError).hint,
        "InvalidBucketName",
      );
    }
    if (target === bucket) {
      throw new UsageError(
        "A bucket cannot write its access logs into itself (every log write would be logged again).",
        "Send the logs to a separate bucket, e.g. --access-log-bucket my-logs.",
      );
    }
    spec.accessLog = {
      bucket: target,
      prefix: parsePrefix("--access-log-prefix", flags.accessLogPrefix ?? `${bucket}/`),
    };
  }

  if (flags.publicPrefix !== undefined && !flags.publicRead) {
    throw new UsageError(
      "--public-prefix needs --public-read.",
      "Example: --public-read --public-prefix images/ --yes",
    );
  }
  if (flags.publicRead) {
    const prefix = parsePrefix("--public-prefix", flags.publicPrefix ?? "");
    if (prefix !== "" && !prefix.endsWith("/")) {
      throw new UsageError(
        `--public-prefix "${prefix}" would also make "${prefix}-private/…" and every other key starting with "${prefix}" public.`,
        `End the prefix with a slash: --public-prefix ${prefix}/`,
      );
    }
    const what =
      prefix === "" ? `every object in ${bucket}` : `every object under s3://${bucket}/${prefix}`;
    if (!context.yes) {
      throw new UsageError(
        `--public-read makes ${what} readable by anyone on the internet, without credentials.`,
        "If that is what you want, pass --yes as well.",
        "ConfirmationRequired",
      );
    }
    spec.publicRead = { prefix };
  }
  return spec;
}

function resolveBucketName(flags: CreateFlags, random: () => string): string {
  if (flags.generateName) {
    if (flags.name !== undefined) {
      throw new UsageError(
        "NAME and --generate-name exclude each other.",
        "Give a bucket NAME, or --generate-name --env E --project P to get E-P-<6 random characters>.",
      );
    }
    if (!flags.env || !flags.project) {
      throw new UsageError(
        `--generate-name needs ${!flags.env && !flags.project ? "--env and --project" : !flags.env ? "--env" : "--project"}.`,
        "Example: --generate-name --env dev --project shop (gives e.g. dev-shop-x7k2p9).",
      );
    }
    return generateBucketName(flags.env, flags.project, random);
  }
  if (flags.env !== undefined || flags.project !== undefined) {
    throw new UsageError(
      "--env and --project go with --generate-name.",
      "Add --generate-name, or give the bucket NAME alone.",
    );
  }
  if (flags.name === undefined || flags.name === "") {
    throw new UsageError(
      "Give a bucket NAME or --generate-name --env E --project P.",
      "Example: s3kit bucket create my-app-uploads. Put NAME before options that take several values (--cors-origin, --transition, --tag), or it is read as one of them.",
    );
  }
  assertValidBucketName(flags.name);
  return flags.name;
}

const SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Six random lowercase letters and digits. */
export function randomSuffix(): string {
  let out = "";
  for (let i = 0; i < 6; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

/** `E-P-<6 random lowercase letters and digits>`, checked against the naming rules. */
export function generateBucketName(env: string, project: string, random = randomSuffix): string {
  for (const [flag, value] of [
    ["--env", env],
    ["--project", project],
  ] as const) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value)) {
      throw new UsageError(
        `${flag} "${value}" cannot be part of a bucket name: use lowercase letters, digits and hyphens, starting and ending with a letter or digit.`,
        `Example: ${flag} ${
          value
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^-+|-+$/g, "") || "dev"
        }`,
      );
    }
  }
  const name = `${env}-${project}-${random()}`;
  if (name.length > 63) {
    throw new UsageError(
      `--env and --project are too long: "${name}" has ${name.length} characters; bucket names have at most 63.`,
      `Shorten them to ${63 - 8} characters together.`,
    );
  }
  assertValidBucketName(name);
  return name;
}

/** Repeated flags and comma-separated lists both work: `--x a,b --x c`. */
function splitList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

export function parseDays(flag: string, text: string): number {
  const trimmed = text.trim();
  const days = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(days) || days <= 0) {
    throw new UsageError(
      `${flag} must be a whole number of days greater than 0, not "${text}".`,
      `Example: ${flag} 30`,
    );
  }
  return days;
}

function parsePrefix(flag: string, prefix: string): string {
  if (prefix.startsWith("/")) {
    throw new UsageError(
      `${flag} "${prefix}" starts with "/": S3 keys have no leading slash.`,
      `Write it without the slash: ${flag} ${prefix.replace(/^\/+/, "")}`,
    );
  }
  const problem = keyProblem(prefix);
  if (problem) {
    throw new UsageError(`${flag} ${problem}.`, "A prefix is part of a key: give a shorter one.");
  }
  return prefix;
}

/**
 * A CORS origin is what a browser sends in the Origin header: scheme://host[:port],
 * no path. `*` alone, or one `*` in the host (https://*.example.com), are allowed.
 */
export function parseOrigin(text: string): string {
  const origin = text.trim();
  if (origin === "*") return origin;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#\s]+)(.*)$/.exec(origin);
  if (!m) {
    const guess = /^[\w.*-]+(:\d+)?$/.test(origin)
      ? ` (did you mean ${/^(localhost|127\.|\[?::1)/.test(origin) ? "http" : "https"}://${origin}?)`
      : "";
    throw new UsageError(
      `CORS origin "${origin}" has no scheme${guess}.`,
      "An origin is scheme://host[:port], exactly as the browser sends it, e.g. https://app.example.com or http://localhost:3000.",
      "InvalidOrigin",
    );
  }
  const [, scheme, host, rest] = m as unknown as [string, string, string, string];
  if (rest !== "" && rest !== "/") {
    throw new UsageError(
      `CORS origin "${origin}" has a path; browsers send only scheme://host[:port].`,
      `Use ${scheme}://${host}`,
      "InvalidOrigin",
    );
  }
  if (rest === "/") {
    throw new UsageError(
      `CORS origin "${origin}" ends with "/"; browsers send the origin without it, so it would never match.`,
      `Use ${scheme}://${host}`,
      "InvalidOrigin",
    );
  }
  if ((host.match(/\*/g) ?? []).length > 1) {
    throw new UsageError(
      `CORS origin "${origin}" has more than one "*"; S3 allows one wildcard per origin.`,
      "Example: https://*.example.com",
      "InvalidOrigin",
    );
  }
  return `${scheme.toLowerCase()}://${host}`;
}

export function parseMethods(values: readonly string[]): string[] {
  const methods: string[] = [];
  for (const value of values) {
    const method = value.trim().toUpperCase();
    if (!(CORS_METHODS as readonly string[]).includes(method)) {
      throw new UsageError(
        `"${value}" is not a CORS method S3 supports.`,
        `Use some of ${CORS_METHODS.join(", ")} (default: ${DEFAULT_CORS_METHODS.join(", ")}).`,
        "InvalidCorsMethod",
      );
    }
    if (!methods.includes(method)) methods.push(method);
  }
  return methods;
}

export function parseTransitions(values: readonly string[]): Transition[] {
  const transitions: Transition[] = [];
  for (const value of values) {
    const m = /^([A-Za-z_]+):(.*)$/.exec(value.trim());
    if (!m) {
      throw new UsageError(
        `--transition "${value}" is not CLASS:DAYS.`,
        `Example: --transition STANDARD_IA:30 GLACIER:90 (classes: ${TRANSITION_CLASSES.join(", ")}).`,
      );
    }
    const storageClass = (m[1] as string).toUpperCase();
    if (!(TRANSITION_CLASSES as readonly string[]).includes(storageClass)) {
      throw new UsageError(
        `Unknown storage class "${m[1]}" in --transition ${value}.`,
        `Use one of ${TRANSITION_CLASSES.join(", ")}.`,
        "InvalidStorageClass",
      );
    }
    const days = parseDays(`--transition ${storageClass}`, m[2] as string);
    if (transitions.some((t) => t.storageClass === storageClass)) {
      throw new UsageError(
        `--transition names ${storageClass} twice.`,
        "Give each storage class once.",
      );
    }
    transitions.push({ storageClass: storageClass as TransitionClass, days });
  }
  transitions.sort((a, b) => a.days - b.days);
  for (let i = 0; i < transitions.length; i++) {
    const t = transitions[i] as Transition;
    const previous = transitions[i - 1];
    if (t.storageClass === "STANDARD_IA" && t.days < 30) {
      throw new UsageError(
        `S3 moves objects to STANDARD_IA after 30 days at the earliest (got ${t.days}).`,
        "Use --transition STANDARD_IA:30 or more, or INTELLIGENT_TIERING for earlier moves.",
      );
    }
    if (!previous) continue;
    if (previous.days === t.days) {
      throw new UsageError(
        `--transition moves objects to ${previous.storageClass} and ${t.storageClass} on the same day (${t.days}).`,
        "Give each storage class a different day count.",
      );
    }
    if (
      TRANSITION_CLASSES.indexOf(t.storageClass) < TRANSITION_CLASSES.indexOf(previous.storageClass)
    ) {
      throw new UsageError(
        `--transition moves objects from ${previous.storageClass} (day ${previous.days}) back up to ${t.storageClass} (day ${t.days}); lifecycle transitions only go down: ${TRANSITION_CLASSES.join(" → ")}.`,
        "Order the classes so that colder classes get larger day counts.",
      );
    }
    if (previous.storageClass === "STANDARD_IA" && t.days - previous.days < 30) {
      throw new UsageError(
        `Objects must stay in STANDARD_IA for 30 days before moving on; ${t.storageClass} after ${t.days} days is only ${t.days - previous.days} days later.`,
        `Use --transition ${t.storageClass}:${previous.days + 30} or later.`,
      );
    }
  }
  return transitions;
}

export function parseTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `--tag "${value}" is not KEY=VALUE.`,
        "Example: --tag team=payments --tag env=prod",
      );
    }
    const key = value.slice(0, eq).trim();
    const tagValue = value.slice(eq + 1);
    if (key.length > 128 || tagValue.length > 256) {
      throw new UsageError(
        `--tag "${value}" is too long: keys have at most 128 characters, values 256.`,
        "Shorten the tag.",
      );
    }
    if (key.toLowerCase().startsWith("aws:")) {
      throw new UsageError(
        `Tag key "${key}" starts with "aws:", which AWS reserves.`,
        "Choose another key.",
      );
    }
    if (
      !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(key) ||
      !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(tagValue)
    ) {
      throw new UsageError(
        `--tag "${value}" has characters S3 tags do not allow.`,
        "Tags may use letters, digits, spaces and _ . : / = + - @",
      );
    }
    if (key in tags) {
      throw new UsageError(`--tag gives "${key}" twice.`, "Give each tag key once.");
    }
    tags[key] = tagValue;
  }
  if (Object.keys(tags).length > 50) {
    throw new UsageError("A bucket has at most 50 tags.", "Give fewer --tag options.");
  }
  return tags;
}

const KMS_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):(key\/[\w-]+|alias\/[\w/-]+)$/;
const KMS_KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KMS_MRK_ID = /^mrk-[0-9a-f]{32}$/;

export function parseKmsKey(text: string, region: string): string {
  const key = text.trim();
  const arn = KMS_ARN.exec(key);
  if (arn) {
    if (arn[2] !== region) {
      throw new UsageError(
        `The KMS key ${key} is in ${arn[2]}, but the bucket is in ${region}: S3 default encryption needs a key in the bucket's region.`,
        `Use a key from ${region}, or create the bucket with --region ${arn[2]}.`,
        "InvalidKmsKey",
      );
    }
    return key;
  }
  if (KMS_KEY_ID.test(key) || KMS_MRK_ID.test(key) || /^alias\/[\w/-]+$/.test(key)) return key;
  throw new UsageError(
    `"${text}" is not a KMS key ARN, key id or alias.`,
    "Example: --kms-key arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "InvalidKmsKey",
  );
}

const CORS_RULE_FIELDS = new Set([
  "ID",
  "AllowedOrigins",
  "AllowedMethods",
  "AllowedHeaders",
  "ExposeHeaders",
  "MaxAgeSeconds",
]);

/**
 * A CORS document from a file: `{"CORSRules": [...]}` (what `aws s3api put-bucket-cors`
 * takes) or a bare list of rules. Checks every rule, naming the rule and field.
 */
export function parseCorsDocument(text: string, source: string): CorsRule[] {
  const doc = parseJsonText(text, source);
  const rules = Array.isArray(doc)
    ? doc
    : doc !== null && typeof doc === "object"
      ? (doc as { CORSRules?: unknown }).CORSRules
      : undefined;
  if (!Array.isArray(rules)) {
    throw new UsageError(
      `${source}: expected {"CORSRules": [...]} or a list of CORS rules.`,
      'Example: {"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"]}]}',
      "InvalidCorsFile",
    );
  }
  if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) {
    const extra = Object.keys(doc).filter((k) => k !== "CORSRules");
    if (extra.length > 0) {
      throw new UsageError(
        `${source}: unknown field ${extra.map((k) => `"${k}"`).join(", ")}; the document has only "CORSRules".`,
        "Remove the field.",
        "InvalidCorsFile",
      );
    }
  }
  if (rules.length === 0 || rules.length > 100) {
    throw new UsageError(
      `${source}: a CORS configuration has 1 to 100 rules, not ${rules.length}.`,
      "To remove CORS, use `s3kit bucket cors delete NAME`.",
      "InvalidCorsFile",
    );
  }
  return rules.map((raw, index) => parseCorsRule(raw, `${source}: rule ${index + 1}`));
}

function parseCorsRule(raw: unknown, where: string): CorsRule {
  const bad = (
    message: string,
    hint = 'A rule looks like {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET"]}.',
  ): never => {
    throw new UsageError(`${where}: ${message}`, hint, "InvalidCorsFile");
  };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) bad("is not an object.");
  const rule = raw as Record<string, unknown>;
  for (const key of Object.keys(rule)) {
    if (!CORS_RULE_FIELDS.has(key)) {
      bad(`unknown field "${key}".`, `Fields: ${[...CORS_RULE_FIELDS].join(", ")}.`);
    }
  }
  const strings = (field: string, required: boolean): string[] | undefined => {
    const value = rule[field];
    if (value === undefined) {
      if (required) bad(`"${field}" is missing.`);
      return undefined;
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      bad(`"${field}" must be a list of strings.`);
    }
    const list = value as string[];
    if (required && list.length === 0) bad(`"${field}" is empty.`);
    return list;
  };
  const origins = (strings("AllowedOrigins", true) as string[]).map((o) => {
    try {
      return parseOrigin(o);
    } catch (err) {
      return bad((err as UsageError).message, (err as UsageError).hint);
    }
  });
  let methods: string[] = [];
  try {
    methods = parseMethods(strings("AllowedMethods", true) as string[]);
  } catch (err) {
    bad((err as UsageError).message, (err as UsageError).hint);
  }
  const result: CorsRule = { AllowedOrigins: origins, AllowedMethods: methods };
  if (rule.ID !== undefined) {
    if (typeof rule.ID !== "string" || rule.ID.length > 255)
      bad('"ID" must be a string of at most 255 characters.');
    result.ID = rule.ID as string;
  }
  const headers = strings("AllowedHeaders", false);
  if (headers) result.AllowedHeaders = headers;
  const expose = strings("ExposeHeaders", false);
  if (expose) result.ExposeHeaders = expose;
  if (rule.MaxAgeSeconds !== undefined) {
    const age = rule.MaxAgeSeconds;
    if (typeof age !== "number" || !Number.isInteger(age) || age < 0) {
      bad('"MaxAgeSeconds" must be a whole number of seconds, 0 or more.');
    }
    result.MaxAgeSeconds = age as number;
  }
  return result;
}

/** `bucket cors set` flags: origins (with methods) or a file, exactly one of them. */
export function parseCorsFlags(flags: {
  origin?: string[] | undefined;
  methods?: string[] | undefined;
  file?: { source: string; text: string } | undefined;
}): CorsRule[] {
  const origins = splitList(flags.origin);
  const methods = splitList(flags.methods);
  if (flags.file && origins.length > 0) {
    throw new UsageError("--origin and --file exclude each other.", "Use one of them.");
  }
  if (flags.file) {
    if (methods.length > 0) {
      throw new UsageError(
        "--methods goes with --origin; a --file lists its own methods.",
        "Drop --methods.",
      );
    }
    return parseCorsDocument(flags.file.text, flags.file.source);
  }
  if (origins.length === 0) {
    throw new UsageError(
      "Give --origin URL… or --file F.",
      "Example: s3kit bucket cors set my-bucket --origin https://app.example.com http://localhost:3000",
    );
  }
  return [
    frontendCorsRule(
      origins.map(parseOrigin),
      methods.length > 0 ? parseMethods(methods) : undefined,
    ),
  ];
}
