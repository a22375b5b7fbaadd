// Executing a `bucket create` plan step by step. A setting the endpoint does not support
// is reported (or, with --strict, an error); any other failure stops the run, and a bucket
// this run provably created and that is still empty is deleted again (rollback.ts).
import {
  CreateBucketCommand,
  type CreateBucketCommandInput,
  DeleteBucketLifecycleCommand,
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
import {
  describeAnswer,
  errorCodeOf,
  mapAwsError,
  schemaRejection,
  unsupportedAnswer,
} from "../../aws/errors.js";
import { awsCliCommand } from "../aws-cli-command.js";
import { ConflictError, ExitCode, S3kitError } from "../errors.js";
import type { CreateOptions, CreateOutcome, SettingReport } from "./create-report.js";
import { settingLabel } from "./describe.js";
import { type ApiCall, type BucketPlan, type PlanStep, withParts } from "./plan.js";
import { type RollbackResult, rollbackCreatedBucket } from "./rollback.js";
import type { CreateBucketSpec } from "./spec.js";
import { type LifecycleRule, type PolicyDocument, sameLifecycle, samePolicy } from "./state.js";
import { type NotSupported, notSupported, partNotSupported, type SettingPart } from "./support.js";

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
  DeleteBucketLifecycle: (s3, input) => s3.send(new DeleteBucketLifecycleCommand(input)),
  PutBucketCors: (s3, input) => s3.send(new PutBucketCorsCommand(input)),
  PutBucketTagging: (s3, input) => s3.send(new PutBucketTaggingCommand(input)),
  PutBucketLogging: (s3, input) => s3.send(new PutBucketLoggingCommand(input)),
};

/**
 * Settings whose request body a user wrote (a CORS file, tag values): a refused body there
 * is the user's mistake, so only NotImplemented/501 means "not supported".
 */
const USER_WRITTEN = new Set(["cors", "tags"]);

export interface ApplyInput {
  spec: CreateBucketSpec;
  plan: BucketPlan;
  warnings: string[];
  /** Gaps known before any write (from reads, or a plain-HTTP endpoint). */
  known: NotSupported[];
  /** Plans again for an existing bucket (when CreateBucket says it is ours already). */
  replan: () => Promise<ApplyInput>;
}

export async function applyPlan(
  aws: Aws,
  input: ApplyInput,
  options: CreateOptions,
): Promise<CreateOutcome> {
  const { plan, warnings } = input;
  if (options.strict && input.known.length > 0) throw strictBeforeWriting(plan, input.known);
  const s3 = await aws.s3();
  const settings: SettingReport[] = plan.steps.map((step) => ({
    setting: step.setting,
    status: step.change === "unsupported" ? "unsupported" : "unchanged",
    value: step.current,
  }));
  const gaps: NotSupported[] = [...input.known];
  let created = false;
  let unregister: (() => void) | undefined;
  const createInput = plan.steps.find((s) => s.setting === "bucket")?.call?.input;
  const rollback = (): Promise<RollbackResult> =>
    rollbackCreatedBucket(s3, createInput as unknown as CreateBucketCommandInput);

  const report = (extra: { rollback?: RollbackResult } = {}) => ({
    bucket: plan.bucket,
    region: plan.region,
    dryRun: false,
    existed: plan.exists,
    created,
    changed: settings.some((s) => s.status === "created" || s.status === "updated"),
    settings,
    notSupported: gaps,
    warnings,
    ...extra,
  });

  try {
    for (const [index, step] of plan.steps.entries()) {
      const entry = settings[index] as SettingReport;
      if (!step.call) continue;
      const call = step.call;
      try {
        const pabChanged = settings.some(
          (r) => r.setting === "publicAccessBlock" && r.status !== "unchanged",
        );
        await send(s3, call, (err) => settlingError(err, call, created, pabChanged));
      } catch (err) {
        if (step.setting === "bucket" && errorCodeOf(err) === "BucketAlreadyOwnedByYou") {
          // Created meanwhile (or by an earlier run that HeadBucket did not see): converge it.
          return applyPlan(aws, await input.replan(), options);
        }
        if (step.setting === "bucket") throw createBucketError(err, plan.bucket);
        const gap = unsupportedGap(step, err);
        if (!gap) return failed(step, index, stepError(err, step, plan.bucket), err);
        if (options.strict) return failed(step, index, strictError(step, err), err);
        let outcome: Degraded;
        try {
          outcome = await applySupportedParts(s3, plan.bucket, step, err);
        } catch (partErr) {
          return failed(step, index, stepError(partErr, step, plan.bucket), partErr);
        }
        gaps.push(...outcome.gaps);
        entry.status = outcome.status;
        entry.value = outcome.value;
        if (outcome.status === "updated") entry.previous = step.current;
        continue;
      }
      if (step.setting === "bucket") {
        created = true;
        let interrupted: RollbackResult | undefined;
        unregister = options.onInterrupt?.({
          run: async () => {
            interrupted = await rollback();
            options.onInterruptRollback?.({ bucket: plan.bucket, ...interrupted });
          },
          // Until the rollback has decided, deleting the bucket is what is left to do.
          pending: () =>
            interrupted
              ? []
              : [
                  {
                    doing: `deleting the bucket ${plan.bucket} if this run created it and it is still empty`,
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
      entry.status = step.setting === "bucket" || step.change === "create" ? "created" : "updated";
      entry.value = step.desired;
      if (step.change === "update") entry.previous = step.current;
    }
  } finally {
    unregister?.();
  }
  return { report: report() };

  async function failed(
    step: PlanStep,
    index: number,
    mapped: S3kitError,
    cause: unknown,
  ): Promise<CreateOutcome> {
    const entry = settings[index] as SettingReport;
    entry.status = "failed";
    entry.error = { code: mapped.code, message: mapped.message };
    plan.steps.forEach((later, i) => {
      if (i > index && later.call) (settings[i] as SettingReport).status = "not-applied";
    });
    const what = `${settingLabel(step.setting)} (${step.call?.operation})`;
    const reason = /[.!?]$/.test(mapped.message) ? mapped.message : `${mapped.message}.`;
    let message: string;
    let hint = mapped.hint;
    let rolledBack: RollbackResult | undefined;
    if (created) {
      unregister?.();
      unregister = undefined;
      rolledBack = await rollback();
      if (rolledBack.deleted) {
        for (const s of settings) if (s.status === "created") s.status = "rolled-back";
        created = false;
        message = `Setting the ${what} failed: ${reason} The bucket ${plan.bucket} that this run created was deleted again.`;
      } else {
        const applied = settings.filter(
          (s) => s.setting !== "bucket" && (s.status === "created" || s.status === "updated"),
        );
        message = `Setting the ${what} failed: ${reason} The bucket ${plan.bucket} was left in place: ${rolledBack.reason}. Applied to it: ${applied.map((s) => settingLabel(s.setting)).join(", ") || "nothing"}.`;
        hint = `Fix the cause and run the same command again (it converges), or, if nobody else uses the bucket, delete it with \`s3kit bucket delete ${plan.bucket} --yes\`.`;
      }
    } else {
      const applied = settings.filter((s) => s.status === "created" || s.status === "updated");
      const notApplied = settings.filter((s) => s.status === "not-applied");
      message = `Setting the ${what} of the existing bucket ${plan.bucket} failed: ${reason} Applied: ${applied.map((s) => settingLabel(s.setting)).join(", ") || "nothing"}; not applied: ${[settingLabel(step.setting), ...notApplied.map((s) => settingLabel(s.setting))].join(", ")}.`;
    }
    return {
      report: report(rolledBack ? { rollback: rolledBack } : {}),
      error: new S3kitError(
        { code: mapped.code, message, exitCode: mapped.exitCode, ...(hint ? { hint } : {}) },
        { cause },
      ),
    };
  }
}

/**
 * The endpoint's answer means "not supported" for this step: NotImplemented/501 anywhere,
 * or a refused body that s3kit built itself from AWS's schema.
 */
function unsupportedGap(step: PlanStep, err: unknown): boolean {
  if (unsupportedAnswer(err)) return true;
  return !USER_WRITTEN.has(step.setting) && schemaRejection(err);
}

interface Degraded {
  /** created/updated: the parts the endpoint accepts were written; unchanged: they were there. */
  status: "created" | "updated" | "unchanged" | "unsupported";
  value: unknown;
  gaps: NotSupported[];
}

/**
 * After the endpoint refused a step: for a policy or lifecycle configuration, writes
 * s3kit's parts one at a time on top of the parts s3kit does not manage, keeping those
 * the endpoint accepts; for any other setting there is nothing smaller to try.
 */
async function applySupportedParts(
  s3: S3Client,
  bucket: string,
  step: PlanStep,
  refusal: unknown,
): Promise<Degraded> {
  const call = step.call as ApiCall;
  const parts = step.parts ?? [];
  const evidence = describeAnswer(refusal, call.operation);
  if (parts.length === 0 || unsupportedAnswer(refusal)) {
    return {
      status: "unsupported",
      value: step.current,
      gaps:
        parts.length > 0
          ? parts.map((p) => partNotSupported(p, evidence))
          : [notSupported(step.setting as Exclude<typeof step.setting, "bucket">, evidence)],
    };
  }
  const accepted: SettingPart[] = [];
  const gaps: NotSupported[] = [];
  const tried = new Set([JSON.stringify(call)]);
  // What the endpoint holds now: a refused write changes nothing.
  let onEndpoint: unknown = step.current;
  for (const part of parts) {
    const attempt = withParts(bucket, step, [...accepted, part]);
    if (sameValue(step, attempt.desired, step.current)) {
      accepted.push(part); // already there, so the endpoint supports it
      continue;
    }
    const key = JSON.stringify(attempt.call);
    if (tried.has(key)) {
      gaps.push(partNotSupported(part, evidence));
      continue;
    }
    tried.add(key);
    try {
      await send(s3, attempt.call);
      accepted.push(part);
      onEndpoint = attempt.desired;
    } catch (err) {
      if (!unsupportedGap(step, err)) throw err;
      gaps.push(partNotSupported(part, describeAnswer(err, attempt.call.operation)));
    }
  }
  // Without the refused parts, the rest must still be right (a public-read statement that
  // this run removes, for one). When no part of s3kit's was accepted, the parts s3kit does
  // not manage are written even if unchanged: if the endpoint refuses those too, the fault
  // lies in them (a principal that no longer exists, say), not in what the endpoint
  // supports, and the step fails with that answer.
  const final = withParts(bucket, step, accepted);
  const proveRest = accepted.length === 0 && final.desired !== null;
  if (proveRest || !sameValue(step, final.desired, onEndpoint)) await send(s3, final.call);
  const changed = !sameValue(step, final.desired, step.current);
  return {
    status: changed
      ? step.change === "create"
        ? "created"
        : "updated"
      : accepted.length > 0
        ? "unchanged"
        : "unsupported",
    value: final.desired,
    gaps,
  };
}

function sameValue(step: PlanStep, a: unknown, b: unknown): boolean {
  if (step.setting === "policy")
    return samePolicy(a as PolicyDocument | null, b as PolicyDocument | null);
  return sameLifecycle(a as LifecycleRule[] | null, b as LifecycleRule[] | null);
}

function strictError(step: PlanStep, err: unknown): S3kitError {
  const evidence = describeAnswer(err, step.call?.operation ?? "");
  return new S3kitError(
    {
      code: "NotSupportedByEndpoint",
      message: `The endpoint does not support it (${evidence}), and --strict makes that an error.`,
      hint: "Without --strict, s3kit applies what the endpoint supports and reports each setting it does not, with what that means for safety.",
      exitCode: ExitCode.conflict,
    },
    { cause: err },
  );
}

export function strictBeforeWriting(plan: BucketPlan, known: NotSupported[]): S3kitError {
  const list = known.map((g) => `${g.label} (${g.evidence})`).join("; ");
  return new S3kitError({
    code: "NotSupportedByEndpoint",
    message: `The endpoint does not support: ${list}. --strict makes that an error; nothing was changed${plan.exists ? ` on ${plan.bucket}` : ""}.`,
    hint: "Without --strict, s3kit applies what the endpoint supports and reports each setting it does not, with what that means for safety.",
    exitCode: ExitCode.conflict,
  });
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
  const code = errorCodeOf(err);
  if (code === "OperationAborted") return true;
  if (code === "NoSuchBucket" && bucketJustCreated) return true;
  return (
    code === "AccessDenied" && call.operation === "PutBucketPolicy" && publicAccessBlockJustChanged
  );
}

export function nameTaken(bucket: string): ConflictError {
  return new ConflictError(
    `The bucket name "${bucket}" is taken by another AWS account (bucket names are global).`,
    "Choose another name, or let s3kit make a unique one: --generate-name --env ENV --project PROJECT.",
    "BucketAlreadyExists",
  );
}

function createBucketError(err: unknown, bucket: string): S3kitError {
  if (errorCodeOf(err) === "BucketAlreadyExists") return nameTaken(bucket);
  return mapAwsError(err, { bucket, operation: "CreateBucket" });
}

/** An SDK error of a step, with a hint that fits the step. */
function stepError(err: unknown, step: PlanStep, bucket: string): S3kitError {
  const mapped = mapAwsError(err, { bucket, operation: step.call?.operation });
  if (errorCodeOf(err) === "InvalidTargetBucketForLogging") {
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
