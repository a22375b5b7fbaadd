// `bucket create`: read the current state, plan, and (unless it is a dry run) execute the
// plan step by step. A bucket this run created is deleted again if a later step fails.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { mapAwsError } from "../../aws/errors.js";
import { awsCliCommand } from "../aws-cli-command.js";
import type { RegisterCleanup } from "../cleanup.js";
import { ConflictError, ExitCode, S3kitError } from "../errors.js";
import { settingLabel } from "./describe.js";
import { type ApiCall, type BucketPlan, type Change, type PlanStep, planBucket } from "./plan.js";
import { assertSameRegion, headBucket, isOwnBucket, readBucketState } from "./read.js";
import type { CreateBucketSpec } from "./spec.js";
import type { BucketState, Setting } from "./state.js";

export type SettingStatus =
  | Change
  | "created"
  | "updated"
  | "failed"
  | "not-applied"
  | "rolled-back";

export interface SettingReport {
  setting: Setting;
  /** Dry run: create, update or unchanged. Otherwise: created, updated, unchanged, failed, not-applied, rolled-back. */
  status: SettingStatus;
  /** The value the setting has now (after a dry run: would have). `null`: absent. */
  value: unknown;
  /** The value before, when the run changes it on an existing bucket. */
  previous?: unknown;
  /** Dry run: the API call that would be made. */
  call?: ApiCall;
  error?: { code: string; message: string };
}

export interface CreateReport {
  bucket: string;
  region: string;
  dryRun: boolean;
  /** The bucket existed before this run. */
  existed: boolean;
  /** This run created the bucket (and it still exists). */
  created: boolean;
  /** Something was (or, in a dry run, would be) changed. */
  changed: boolean;
  settings: SettingReport[];
  warnings: string[];
}

export interface CreateOutcome {
  report: CreateReport;
  /** Set when a step failed; the report says what was and was not applied. */
  error?: S3kitError;
}

export interface CreateOptions {
  dryRun: boolean;
  /** Registers cleanup for Ctrl-C (returns an unregister function). */
  onInterrupt?: RegisterCleanup;
}

// The plan names operations; these send them. Inputs were built for exactly these operations.
// biome-ignore lint/suspicious/noExplicitAny: each operation takes its own input type
type Input = any;
const OPERATIONS: Record<string, (s3: S3Client, input: Input) => Promise<unknown>> = {
  CreateBucket: (s3, input) => s3.send(new CreateBucketCommand(input)),
  PutBucketOwnershipControls: (s3, input) => s3.send(new PutBucketOwnershipControlsCommand(input)),
  PutPublicAccessBlock: (s3, input) => s3.send(new PutPublicAccessBlockCommand(input)),
  PutBucketEncryption: (s3, input) => s3.send(new PutBucketEncryptionCommand(input)),
  PutBucketVersioning: (s3, input) => s3.send(new PutBucketVersioningCommand(input)),
  PutBucketPolicy: (s3, input) => s3.send(new PutBucketPolicyCommand(input)),
  DeleteBucketPolicy: (s3, input) => s3.send(new DeleteBucketPolicyCommand(input)),
  PutBucketLifecycleConfiguration: (s3, input) =>
    s3.send(new PutBucketLifecycleConfigurationCommand(input)),
  PutBucketCors: (s3, input) => s3.send(new PutBucketCorsCommand(input)),
  PutBucketTagging: (s3, input) => s3.send(new PutBucketTaggingCommand(input)),
  PutBucketLogging: (s3, input) => s3.send(new PutBucketLoggingCommand(input)),
};

/** Settings s3kit merges into (keeps what it does not own): it must be able to read them. */
const MERGED: readonly Setting[] = ["policy", "lifecycle", "tags"];

export async function createBucket(
  aws: Aws,
  spec: CreateBucketSpec,
  options: CreateOptions,
): Promise<CreateOutcome> {
  const warnings = warningsFor(spec);
  const presence = await headBucket(aws, spec.bucket);
  let current: BucketState | null = null;
  if (presence.exists === true) {
    const own = await isOwnBucket(aws, spec.bucket);
    if (own === false) throw nameTaken(spec.bucket);
    if (own === undefined) {
      warnings.push(
        `could not list your buckets (no s3:ListAllMyBuckets), so s3kit cannot confirm that ${spec.bucket} belongs to this account.`,
      );
    }
    assertSameRegion(spec.bucket, presence.region, spec.region);
    current = await readCurrent(aws, spec.bucket, presence.region);
  } else if (presence.exists === "forbidden") {
    warnings.push(
      `HeadBucket on ${spec.bucket} was denied: the name may belong to another account (CreateBucket will tell).`,
    );
  }
  const plan = planBucket(spec, current);
  warnings.push(...httpWarning(aws, spec, plan));
  if (options.dryRun) return { report: dryRunReport(plan, warnings) };
  return execute(aws, spec, plan, warnings, options);
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

/** On a plain-HTTP endpoint the TLS-only policy would refuse every request: say what was done. */
function httpWarning(aws: Aws, spec: CreateBucketSpec, plan: BucketPlan): string[] {
  if (!aws.endpoint("s3").startsWith("http://")) return [];
  if ((spec.tlsPolicy ?? "apply") === "apply") {
    const policy = plan.steps.find((s) => s.setting === "policy");
    if (policy?.change === "unchanged") return [];
    return [
      `the endpoint ${aws.endpoint("s3")} uses plain HTTP, and the bucket policy denies requests without TLS: servers that enforce aws:SecureTransport will refuse every request to this bucket.`,
    ];
  }
  if (spec.tlsPolicy === "keep") {
    return [
      `the endpoint ${aws.endpoint("s3")} uses plain HTTP, so the TLS-only bucket policy was not applied (it would deny every request here); pass --tls-policy to apply it anyway.`,
    ];
  }
  return [];
}

function dryRunReport(plan: BucketPlan, warnings: string[]): CreateReport {
  return {
    bucket: plan.bucket,
    region: plan.region,
    dryRun: true,
    existed: plan.exists,
    created: false,
    changed: plan.steps.some((s) => s.change !== "unchanged"),
    settings: plan.steps.map((step) => ({
      setting: step.setting,
      status: step.change,
      value: step.desired,
      ...(step.change === "update" ? { previous: step.current } : {}),
      ...(step.call ? { call: step.call } : {}),
    })),
    warnings,
  };
}

async function execute(
  aws: Aws,
  spec: CreateBucketSpec,
  plan: BucketPlan,
  warnings: string[],
  options: CreateOptions,
): Promise<CreateOutcome> {
  const s3 = await aws.s3();
  const settings: SettingReport[] = plan.steps.map((step) => ({
    setting: step.setting,
    status: "unchanged",
    value: step.current,
  }));
  let created = false;
  let unregister: (() => void) | undefined;
  const rollback = async (): Promise<string | undefined> => {
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: plan.bucket }));
      return undefined;
    } catch (err) {
      return mapAwsError(err, { bucket: plan.bucket }).message;
    }
  };

  try {
    for (const [index, step] of plan.steps.entries()) {
      const report = settings[index] as SettingReport;
      if (!step.call) continue;
      try {
        const call = step.call;
        const pabChanged = settings.some(
          (r) => r.setting === "publicAccessBlock" && r.status !== "unchanged",
        );
        await send(s3, call, (err) => settlingError(err, call, created, pabChanged));
      } catch (err) {
        if (step.setting === "bucket" && errorCode(err) === "BucketAlreadyOwnedByYou") {
          // Created meanwhile (or by an earlier run that HeadBucket did not see): converge it.
          const presence = await headBucket(aws, plan.bucket);
          const region = presence.exists === true ? presence.region : spec.region;
          assertSameRegion(plan.bucket, region, spec.region);
          const current = await readCurrent(aws, plan.bucket, region);
          return execute(aws, spec, planBucket(spec, current), warnings, options);
        }
        if (step.setting === "bucket") throw createBucketError(err, plan.bucket);
        return failed(step, index, err);
      }
      if (step.setting === "bucket") {
        created = true;
        let rolledBack = false;
        unregister = options.onInterrupt?.({
          run: async () => {
            rolledBack = (await rollback()) === undefined;
          },
          pending: () =>
            rolledBack
              ? []
              : [
                  {
                    doing: `deleting the bucket ${plan.bucket} that this run created`,
                    command: awsCliCommand(aws, "s3", [
                      "s3api",
                      "delete-bucket",
                      "--bucket",
                      plan.bucket,
                    ]),
                  },
                ],
        });
      }
      report.status = step.setting === "bucket" || step.change === "create" ? "created" : "updated";
      report.value = step.desired;
      if (step.change === "update") report.previous = step.current;
    }
  } finally {
    unregister?.();
  }
  return {
    report: {
      bucket: plan.bucket,
      region: plan.region,
      dryRun: false,
      existed: plan.exists,
      created,
      changed: settings.some((s) => s.status !== "unchanged"),
      settings,
      warnings,
    },
  };

  async function failed(step: PlanStep, index: number, err: unknown): Promise<CreateOutcome> {
    const mapped = stepError(err, step, plan.bucket);
    const report = settings[index] as SettingReport;
    report.status = "failed";
    report.error = { code: mapped.code, message: mapped.message };
    plan.steps.forEach((later, i) => {
      if (i > index && later.call) (settings[i] as SettingReport).status = "not-applied";
    });
    const what = `${settingLabel(step.setting)} (${step.call?.operation})`;
    const reason = /[.!?]$/.test(mapped.message) ? mapped.message : `${mapped.message}.`;
    let message: string;
    let hint = mapped.hint;
    if (created) {
      unregister?.();
      unregister = undefined;
      const rollbackProblem = await rollback();
      if (rollbackProblem === undefined) {
        for (const s of settings) if (s.status === "created") s.status = "rolled-back";
        created = false;
        message = `Setting the ${what} failed: ${reason} The bucket ${plan.bucket} that this run created was deleted again.`;
      } else {
        message = `Setting the ${what} failed: ${reason} Deleting the bucket ${plan.bucket} that this run created failed too: ${rollbackProblem}`;
        hint = `Delete it with \`s3kit bucket delete ${plan.bucket} --yes\`, then fix the cause and run the command again.`;
      }
    } else {
      const applied = settings.filter((s) => s.status === "created" || s.status === "updated");
      const notApplied = settings.filter((s) => s.status === "not-applied");
      message = `Setting the ${what} of the existing bucket ${plan.bucket} failed: ${reason} Applied: ${applied.map((s) => settingLabel(s.setting)).join(", ") || "nothing"}; not applied: ${[settingLabel(step.setting), ...notApplied.map((s) => settingLabel(s.setting))].join(", ")}.`;
    }
    return {
      report: {
        bucket: plan.bucket,
        region: plan.region,
        dryRun: false,
        existed: plan.exists,
        created,
        changed: settings.some((s) => s.status === "created" || s.status === "updated"),
        settings,
        warnings,
      },
      error: new S3kitError(
        {
          code: mapped.code,
          message,
          exitCode: mapped.exitCode,
          ...(hint ? { hint } : {}),
        },
        { cause: err },
      ),
    };
  }
}

/** Delays before the retries of a step that failed while S3 was still settling. */
export const SETTLE_DELAYS_MS = [500, 1000, 2000];

async function send(
  s3: S3Client,
  call: ApiCall,
  retryable: (err: unknown) => boolean = () => false,
): Promise<void> {
  const operation = OPERATIONS[call.operation];
  if (!operation) throw new Error(`no SDK command for ${call.operation}`);
  for (let attempt = 0; ; attempt++) {
    try {
      await operation(s3, call.input);
      return;
    } catch (err) {
      const delay = SETTLE_DELAYS_MS[attempt];
      if (delay === undefined || !retryable(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Errors S3 gives while a change this run just made is still propagating: a new bucket
 * not yet visible everywhere, a concurrent configuration change, or a public policy put
 * right after BlockPublicPolicy was turned off. They are retried a few times.
 */
function settlingError(
  err: unknown,
  call: ApiCall,
  bucketJustCreated: boolean,
  publicAccessBlockJustChanged: boolean,
): boolean {
  const code = errorCode(err);
  if (code === "OperationAborted") return true;
  if (code === "NoSuchBucket" && bucketJustCreated) return true;
  return (
    code === "AccessDenied" && call.operation === "PutBucketPolicy" && publicAccessBlockJustChanged
  );
}

function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string };
  return e.Code ?? e.name ?? "";
}

function nameTaken(bucket: string): ConflictError {
  return new ConflictError(
    `The bucket name "${bucket}" is taken by another AWS account (bucket names are global).`,
    "Choose another name, or let s3kit make a unique one: --generate-name --env ENV --project PROJECT.",
    "BucketAlreadyExists",
  );
}

function createBucketError(err: unknown, bucket: string): S3kitError {
  if (errorCode(err) === "BucketAlreadyExists") return nameTaken(bucket);
  return mapAwsError(err, { bucket, operation: "CreateBucket" });
}

/** An SDK error of a step, with a hint that fits the step. */
function stepError(err: unknown, step: PlanStep, bucket: string): S3kitError {
  const mapped = mapAwsError(err, { bucket, operation: step.call?.operation });
  if (errorCode(err) === "InvalidTargetBucketForLogging") {
    const logging = step.desired as { targetBucket: string; targetPrefix: string };
    if (/does not exist/i.test(mapped.message)) {
      return new S3kitError(
        {
          code: mapped.code,
          message: `The access-log bucket ${logging.targetBucket} does not exist.`,
          hint: `Create it first (\`s3kit bucket create ${logging.targetBucket}\`, in the same region), then run this again.`,
          exitCode: ExitCode.notFound,
        },
        { cause: err },
      );
    }
    return new S3kitError(
      {
        code: mapped.code,
        message: `S3 may not write access logs into ${logging.targetBucket}: ${mapped.message}`,
        hint: `Add to the bucket policy of ${logging.targetBucket} a statement that allows {"Service": "logging.s3.amazonaws.com"} s3:PutObject on arn:aws:s3:::${logging.targetBucket}/${logging.targetPrefix}* (and keep both buckets in one region).`,
        exitCode: ExitCode.conflict,
      },
      { cause: err },
    );
  }
  return mapped;
}
