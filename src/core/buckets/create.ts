// `bucket create`: read the current state, plan, and (unless it is a dry run) apply the
// plan (apply.ts). Settings the endpoint does not support are found from its answers: when
// s3kit reads an existing bucket, when a dry run or --strict probes a new one, and when a
// write is refused.
import type { Aws } from "../../aws/clients.js";
import { ExitCode, S3kitError } from "../errors.js";
import { assertSameRegion, headBucket, regionOfFound } from "../s3/head-bucket.js";
import { isOwnBucket } from "../s3/list-buckets.js";
import { type ApplyInput, applyPlan, nameTaken, strictBeforeWriting } from "./apply.js";
import type { CreateOptions, CreateOutcome, CreateReport } from "./create-report.js";
import { settingLabel } from "./describe.js";
import { type BucketPlan, planBucket } from "./plan.js";
import { probeUnsupported, readBucketState } from "./read.js";
import type { CreateBucketSpec } from "./spec.js";
import type { BucketState, ConfigSetting, PolicyDocument, Setting } from "./state.js";
import {
  type NotSupported,
  PLAIN_HTTP_MEANING,
  partNotSupported,
  plainHttpEvidence,
} from "./support.js";
import { MANAGED_SIDS } from "./templates.js";

export { SETTLE_DELAYS_MS } from "./apply.js";
export type {
  CreateOptions,
  CreateOutcome,
  CreateReport,
  InterruptRollback,
  SettingReport,
  SettingStatus,
} from "./create-report.js";

/** Settings s3kit merges into (keeps what it does not own): it must be able to read them. */
const MERGED: readonly Setting[] = ["policy", "lifecycle", "tags"];

export async function createBucket(
  aws: Aws,
  spec: CreateBucketSpec,
  options: CreateOptions,
): Promise<CreateOutcome> {
  const warnings = warningsFor(spec);
  const s3 = await aws.s3();
  const presence = await headBucket(s3, spec.bucket, aws.region);
  let current: BucketState | null = null;
  if (presence.status === "exists" || presence.status === "other-region") {
    const own = await isOwnBucket(s3, spec.bucket);
    if (own === false) throw nameTaken(spec.bucket);
    if (own === undefined) {
      warnings.push(
        `could not list your buckets (no s3:ListAllMyBuckets), so s3kit cannot confirm that ${spec.bucket} belongs to this account.`,
      );
    }
    const region = await regionOfFound(s3, spec.bucket, presence);
    assertSameRegion(spec.bucket, region, spec.region);
    current = await readCurrent(aws, spec.bucket, region);
  } else if (presence.status === "forbidden") {
    warnings.push(
      `HeadBucket on ${spec.bucket} was denied: the name may belong to another account (CreateBucket will tell).`,
    );
  }

  let unsupported = current?.unsupported ?? {};
  if (!current && (options.dryRun || options.strict)) {
    // Nothing can be read from a bucket that does not exist yet, but an endpoint that does
    // not implement a setting often says so before it looks for the bucket.
    const planned = planBucket(spec, null).steps.filter((s) => s.call && s.setting !== "bucket");
    unsupported = await probeUnsupported(
      aws,
      spec.bucket,
      planned.map((s) => s.setting as ConfigSetting),
    );
  }
  const { plan, known } = planWithGaps(aws, spec, current, unsupported);
  warnings.push(...httpWarning(aws, spec, plan));
  if (options.dryRun) {
    const report = dryRunReport(plan, known, warnings);
    return options.strict && known.length > 0
      ? { report, error: strictBeforeWriting(plan, known) }
      : { report };
  }
  const replan = async (): Promise<ApplyInput> => {
    const now = await headBucket(s3, spec.bucket, aws.region);
    const region =
      now.status === "exists" || now.status === "other-region"
        ? await regionOfFound(s3, spec.bucket, now)
        : spec.region;
    assertSameRegion(spec.bucket, region, spec.region);
    const state = await readCurrent(aws, spec.bucket, region);
    return { spec, warnings, ...planWithGaps(aws, spec, state, state.unsupported), replan };
  };
  return applyPlan(aws, { spec, plan, warnings, known, replan }, options);
}

/** The plan, and the settings it already knows the endpoint does not support. */
function planWithGaps(
  aws: Aws,
  spec: CreateBucketSpec,
  current: BucketState | null,
  unsupported: BucketState["unsupported"],
): { plan: BucketPlan; known: NotSupported[] } {
  const plan = planBucket(spec, current, unsupported);
  const known = plan.steps.flatMap((s) => s.notSupported ?? []);
  if (spec.tlsPolicy === "keep") {
    const policy = plan.steps.find((s) => s.setting === "policy");
    const statements = (policy?.desired as PolicyDocument | null)?.Statement ?? [];
    if (!statements.some((s) => s.Sid === MANAGED_SIDS.denyInsecureTransport)) {
      known.push({
        ...partNotSupported("tls-only", plainHttpEvidence(aws.endpoint("s3"))),
        meaning: PLAIN_HTTP_MEANING,
      });
    }
  }
  return { plan, known };
}

async function readCurrent(aws: Aws, bucket: string, region: string): Promise<BucketState> {
  const state = await readBucketState(aws, bucket, region);
  const blocked = MERGED.filter((s) => state.unreadable[s as keyof BucketState["unreadable"]]);
  if (blocked.length > 0) {
    const details = blocked
      .map((s) => `${settingLabel(s)}: ${state.unreadable[s as keyof BucketState["unreadable"]]}`)
      .join("; ");
    throw new S3kitError({
      code: "CannotReadBucket",
      message: `Cannot read the current ${blocked.map(settingLabel).join(", ")} of ${bucket} (${details}), so s3kit cannot merge its settings into them safely. Nothing was changed.`,
      hint: `Use credentials that may read the bucket's configuration (s3:GetBucketPolicy, s3:GetLifecycleConfiguration, s3:GetBucketTagging); \`s3kit policy debug --bucket ${bucket}\` explains.`,
      exitCode: ExitCode.accessDenied,
    });
  }
  return state;
}

function warningsFor(spec: CreateBucketSpec): string[] {
  const warnings: string[] = [];
  if (spec.publicRead) {
    const what =
      spec.publicRead.prefix === ""
        ? `every object in ${spec.bucket}`
        : `every object under s3://${spec.bucket}/${spec.publicRead.prefix}`;
    warnings.push(
      `${what} becomes public: anyone on the internet can read it without credentials.`,
    );
  }
  return warnings;
}

/** --tls-policy on a plain-HTTP endpoint: the policy may refuse every request. */
function httpWarning(aws: Aws, spec: CreateBucketSpec, plan: BucketPlan): string[] {
  if (!aws.endpoint("s3").startsWith("http://")) return [];
  if ((spec.tlsPolicy ?? "apply") !== "apply") return [];
  const policy = plan.steps.find((s) => s.setting === "policy");
  if (policy?.change === "unchanged") return [];
  return [
    `the endpoint ${aws.endpoint("s3")} uses plain HTTP, and the bucket policy denies requests without TLS: servers that enforce aws:SecureTransport will refuse every request to this bucket.`,
  ];
}

function dryRunReport(plan: BucketPlan, known: NotSupported[], warnings: string[]): CreateReport {
  return {
    bucket: plan.bucket,
    region: plan.region,
    dryRun: true,
    existed: plan.exists,
    created: false,
    changed: plan.steps.some((s) => s.change !== "unchanged" && s.change !== "unsupported"),
    settings: plan.steps.map((step) => ({
      setting: step.setting,
      status: step.change,
      value: step.desired,
      ...(step.change === "update" ? { previous: step.current } : {}),
      ...(step.call ? { call: step.call } : {}),
    })),
    notSupported: known,
    warnings,
  };
}
