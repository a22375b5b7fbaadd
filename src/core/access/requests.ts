// The requests of `policy debug` and `policy fix`, online and offline alike: each action
// on the target described by --action, --resource or --bucket/--key, as --principal-arn
// with --context. The policies come from files (offline.ts) or IAM (gather.ts); the
// evaluation and explanation is the engine's runPolicyDebug (policy/debug-run.ts).

import { UsageError } from "../errors.js";
import { ACCESS_LEVELS } from "../policy/access-levels.js";
import { arnProblem, parseS3Arn } from "../policy/arn.js";
import { PolicyInputError } from "../policy/errors.js";
import type { PolicyMetadata } from "../policy/metadata.js";
import {
  buildRequest,
  COMMON_DEBUG_ACTIONS,
  contextKeyNeedsMetadata,
  parseContextArgs,
} from "../policy/parse.js";
import { derivePrincipal } from "../policy/principal.js";
import type { EvaluationRequest } from "../policy/types.js";

export interface DebugTarget {
  /** A full ARN; excludes bucket and key. */
  resource?: string;
  bucket?: string;
  key?: string;
}

export interface DebugRequestOptions extends DebugTarget {
  /** Default: the common object and list actions. */
  actions?: readonly string[];
  principalArn?: string;
  /** `key=value` arguments as typed. */
  context?: readonly string[];
  /** Owner account of the bucket, when it differs from the caller's (12 digits). */
  resourceAccount?: string;
  /** Another account owns the bucket, but which one is not known. */
  resourceInOtherAccount?: boolean;
  now?: Date;
}

/**
 * S3 actions s3kit knows without the service metadata: those of the access levels and
 * the default debug actions. For them the request is built from the action name alone
 * (object actions act on `bucket/key`, the others on the bucket), which saves loading
 * the metadata package on every `policy debug`.
 */
export const WELL_KNOWN_S3_ACTIONS: ReadonlySet<string> = new Set(
  [
    ...COMMON_DEBUG_ACTIONS,
    ...Object.values(ACCESS_LEVELS).flatMap((l) => [
      ...l.listActions,
      ...l.bucketActions,
      ...l.objectActions,
    ]),
  ].map((a) => a.toLowerCase()),
);

/**
 * The services whose metadata the requests need: those of actions s3kit does not know
 * by name (to check the name and find what it acts on), and S3 when a --context key
 * has a type only the metadata knows. Empty for the common cases.
 */
export function metadataServicesFor(
  actions: readonly string[],
  contextArgs: readonly string[] = [],
): string[] {
  const out = new Set<string>();
  for (const a of actions) {
    const action = a.trim().toLowerCase();
    const colon = action.indexOf(":");
    if (colon <= 0) continue;
    const service = action.slice(0, colon);
    if (!/^[a-z0-9-]+$/.test(service)) continue;
    if (!WELL_KNOWN_S3_ACTIONS.has(action)) out.add(service);
  }
  for (const arg of contextArgs) {
    const key = arg.slice(0, Math.max(0, arg.indexOf("=")));
    const service = key.slice(0, key.indexOf(":")).toLowerCase();
    if (key && contextKeyNeedsMetadata(key) && /^[a-z0-9-]+$/.test(service)) {
      if (service !== "aws") out.add(service);
      else out.add("s3"); // any loaded service brings the global aws:* keys
    }
  }
  return [...out].sort();
}

/** Loaded on demand: the metadata package is the slowest part of a `policy debug` start. */
async function loadMetadata(services: readonly string[]): Promise<PolicyMetadata | undefined> {
  if (services.length === 0) return undefined;
  const { loadPolicyMetadata } = await import("../policy/metadata-load.js");
  return loadPolicyMetadata(services);
}

/**
 * Checks the parts of the request flags that need no policy: the target flags fit
 * together, the bucket name and principal are valid, --context parses. Throws
 * UsageError / PolicyInputError (exit 2).
 */
export function checkDebugFlags(o: DebugRequestOptions): void {
  if (o.resource !== undefined && (o.bucket !== undefined || o.key !== undefined)) {
    throw new UsageError(
      "--resource cannot be combined with --bucket or --key.",
      "Give either --resource ARN, or --bucket B (and --key K for object actions).",
    );
  }
  if (o.resource !== undefined) {
    const problem = arnProblem(o.resource);
    if (problem) {
      throw new PolicyInputError(
        "malformed-arn",
        `--resource "${o.resource}" ${problem}`,
        "Use an ARN such as arn:aws:s3:::BUCKET/KEY (or --bucket BUCKET --key KEY).",
      );
    }
  }
  derivePrincipal(o.principalArn);
  parseContextArgs(o.context ?? []);
  if (o.resourceAccount !== undefined && !/^\d{12}$/.test(o.resourceAccount)) {
    throw new UsageError(
      `--bucket-account "${o.resourceAccount}" is not an AWS account ID: it has 12 digits.`,
      "Give the ID of the account that owns the bucket, e.g. --bucket-account 111122223333.",
    );
  }
}

/**
 * The requests to evaluate: each action on the target. Without --action, the common
 * object and list actions; with --resource, only those that act on that kind of
 * resource (object actions on an object ARN, ListBucket on a bucket ARN).
 */
export async function buildDebugRequests(o: DebugRequestOptions): Promise<EvaluationRequest[]> {
  checkDebugFlags(o);
  let actions: readonly string[] = o.actions?.length ? o.actions : COMMON_DEBUG_ACTIONS;
  const metadata = await loadMetadata(metadataServicesFor(actions, o.context ?? []));
  if (!o.actions?.length && o.resource !== undefined) {
    const loc = parseS3Arn(o.resource);
    if (!loc) {
      throw new UsageError(
        `--resource ${o.resource} is not an S3 bucket or object ARN, so there are no default actions for it.`,
        "Name the actions with --action.",
      );
    }
    // The default actions are ListBucket (on the bucket) and object actions.
    const wantObject = loc.key !== undefined;
    actions = actions.filter((a) => (a.toLowerCase() === "s3:listbucket") !== wantObject);
  }
  const context = parseContextArgs(o.context ?? [], metadata);
  const seen = new Set<string>();
  const requests: EvaluationRequest[] = [];
  for (const action of actions) {
    if (seen.has(action.toLowerCase())) continue;
    seen.add(action.toLowerCase());
    requests.push(
      buildRequest(
        {
          action,
          ...(o.resource !== undefined ? { resource: o.resource } : {}),
          ...(o.bucket !== undefined ? { bucket: o.bucket } : {}),
          ...(o.key !== undefined ? { key: o.key } : {}),
          ...(o.principalArn !== undefined ? { principalArn: o.principalArn } : {}),
          context,
          ...(o.resourceAccount !== undefined
            ? { resourceAccount: o.resourceAccount }
            : o.resourceInOtherAccount
              ? { resourceAccount: "" }
              : {}),
          ...(o.now ? { now: o.now } : {}),
        },
        metadata,
      ),
    );
  }
  return requests;
}
