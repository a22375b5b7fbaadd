// `bucket create` as data: the desired state (from the spec and, for settings s3kit
// merges into, the current state), its difference from the current state, and the plan
// of API calls that closes the difference. Pure: no SDK, no I/O.
import type { CreateBucketSpec } from "./spec.js";
import {
  ALL_BLOCKED,
  type BucketState,
  type ConfigSetting,
  type CorsRule,
  type Encryption,
  type LifecycleRule,
  type Logging,
  type Ownership,
  type PolicyDocument,
  type PolicyStatement,
  type PublicAccessBlock,
  type Setting,
  sameCors,
  sameEncryption,
  sameLifecycle,
  sameLogging,
  samePolicy,
  samePublicAccessBlock,
  sameTags,
  type Versioning,
} from "./state.js";
import { type NotSupported, notSupported, partNotSupported, type SettingPart } from "./support.js";
import {
  abortIncompleteMultipartRule,
  expireLifecycleRule,
  MANAGED_RULE_IDS,
  MANAGED_SIDS,
  noncurrentExpireLifecycleRule,
  POLICY_VERSION,
  publicReadPolicyStatement,
  tlsOnlyStatements,
  transitionLifecycleRule,
} from "./templates.js";

/** What the bucket should have; `undefined` means "not managed by this run: leave it". */
export interface DesiredState {
  ownership: Ownership;
  publicAccessBlock: PublicAccessBlock;
  encryption: Encryption;
  versioning?: Versioning;
  /** null: the bucket should have no policy at all. */
  policy: PolicyDocument | null;
  lifecycle: LifecycleRule[];
  cors?: CorsRule[];
  tags?: Record<string, string>;
  logging?: Logging;
}

export interface ApiCall {
  operation: string;
  input: Record<string, unknown>;
}

/** `unsupported`: the endpoint said (when s3kit read it) that it does not implement the setting. */
export type Change = "create" | "update" | "unchanged" | "unsupported";

export interface PlanStep {
  setting: Setting;
  change: Change;
  /** The call that makes the change (none when unchanged or unsupported). */
  call?: ApiCall;
  /** The value before (`null`: absent). For a bucket this run creates: absent. */
  current: unknown;
  /** The value after the run. */
  desired: unknown;
  /** Why the setting cannot be applied (with `change: "unsupported"`). */
  notSupported?: NotSupported[];
  /** The parts s3kit manages in the desired value (policy statements, lifecycle rules). */
  parts?: SettingPart[];
}

export interface BucketPlan {
  bucket: string;
  region: string;
  /** The bucket exists already (its settings are converged) or is created by the plan. */
  exists: boolean;
  steps: PlanStep[];
}

const SSE_S3: Encryption = { algorithm: "AES256", kmsKeyId: null, bucketKeyEnabled: false };

/**
 * The desired state. Safe defaults always apply; an existing stronger encryption (SSE-KMS)
 * is kept when no --kms-key is given; policy statements and lifecycle rules that s3kit
 * does not own stay; --tag adds or updates tags and keeps the others.
 */
export function desiredState(spec: CreateBucketSpec, current: BucketState | null): DesiredState {
  const encryption: Encryption = spec.kmsKeyId
    ? { algorithm: "aws:kms", kmsKeyId: spec.kmsKeyId, bucketKeyEnabled: true }
    : current?.encryption && current.encryption.algorithm !== "AES256"
      ? current.encryption
      : SSE_S3;

  const publicAccessBlock: PublicAccessBlock = spec.publicRead
    ? { ...ALL_BLOCKED, blockPublicPolicy: false, restrictPublicBuckets: false }
    : ALL_BLOCKED;

  const ownedSids = new Set<string>(Object.values(MANAGED_SIDS));
  const currentStatements = current?.policy?.Statement ?? [];
  const foreignStatements = currentStatements.filter((s) => !(s.Sid && ownedSids.has(s.Sid)));
  const tlsSids = new Set<string>([
    MANAGED_SIDS.denyInsecureTransport,
    MANAGED_SIDS.denyOutdatedTls,
  ]);
  const tlsMode = spec.tlsPolicy ?? "apply";
  const tlsStatements =
    tlsMode === "apply"
      ? tlsOnlyStatements(spec.bucket, spec.region)
      : tlsMode === "keep"
        ? currentStatements.filter((s) => s.Sid !== undefined && tlsSids.has(s.Sid))
        : [];
  const managedStatements: PolicyStatement[] = [
    ...tlsStatements,
    ...(spec.publicRead
      ? [publicReadPolicyStatement(spec.bucket, spec.region, spec.publicRead.prefix)]
      : []),
  ];
  const statements = [...managedStatements, ...foreignStatements];
  const policy: PolicyDocument | null =
    statements.length === 0
      ? null
      : {
          Version: current?.policy?.Version ?? POLICY_VERSION,
          ...(current?.policy?.Id ? { Id: current.policy.Id } : {}),
          Statement: statements,
        };

  // s3kit's rules: the abort rule always; the others when asked for, else as they are.
  const currentRules = current?.lifecycle ?? [];
  const byId = (id: string) => currentRules.find((r) => r.ID === id);
  const managed: LifecycleRule[] = [abortIncompleteMultipartRule()];
  const keepOrSet = (id: string, wanted: LifecycleRule | undefined) => {
    const rule = wanted ?? byId(id);
    if (rule) managed.push(rule);
  };
  keepOrSet(
    MANAGED_RULE_IDS.expire,
    spec.expire ? expireLifecycleRule(spec.expire.days, spec.expire.prefix) : undefined,
  );
  keepOrSet(
    MANAGED_RULE_IDS.transition,
    spec.transitions ? transitionLifecycleRule(spec.transitions) : undefined,
  );
  keepOrSet(
    MANAGED_RULE_IDS.noncurrentExpire,
    spec.noncurrentExpireDays !== undefined
      ? noncurrentExpireLifecycleRule(spec.noncurrentExpireDays)
      : undefined,
  );
  const ownedIds = new Set<string>(Object.values(MANAGED_RULE_IDS));
  const lifecycle = [...managed, ...currentRules.filter((r) => !(r.ID && ownedIds.has(r.ID)))];

  const desired: DesiredState = {
    ownership: "BucketOwnerEnforced",
    publicAccessBlock,
    encryption,
    policy,
    lifecycle,
  };
  if (spec.versioning) desired.versioning = "Enabled";
  if (spec.cors) desired.cors = spec.cors;
  if (spec.tags) desired.tags = { ...(current?.tags ?? {}), ...spec.tags };
  if (spec.accessLog) {
    desired.logging = { targetBucket: spec.accessLog.bucket, targetPrefix: spec.accessLog.prefix };
  }
  return desired;
}

/**
 * The plan: one step per setting, in the order S3 needs (ownership and the public-access
 * block before a policy that depends on them). `current` is null for a new bucket.
 */
export function planBucket(
  spec: CreateBucketSpec,
  current: BucketState | null,
  unsupported: BucketState["unsupported"] = current?.unsupported ?? {},
): BucketPlan {
  const desired = desiredState(spec, current);
  const Bucket = spec.bucket;
  const before = current;
  const steps: PlanStep[] = [];

  if (!before) {
    steps.push({
      setting: "bucket",
      change: "create",
      call: {
        operation: "CreateBucket",
        input: {
          Bucket,
          ...(spec.region === "us-east-1"
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: spec.region } }),
        },
      },
      current: null,
      desired: { name: Bucket, region: spec.region },
    });
  } else {
    steps.push({
      setting: "bucket",
      change: "unchanged",
      current: { name: Bucket, region: before.region },
      desired: { name: Bucket, region: before.region },
    });
  }

  const add = <T>(
    setting: ConfigSetting,
    wanted: T | undefined,
    same: (a: T | null, b: T | null) => boolean,
    call: (value: T) => ApiCall,
  ) => {
    const now = (before?.[setting] ?? null) as T | null;
    if (wanted === undefined || (before && same(now, wanted))) {
      steps.push({ setting, change: "unchanged", current: now, desired: now });
      return;
    }
    const evidence = unsupported[setting];
    if (evidence !== undefined) {
      const parts = partsOf(setting, wanted);
      steps.push({
        setting,
        change: "unsupported",
        current: now,
        desired: now,
        notSupported:
          parts.length > 0
            ? parts.map((part) => partNotSupported(part, evidence))
            : [notSupported(setting, evidence)],
      });
      return;
    }
    const parts = partsOf(setting, wanted);
    steps.push({
      ...(parts.length > 0 ? { parts } : {}),
      setting,
      change: before && now !== null ? "update" : "create",
      call: call(wanted),
      current: now,
      desired: wanted,
    });
  };

  add<Ownership>(
    "ownership",
    desired.ownership,
    (a, b) => a === b,
    (value) => ({
      operation: "PutBucketOwnershipControls",
      input: { Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: value }] } },
    }),
  );
  add<PublicAccessBlock>(
    "publicAccessBlock",
    desired.publicAccessBlock,
    samePublicAccessBlock,
    (value) => ({
      operation: "PutPublicAccessBlock",
      input: {
        Bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: value.blockPublicAcls,
          IgnorePublicAcls: value.ignorePublicAcls,
          BlockPublicPolicy: value.blockPublicPolicy,
          RestrictPublicBuckets: value.restrictPublicBuckets,
        },
      },
    }),
  );
  add<Encryption>("encryption", desired.encryption, sameEncryption, (value) => ({
    operation: "PutBucketEncryption",
    input: {
      Bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: value.algorithm,
              ...(value.kmsKeyId ? { KMSMasterKeyID: value.kmsKeyId } : {}),
            },
            ...(value.algorithm === "AES256" ? {} : { BucketKeyEnabled: value.bucketKeyEnabled }),
          },
        ],
      },
    },
  }));
  add<Versioning>(
    "versioning",
    desired.versioning,
    (a, b) => a === b,
    (value) => ({
      operation: "PutBucketVersioning",
      input: { Bucket, VersioningConfiguration: { Status: value } },
    }),
  );
  if (desired.policy === null) {
    const now = before?.policy ?? null;
    steps.push(
      now === null
        ? { setting: "policy", change: "unchanged", current: null, desired: null }
        : {
            setting: "policy",
            change: "update",
            call: policyCall(Bucket, null),
            current: now,
            desired: null,
          },
    );
  } else {
    add<PolicyDocument>("policy", desired.policy, samePolicy, (value) => policyCall(Bucket, value));
  }
  add<LifecycleRule[]>("lifecycle", desired.lifecycle, sameLifecycle, (value) =>
    lifecycleCall(Bucket, value),
  );
  add<CorsRule[]>("cors", desired.cors, sameCors, (value) => ({
    operation: "PutBucketCors",
    input: { Bucket, CORSConfiguration: { CORSRules: value } },
  }));
  add<Record<string, string>>("tags", desired.tags, sameTags, (value) => ({
    operation: "PutBucketTagging",
    input: {
      Bucket,
      Tagging: {
        TagSet: Object.keys(value)
          .sort()
          .map((Key) => ({ Key, Value: value[Key] })),
      },
    },
  }));
  add<Logging>("logging", desired.logging, sameLogging, (value) => ({
    operation: "PutBucketLogging",
    input: {
      Bucket,
      BucketLoggingStatus: {
        LoggingEnabled: { TargetBucket: value.targetBucket, TargetPrefix: value.targetPrefix },
      },
    },
  }));

  return { bucket: Bucket, region: before?.region ?? spec.region, exists: before !== null, steps };
}

function policyCall(Bucket: string, value: PolicyDocument | null): ApiCall {
  return value === null
    ? { operation: "DeleteBucketPolicy", input: { Bucket } }
    : { operation: "PutBucketPolicy", input: { Bucket, Policy: JSON.stringify(value) } };
}

function lifecycleCall(Bucket: string, value: LifecycleRule[]): ApiCall {
  return value.length === 0
    ? { operation: "DeleteBucketLifecycle", input: { Bucket } }
    : {
        operation: "PutBucketLifecycleConfiguration",
        input: { Bucket, LifecycleConfiguration: { Rules: value } },
      };
}

const PART_OF_SID: Record<string, SettingPart> = {
  [MANAGED_SIDS.denyInsecureTransport]: "tls-only",
  [MANAGED_SIDS.denyOutdatedTls]: "tls-1.2",
  [MANAGED_SIDS.publicRead]: "public-read",
};

const PART_OF_RULE: Record<string, SettingPart> = {
  [MANAGED_RULE_IDS.abortIncompleteMultipart]: "abort-incomplete-multipart",
  [MANAGED_RULE_IDS.expire]: "expire",
  [MANAGED_RULE_IDS.transition]: "transition",
  [MANAGED_RULE_IDS.noncurrentExpire]: "noncurrent-expire",
};

function partOfItem(
  setting: Setting,
  item: PolicyStatement | LifecycleRule,
): SettingPart | undefined {
  if (setting === "policy") return PART_OF_SID[(item as PolicyStatement).Sid ?? ""];
  if (setting === "lifecycle") return PART_OF_RULE[(item as LifecycleRule).ID ?? ""];
  return undefined;
}

function itemsOf(setting: Setting, value: unknown): (PolicyStatement | LifecycleRule)[] {
  if (setting === "policy") return (value as PolicyDocument | null)?.Statement ?? [];
  if (setting === "lifecycle") return (value as LifecycleRule[] | null) ?? [];
  return [];
}

/** The parts s3kit manages in a policy or lifecycle value, in the order they appear. */
export function partsOf(setting: Setting, value: unknown): SettingPart[] {
  const parts: SettingPart[] = [];
  for (const item of itemsOf(setting, value)) {
    const part = partOfItem(setting, item);
    if (part && !parts.includes(part)) parts.push(part);
  }
  return parts;
}

/**
 * The step's desired value with only some of s3kit's parts (and every part s3kit does not
 * manage), and the call that writes it: what to try when the endpoint refuses the whole.
 */
export function withParts(
  bucket: string,
  step: PlanStep,
  keep: readonly SettingPart[],
): { desired: unknown; call: ApiCall } {
  const kept = (item: PolicyStatement | LifecycleRule) => {
    const part = partOfItem(step.setting, item);
    return part === undefined || keep.includes(part);
  };
  if (step.setting === "policy") {
    const doc = step.desired as PolicyDocument;
    const statements = doc.Statement.filter(kept);
    const value = statements.length === 0 ? null : { ...doc, Statement: statements };
    return { desired: value, call: policyCall(bucket, value) };
  }
  const rules = (step.desired as LifecycleRule[]).filter(kept);
  return { desired: rules.length === 0 ? null : rules, call: lifecycleCall(bucket, rules) };
}
