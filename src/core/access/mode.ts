// Which evaluation `policy debug` and `policy fix` run, decided from their flags alone and
// before anything is read or called: offline when a policy file is given (the policies
// come from files; no AWS call), online otherwise (the live policies of --user, --role or
// the caller). Flags of the other mode, and flags that do not fit together, are exit 2.
// No SDK here: the offline path never loads it.

import { ConflictError, UsageError } from "../errors.js";
import { parseS3Arn } from "../policy/arn.js";
import type { DebugExpectation } from "../policy/debug-run.js";
import type { FixScopeKind, FixScopeOptions } from "../policy/fix-scope.js";
import { assertValidBucketName } from "../s3/bucket-names.js";
import type { OfflinePolicyFiles } from "./offline.js";
import type { PrincipalSelector } from "./principal.js";
import { type ProbeCredentials, probeCredentials } from "./probe-credentials.js";
import { checkDebugFlags, type DebugRequestOptions } from "./requests.js";

type Env = Readonly<Record<string, string | undefined>>;

/** The policies of an offline evaluation, as files. */
export interface PolicyFileFlags {
  policyFile?: readonly string[];
  boundaryFile?: string;
  bucketPolicyFile?: string;
  scpFile?: readonly string[];
}

/** Whose access: online --user, --role or --group (default the caller), offline --principal-arn. */
export interface PrincipalFlags {
  user?: string;
  role?: string;
  /** `policy debug` only: a group's policies, as a member with nothing of its own gets them. */
  group?: string;
  principalArn?: string;
}

/** What is requested: the actions, on --resource or --bucket/--key, with --context. */
export interface RequestFlags {
  action?: readonly string[];
  resource?: string;
  bucket?: string;
  key?: string;
  context?: readonly string[];
  bucketAccount?: string;
}

export type AccessFlags = PolicyFileFlags & PrincipalFlags & RequestFlags;

export interface DebugFlags extends AccessFlags {
  expect?: DebugExpectation;
  probe?: boolean;
  probeProfile?: string;
  probeWrite?: boolean;
  /** --no-simulate sets it false. */
  simulate?: boolean;
}

export interface FixFlags extends AccessFlags {
  apply?: boolean;
  newPolicy?: string;
  scope?: FixScopeKind;
  prefix?: string;
}

/** The bucket and key of an online evaluation, and whose access it is about. */
export interface OnlineTarget {
  bucket: string;
  key?: string;
  principal: PrincipalSelector;
  actions?: readonly string[];
  context?: readonly string[];
  bucketAccount?: string;
}

export interface OfflineTarget {
  files: OfflinePolicyFiles;
  request: DebugRequestOptions;
}

export type DebugPlan =
  | ({ mode: "offline"; expect?: DebugExpectation } & OfflineTarget)
  | {
      mode: "online";
      target: OnlineTarget;
      expect?: DebugExpectation;
      simulate: boolean;
      probe?: { credentials: ProbeCredentials; write: boolean };
    };

export type FixPlanRequest = {
  scope: FixScopeOptions;
  newPolicyName?: string;
} & (
  | ({ mode: "offline" } & OfflineTarget)
  | { mode: "online"; target: OnlineTarget; apply: boolean }
);

/** The command's words where debug and fix say things differently. */
interface Wording {
  /** "checks" or "fixes". */
  runs: string;
  /** The verb in "Online, policy V needs --bucket B". */
  command: "debug" | "fix";
}

function policyFiles(flags: PolicyFileFlags): OfflinePolicyFiles {
  return {
    policyFiles: flags.policyFile ?? [],
    ...(flags.boundaryFile !== undefined ? { boundaryFile: flags.boundaryFile } : {}),
    ...(flags.bucketPolicyFile !== undefined ? { bucketPolicyFile: flags.bucketPolicyFile } : {}),
    scpFiles: flags.scpFile ?? [],
  };
}

/** Any policy file makes the evaluation an offline one. */
export function isOffline(flags: PolicyFileFlags): boolean {
  return (
    (flags.policyFile?.length ?? 0) > 0 ||
    flags.bucketPolicyFile !== undefined ||
    flags.boundaryFile !== undefined ||
    (flags.scpFile?.length ?? 0) > 0
  );
}

/** Online-only flags given to an offline evaluation: exit 2 naming the first. */
function refuseOnlineFlags(
  given: readonly (readonly [flag: string, value: unknown])[],
  wording: Wording,
  hint: (flag: string) => string,
): void {
  for (const [flag, value] of given) {
    if (value !== undefined) {
      throw new UsageError(
        `${flag} is for online ${wording.runs}, but policy files make this an offline one.`,
        hint(flag),
      );
    }
  }
}

const LEAVE_OUT_FILES =
  "Leave out the --policy-file/--bucket-policy-file flags to read the live policies.";

function offlineTarget(flags: AccessFlags): OfflineTarget {
  if (flags.bucket !== undefined) assertValidBucketName(flags.bucket);
  const request: DebugRequestOptions = {
    ...(flags.action ? { actions: flags.action } : {}),
    ...(flags.resource !== undefined ? { resource: flags.resource } : {}),
    ...(flags.bucket !== undefined ? { bucket: flags.bucket } : {}),
    ...(flags.key !== undefined ? { key: flags.key } : {}),
    ...(flags.principalArn !== undefined ? { principalArn: flags.principalArn } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    ...(flags.bucketAccount !== undefined ? { resourceAccount: flags.bucketAccount } : {}),
  };
  checkDebugFlags(request);
  return { files: policyFiles(flags), request };
}

/** One of --user, --role and --group, else the caller; --principal-arn is offline only. */
function onlinePrincipal(flags: PrincipalFlags, wording: Wording): PrincipalSelector {
  const named = [flags.user, flags.role, flags.group].filter((x) => x !== undefined);
  if (named.length > 1) {
    throw new UsageError(
      flags.group === undefined
        ? "Give --user or --role, not both."
        : "Give only one of --user, --role and --group.",
      flags.group === undefined
        ? "Leave both out to check your own access."
        : "Leave all three out to check your own access.",
    );
  }
  if (flags.principalArn !== undefined) {
    throw new UsageError(
      `--principal-arn is for offline ${wording.runs} with --policy-file.`,
      "Online, name the principal with --user NAME or --role NAME (default: the caller).",
    );
  }
  return flags.user !== undefined
    ? { user: flags.user }
    : flags.role !== undefined
      ? { role: flags.role }
      : flags.group !== undefined
        ? { group: flags.group }
        : { caller: true };
}

/** The bucket and key online: from --resource (an S3 ARN), or --bucket and --key. */
function onlineTarget(
  flags: RequestFlags,
  principal: PrincipalSelector,
  wording: Wording,
): OnlineTarget {
  let bucket = flags.bucket;
  let key = flags.key;
  if (flags.resource !== undefined) {
    const loc = parseS3Arn(flags.resource);
    if (wording.command === "fix") {
      if (!loc || bucket !== undefined || key !== undefined) {
        throw new UsageError(
          "Online, --resource must be an S3 bucket or object ARN, without --bucket or --key.",
          "Use arn:aws:s3:::BUCKET/KEY, or --bucket and --key.",
        );
      }
    } else {
      if (bucket !== undefined || key !== undefined) {
        throw new UsageError(
          "--resource cannot be combined with --bucket or --key.",
          "Give either --resource ARN, or --bucket B (and --key K for object actions).",
        );
      }
      if (!loc) {
        throw new UsageError(
          `--resource ${flags.resource} is not an S3 bucket or object ARN.`,
          "Use arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY, or --bucket and --key.",
        );
      }
    }
    bucket = loc.bucket;
    key = loc.key;
  }
  if (bucket === undefined) {
    throw new UsageError(
      wording.command === "fix"
        ? "Online, policy fix needs --bucket B: the bucket whose access to fix."
        : "Online, policy debug needs --bucket B: the bucket whose access to check.",
      wording.command === "fix"
        ? "For example: s3kit policy fix --user alice --bucket my-app-uploads --apply"
        : "For example: s3kit policy debug --user alice --bucket my-app-uploads --key uploads/a.png (or give --policy-file for an offline check).",
    );
  }
  assertValidBucketName(bucket);
  return {
    bucket,
    principal,
    ...(flags.action ? { actions: flags.action } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    ...(flags.bucketAccount !== undefined ? { bucketAccount: flags.bucketAccount } : {}),
  };
}

const DEBUG: Wording = { runs: "checks", command: "debug" };
const FIX: Wording = { runs: "fixes", command: "fix" };

/** `policy debug`: offline or online, every flag checked (exit 2) before any read or call. */
export function resolveDebugMode(flags: DebugFlags, env: Env): DebugPlan {
  const expect = flags.expect ? { expect: flags.expect } : {};
  if (isOffline(flags)) {
    refuseOnlineFlags(
      [
        ["--user", flags.user],
        ["--role", flags.role],
        ["--group", flags.group],
        ["--probe", flags.probe],
        ["--probe-profile", flags.probeProfile],
        ["--probe-write", flags.probeWrite],
      ],
      DEBUG,
      () => LEAVE_OUT_FILES,
    );
    if ((flags.policyFile?.length ?? 0) === 0 && flags.bucketPolicyFile === undefined) {
      throw new UsageError(
        "Nothing to evaluate: give the caller's policies with --policy-file (and the bucket policy with --bucket-policy-file).",
        "For example: s3kit policy debug --policy-file policy.json --bucket my-app-uploads",
      );
    }
    return { mode: "offline", ...offlineTarget(flags), ...expect };
  }
  const principal = onlinePrincipal(flags, DEBUG);
  if (flags.probeWrite && !flags.probe) {
    throw new UsageError("--probe-write goes with --probe.", "Add --probe.");
  }
  const target = onlineTarget(flags, principal, DEBUG);
  const probe = flags.probe
    ? {
        credentials: probeCredentials(
          {
            ...(flags.probeProfile ? { probeProfile: flags.probeProfile } : {}),
            principalIsCaller: "caller" in principal,
          },
          env,
        ),
        write: flags.probeWrite === true,
      }
    : undefined;
  return {
    mode: "online",
    target,
    ...expect,
    simulate: flags.simulate !== false,
    ...(probe ? { probe } : {}),
  };
}

const POLICY_NAME = /^[A-Za-z0-9+=,.@_-]{1,128}$/;

/** `policy fix`: the scope, then offline or online, all before any read or call (exit 2, 5). */
export function resolveFixMode(flags: FixFlags): FixPlanRequest {
  const scope = fixScope(flags);
  if (flags.newPolicy !== undefined && !POLICY_NAME.test(flags.newPolicy)) {
    throw new UsageError(
      `Invalid policy name "${flags.newPolicy}".`,
      "Policy names have 1-128 letters, digits and + = , . @ _ -.",
    );
  }
  const newPolicy = flags.newPolicy ? { newPolicyName: flags.newPolicy } : {};
  if (isOffline(flags)) {
    refuseOnlineFlags(
      [
        ["--user", flags.user],
        ["--role", flags.role],
        ["--apply", flags.apply],
      ],
      FIX,
      (flag) =>
        flag === "--apply"
          ? "Offline, s3kit shows the change; the fixed policy is in --json's `after`. Leave out the files to fix the live policies."
          : LEAVE_OUT_FILES,
    );
    return { mode: "offline", scope, ...newPolicy, ...offlineTarget(flags) };
  }
  const principal = onlinePrincipal(flags, FIX);
  const target = onlineTarget(flags, principal, FIX);
  return { mode: "online", scope, ...newPolicy, target, apply: flags.apply === true };
}

/** --scope and --prefix (exit 2), and a key outside --prefix (exit 5), from the flags alone. */
export function fixScope(flags: FixFlags): FixScopeOptions {
  const { prefix, scope } = flags;
  if (prefix !== undefined) {
    if (scope !== undefined && scope !== "prefix") {
      throw new UsageError(
        `--prefix goes with --scope prefix, not --scope ${scope}.`,
        "Leave out --scope (--prefix implies it), or leave out --prefix.",
      );
    }
    const problem =
      prefix === ""
        ? "is empty"
        : prefix.startsWith("/")
          ? "starts with / (S3 keys have no leading slash)"
          : /[*?]/.test(prefix)
            ? "contains a wildcard (s3kit adds the * itself)"
            : [...prefix].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
              ? "contains a control character"
              : undefined;
    if (problem) {
      throw new UsageError(
        `--prefix "${prefix}" ${problem}.`,
        "Give the key prefix to grant under, e.g. --prefix uploads/ (or --scope bucket for every key).",
      );
    }
  }
  const key = flags.key ?? (flags.resource ? parseS3Arn(flags.resource)?.key : undefined);
  if (prefix !== undefined && key !== undefined && !key.startsWith(prefix)) {
    // Known from the flags alone: refused before any file is read or any call is made.
    throw new ConflictError(
      `Refusing the fix: "${key}" lies outside --prefix "${prefix}", so allowing it would grant more than that prefix.`,
      "Use a --prefix the key is under, or --scope key to allow exactly this object.",
      "FixOutsideScope",
    );
  }
  return {
    ...(scope !== undefined ? { scope } : {}),
    ...(prefix !== undefined ? { prefix } : {}),
  };
}
