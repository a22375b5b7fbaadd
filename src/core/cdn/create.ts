// `cdn create`: read what is there (bucket, its policy, s3kit's distribution and origin access
// control), plan the three steps (origin access control, distribution, bucket policy
// statement), and unless it is a dry run carry them out. What this run created is removed
// again if a later step fails; what existed is only ever updated, never deleted.
import { randomUUID } from "node:crypto";
import {
  CreateDistributionWithTagsCommand,
  CreateOriginAccessControlCommand,
  type DistributionConfig,
  GetOriginAccessControlCommand,
  type OriginAccessControlConfig,
  UpdateDistributionCommand,
  UpdateOriginAccessControlCommand,
} from "@aws-sdk/client-cloudfront";
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { mapAwsError } from "../../aws/errors.js";
import { awsCliCommand } from "../aws-cli-command.js";
import { readBucketState } from "../buckets/read.js";
import { type BucketState, type PolicyDocument, samePolicy } from "../buckets/state.js";
import type { RegisterCleanup } from "../cleanup.js";
import { ExitCode, InterruptedError, S3kitError } from "../errors.js";
import { requireBucket } from "../s3/head-bucket.js";
import { checkCertificate } from "./certificate.js";
import {
  convergedConfig,
  managedSettings,
  newDistributionConfig,
  SETTING_LABELS,
  type SettingChange,
  settingChanges,
} from "./config.js";
import { cloudFrontError } from "./errors.js";
import {
  BUCKET_TAG,
  CUSTOM_DOMAIN_VARIABLE,
  MANAGED_BY_TAG,
  oacDescription,
  oacName,
} from "./names.js";
import {
  distributionConfig,
  distributionsInFront,
  type FrontDistribution,
  listOriginAccessControls,
} from "./read.js";
import { removeCreatedDistribution } from "./remove.js";
import type { CdnSpec } from "./spec.js";
import { cloudFrontGrants, cloudFrontReadStatement, withCloudFrontStatement } from "./statement.js";

export type CdnResource = "originAccessControl" | "distribution" | "bucketPolicy";

export type CdnStepStatus =
  | "create"
  | "update"
  | "unchanged"
  | "created"
  | "updated"
  | "failed"
  | "not-applied"
  | "rolled-back";

export interface CdnStep {
  resource: CdnResource;
  status: CdnStepStatus;
  /** What changes (or, unchanged, what is there), one line each. */
  details: string[];
  /** Dry run: the API call that would be made. */
  call?: { operation: string; input: Record<string, unknown> };
  error?: { code: string; message: string };
}

export interface CdnDistributionInfo {
  id: string | null;
  arn: string | null;
  domainName: string | null;
  status: string | null;
  aliases: string[];
}

export interface CdnCreateReport {
  bucket: string;
  region: string;
  prefix: string;
  dryRun: boolean;
  /** This run created the distribution (and it still exists). */
  created: boolean;
  changed: boolean;
  distribution: CdnDistributionInfo;
  originAccessControl: { id: string | null; name: string };
  /** Where the objects are served: `https://DOMAIN/` (the custom domain when there is one). */
  url: string | null;
  /** What the app sets to build file URLs on the CDN (django-storages' name). */
  env: Record<string, string>;
  steps: CdnStep[];
  warnings: string[];
}

export interface CdnCreateOutcome {
  report: CdnCreateReport;
  error?: S3kitError;
}

export interface CdnCreateOptions {
  dryRun: boolean;
  /** How long a rollback waits for CloudFront to deploy the disabled distribution before deleting it. */
  rollbackTimeoutMs: number;
  pollMs: number;
  /** Called while a rollback waits for CloudFront. */
  onPoll?: (elapsedMs: number) => void;
  signal?: AbortSignal;
  /** Registers cleanup for Ctrl-C (returns an unregister function). */
  onInterrupt?: RegisterCleanup;
}

const NEW_OAC = "<id of the new origin access control>";
const NEW_DISTRIBUTION_ARN = "<ARN of the new distribution>";

interface Plan {
  spec: CdnSpec;
  region: string;
  oac: {
    id: string | null;
    name: string;
    step: CdnStep;
    input: { OriginAccessControlConfig: OriginAccessControlConfig };
  };
  distribution: {
    existing: FrontDistribution | undefined;
    etag: string;
    config: DistributionConfig;
    changes: SettingChange[];
    step: CdnStep;
  };
  policy: { current: PolicyDocument | null; step: CdnStep };
  warnings: string[];
}

export async function createCdn(
  aws: Aws,
  spec: CdnSpec,
  options: CdnCreateOptions,
): Promise<CdnCreateOutcome> {
  const region = await requireBucket(aws, spec.bucket);
  const warnings: string[] = [];
  if (spec.certificateArn) {
    const check = await checkCertificate(aws, spec.certificateArn, spec.domains);
    if (check.warning) warnings.push(check.warning);
  }
  const state = await readBucketState(aws, spec.bucket, region);
  if (state.unreadable.policy) {
    throw new S3kitError({
      code: "CannotReadBucketPolicy",
      message: `Cannot read the bucket policy of ${spec.bucket} (${state.unreadable.policy}), so s3kit cannot add the CloudFront statement without losing the others. Nothing was changed.`,
      hint: `Use credentials that may read and write the bucket policy (s3:GetBucketPolicy, s3:PutBucketPolicy); \`s3kit policy debug --bucket ${spec.bucket}\` explains.`,
      exitCode: ExitCode.accessDenied,
    });
  }
  warnings.push(...bucketWarnings(state, spec));
  const plan = await makePlan(aws, spec, region, state.policy, warnings);
  if (options.dryRun) return { report: report(plan, true, false) };
  return execute(aws, plan, options);
}

async function makePlan(
  aws: Aws,
  spec: CdnSpec,
  region: string,
  policy: PolicyDocument | null,
  warnings: string[],
): Promise<Plan> {
  const [front, oacs] = await Promise.all([
    distributionsInFront(aws, spec.bucket),
    listOriginAccessControls(aws),
  ]);
  const ours = front.filter((d) => d.managedByS3kit);
  if (ours.length > 1) {
    warnings.push(
      `${ours.length} distributions carry s3kit's tags for ${spec.bucket} (${ours.map((d) => d.id).join(", ")}); s3kit converges ${ours[0]?.id} and leaves the others alone.`,
    );
  }
  const existing = ours[0];
  for (const other of front.filter((d) => !d.managedByS3kit)) {
    warnings.push(
      `distribution ${other.id} (${other.domainName}), which s3kit did not make, is in front of ${spec.bucket} too; it is left as it is.`,
    );
  }

  const name = oacName(spec.bucket);
  const oacConfig: OriginAccessControlConfig = {
    Name: name,
    Description: oacDescription(spec.bucket),
    SigningProtocol: "sigv4",
    SigningBehavior: "always",
    OriginAccessControlOriginType: "s3",
  };
  const foundOac = oacs.find((o) => o.Name === name);
  const oacDetails = ["SigV4, always sign, origin type s3"];
  const oacStep: CdnStep = !foundOac
    ? {
        resource: "originAccessControl",
        status: "create",
        details: [`${name}: ${oacDetails[0]}`],
        call: {
          operation: "CreateOriginAccessControl",
          input: { OriginAccessControlConfig: oacConfig },
        },
      }
    : foundOac.SigningBehavior !== "always" ||
        foundOac.SigningProtocol !== "sigv4" ||
        foundOac.OriginAccessControlOriginType !== "s3"
      ? {
          resource: "originAccessControl",
          status: "update",
          details: [
            `${name} (${foundOac.Id}): ${foundOac.SigningProtocol}, ${foundOac.SigningBehavior} → ${oacDetails[0]}`,
          ],
          call: {
            operation: "UpdateOriginAccessControl",
            input: { Id: foundOac.Id, OriginAccessControlConfig: oacConfig },
          },
        }
      : {
          resource: "originAccessControl",
          status: "unchanged",
          details: [`${name} (${foundOac.Id}): ${oacDetails[0]}`],
        };
  const oacId = foundOac?.Id ?? NEW_OAC;

  let distribution: Plan["distribution"];
  if (!existing) {
    const config = newDistributionConfig(spec, oacId, `s3kit-${randomUUID()}`);
    distribution = {
      existing: undefined,
      etag: "",
      config,
      changes: [],
      step: {
        resource: "distribution",
        status: "create",
        details: describeSettings(config),
        call: {
          operation: "CreateDistributionWithTags",
          input: {
            DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: tags(spec) } },
          },
        },
      },
    };
  } else {
    const { config: current, etag } = await distributionConfig(aws, existing.id);
    const config = convergedConfig(current, spec, oacId);
    const changes = settingChanges(current, config);
    distribution = {
      existing,
      etag,
      config,
      changes,
      step:
        changes.length > 0
          ? {
              resource: "distribution",
              status: "update",
              details: changes.map(
                (c) => `${SETTING_LABELS[c.setting]}: ${show(c.from)} → ${show(c.to)}`,
              ),
              call: {
                operation: "UpdateDistribution",
                input: { Id: existing.id, IfMatch: etag, DistributionConfig: config },
              },
            }
          : {
              resource: "distribution",
              status: "unchanged",
              details: [`${existing.id} (${existing.domainName})`],
            },
    };
  }

  const arn = existing?.arn ?? NEW_DISTRIBUTION_ARN;
  const desired = withCloudFrontStatement(
    policy,
    cloudFrontReadStatement(spec.bucket, region, spec.prefix, arn),
  );
  const policyStep: CdnStep = samePolicy(policy, desired)
    ? { resource: "bucketPolicy", status: "unchanged", details: [policyLine(spec, arn)] }
    : {
        resource: "bucketPolicy",
        status: policy ? "update" : "create",
        details: [policyLine(spec, arn)],
        call: {
          operation: "PutBucketPolicy",
          input: { Bucket: spec.bucket, Policy: JSON.stringify(desired) },
        },
      };

  return {
    spec,
    region,
    oac: {
      id: foundOac?.Id ?? null,
      name,
      step: oacStep,
      input: { OriginAccessControlConfig: oacConfig },
    },
    distribution,
    policy: { current: policy, step: policyStep },
    warnings,
  };
}

function policyLine(spec: CdnSpec, arn: string): string {
  return `statement S3kitCloudFrontRead: ${arn} may s3:GetObject on ${spec.prefix ? `${spec.prefix}*` : "every object"}`;
}

function tags(spec: CdnSpec): { Key: string; Value: string }[] {
  return [{ ...MANAGED_BY_TAG }, { Key: BUCKET_TAG, Value: spec.bucket }];
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.join(", ");
  if (value === null || value === undefined || value === "") return "(none)";
  return String(value);
}

function describeSettings(config: DistributionConfig): string[] {
  const s = managedSettings(config);
  return (Object.keys(SETTING_LABELS) as (keyof typeof s)[]).map(
    (k) => `${SETTING_LABELS[k]}: ${show(s[k])}`,
  );
}

function bucketWarnings(state: BucketState, spec: CdnSpec): string[] {
  const warnings: string[] = [];
  const pab = state.publicAccessBlock;
  if (!state.unreadable.publicAccessBlock && (!pab || !Object.values(pab).every(Boolean))) {
    warnings.push(
      `Block Public Access is not fully on for ${spec.bucket}: CloudFront with origin access control does not need it off; \`s3kit bucket create ${spec.bucket}\` turns it on.`,
    );
  }
  const grants = cloudFrontGrants(state.policy);
  const publicStatements = (state.policy?.Statement ?? []).filter(
    (s) =>
      s.Effect === "Allow" &&
      (s.Principal === "*" ||
        [(s.Principal as { AWS?: unknown } | undefined)?.AWS].flat().includes("*")),
  );
  if (publicStatements.length > 0) {
    warnings.push(
      `the bucket policy still lets anyone read (${publicStatements.map((s) => s.Sid ?? "a statement without Sid").join(", ")}): objects stay reachable without CloudFront. Remove it (\`s3kit bucket create ${spec.bucket}\` without --public-read) to serve them only through the CDN.`,
    );
  }
  const foreign = grants.filter((g) => g.statement !== "S3kitCloudFrontRead");
  if (foreign.length > 0) {
    warnings.push(
      `the bucket policy already lets CloudFront read through ${foreign.map((g) => g.statement).join(", ")}; s3kit adds its own statement and leaves those as they are.`,
    );
  }
  if (state.encryption?.algorithm.startsWith("aws:kms") && state.encryption.kmsKeyId) {
    warnings.push(
      `${spec.bucket} encrypts objects with SSE-KMS (${state.encryption.kmsKeyId}): CloudFront can read them only if the key policy allows it. Add a statement allowing {"Service": "cloudfront.amazonaws.com"} kms:Decrypt with the condition StringEquals AWS:SourceArn = the distribution's ARN.`,
    );
  }
  return warnings;
}

function report(plan: Plan, dryRun: boolean, created: boolean, live?: LiveState): CdnCreateReport {
  const d = plan.distribution;
  const id = live?.distributionId ?? d.existing?.id ?? null;
  const domainName = live?.domainName ?? d.existing?.domainName ?? null;
  const aliases = [...(d.config.Aliases?.Items ?? [])];
  const host = aliases.find((a) => !a.startsWith("*.")) ?? domainName;
  const steps = [plan.oac.step, d.step, plan.policy.step];
  return {
    bucket: plan.spec.bucket,
    region: plan.region,
    prefix: plan.spec.prefix,
    dryRun,
    created,
    changed: steps.some((s) => s.status !== "unchanged"),
    distribution: {
      id,
      arn: live?.distributionArn ?? d.existing?.arn ?? null,
      domainName,
      status: live?.status ?? d.existing?.status ?? null,
      aliases,
    },
    originAccessControl: { id: live?.oacId ?? plan.oac.id, name: plan.oac.name },
    url: host ? `https://${host}/${plan.spec.prefix}` : null,
    env: host ? { [CUSTOM_DOMAIN_VARIABLE]: host } : {},
    steps,
    warnings: plan.warnings,
  };
}

interface LiveState {
  oacId: string | null;
  distributionId: string | null;
  distributionArn: string | null;
  domainName: string | null;
  status: string | null;
}

async function execute(aws: Aws, plan: Plan, options: CdnCreateOptions): Promise<CdnCreateOutcome> {
  const cf = await aws.cloudfront();
  const s3 = await aws.s3();
  const { spec } = plan;
  const live: LiveState = {
    oacId: plan.oac.id,
    distributionId: plan.distribution.existing?.id ?? null,
    distributionArn: plan.distribution.existing?.arn ?? null,
    domainName: plan.distribution.existing?.domainName ?? null,
    status: plan.distribution.existing?.status ?? null,
  };
  // What this run created, with the ETags a deletion needs.
  const created: {
    oac?: { id: string; etag: string };
    distribution?: { id: string; etag: string };
  } = {};
  let unregister: (() => void) | undefined;
  const registerCleanup = () => {
    unregister?.();
    unregister = options.onInterrupt?.({
      // No waiting here: a distribution still deploying is left disabled, and named below.
      run: async () => {
        await rollback({ ...options, rollbackTimeoutMs: 0 });
      },
      pending: () => {
        if (created.distribution) {
          return [
            {
              doing: `deleting the CloudFront distribution ${created.distribution.id} (and the origin access control) that this run created`,
              command: `s3kit cdn delete ${spec.bucket} --region ${aws.region} --yes`,
            },
          ];
        }
        if (created.oac) {
          return [
            {
              doing: `deleting the origin access control ${created.oac.id} that this run created`,
              command: awsCliCommand(aws, "cloudfront", [
                "cloudfront",
                "delete-origin-access-control",
                "--id",
                created.oac.id,
                "--if-match",
                created.oac.etag,
              ]),
            },
          ];
        }
        return [];
      },
    });
  };

  /** Removes what this run created; returns what could not be removed, in words (or undefined). */
  const rollback = async (opts: {
    rollbackTimeoutMs: number;
    pollMs: number;
    signal?: AbortSignal;
    onPoll?: (elapsedMs: number) => void;
  }) => removeCreatedDistribution(aws, spec.bucket, created, opts);
  // After Ctrl-C the interrupt cleanup removes what was created; no further step may start.
  const stopIfInterrupted = () => {
    if (options.signal?.aborted) throw new InterruptedError();
  };

  const steps = [plan.oac.step, plan.distribution.step, plan.policy.step];
  let current: CdnStep | undefined;
  try {
    current = plan.oac.step;
    if (plan.oac.step.status === "create") {
      const out = await cf.send(new CreateOriginAccessControlCommand(plan.oac.input));
      live.oacId = out.OriginAccessControl?.Id ?? null;
      created.oac = { id: live.oacId ?? "", etag: out.ETag ?? "" };
      registerCleanup();
      plan.oac.step.status = "created";
    } else if (plan.oac.step.status === "update" && plan.oac.id) {
      const { ETag } = await cf.send(new GetOriginAccessControlCommand({ Id: plan.oac.id }));
      await cf.send(
        new UpdateOriginAccessControlCommand({
          Id: plan.oac.id,
          IfMatch: ETag,
          ...plan.oac.input,
        }),
      );
      plan.oac.step.status = "updated";
    }
    const oacId = live.oacId ?? "";

    stopIfInterrupted();
    current = plan.distribution.step;
    const d = plan.distribution;
    if (d.step.status === "create") {
      const config = newDistributionConfig(spec, oacId, d.config.CallerReference as string);
      const out = await cf.send(
        new CreateDistributionWithTagsCommand({
          DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: tags(spec) } },
        }),
      );
      const dist = out.Distribution;
      live.distributionId = dist?.Id ?? null;
      live.distributionArn = dist?.ARN ?? null;
      live.domainName = dist?.DomainName ?? null;
      live.status = dist?.Status ?? null;
      created.distribution = { id: dist?.Id ?? "", etag: out.ETag ?? "" };
      registerCleanup();
      d.config = config;
      d.step.status = "created";
      d.step.details = describeSettings(config);
    } else if (d.step.status === "update" && d.existing) {
      // The ETag is the planned one: if the distribution changed since, CloudFront refuses
      // (PreconditionFailed) rather than s3kit overwriting a change it did not plan for.
      const config = convergedConfig(
        (await distributionConfig(aws, d.existing.id)).config,
        spec,
        oacId,
      );
      const out = await cf.send(
        new UpdateDistributionCommand({
          Id: d.existing.id,
          IfMatch: d.etag,
          DistributionConfig: config,
        }),
      );
      live.status = out.Distribution?.Status ?? live.status;
      d.step.status = "updated";
    }

    stopIfInterrupted();
    current = plan.policy.step;
    if (plan.policy.step.call) {
      const desired = withCloudFrontStatement(
        plan.policy.current,
        cloudFrontReadStatement(spec.bucket, plan.region, spec.prefix, live.distributionArn ?? ""),
      );
      plan.policy.step.details = [policyLine(spec, live.distributionArn ?? "")];
      await s3.send(
        new PutBucketPolicyCommand({ Bucket: spec.bucket, Policy: JSON.stringify(desired) }),
      );
      plan.policy.step.status = plan.policy.step.status === "create" ? "created" : "updated";
    }
    unregister?.();
    return { report: report(plan, false, created.distribution !== undefined, live) };
  } catch (err) {
    unregister?.();
    if (err instanceof InterruptedError) throw err;
    const step = current as CdnStep;
    const mapped =
      step.resource === "bucketPolicy"
        ? mapAwsError(err, { bucket: spec.bucket, operation: "PutBucketPolicy" })
        : cloudFrontError(err, step.call?.operation ?? "");
    step.status = "failed";
    step.error = { code: mapped.code, message: mapped.message };
    for (const later of steps.slice(steps.indexOf(step) + 1)) {
      if (later.status !== "unchanged") later.status = "not-applied";
    }
    const what = `${RESOURCE_LABELS[step.resource]} (${step.call?.operation})`;
    const reason = /[.!?]$/.test(mapped.message) ? mapped.message : `${mapped.message}.`;
    let message = `${capitalize(what)} failed: ${reason}`;
    let hint = mapped.hint;
    if (created.oac || created.distribution) {
      const removed = [
        created.distribution ? `distribution ${created.distribution.id}` : "",
        created.oac ? `origin access control ${created.oac.id}` : "",
      ].filter(Boolean);
      const left = await rollback(options);
      if (left === undefined) {
        for (const s of steps) if (s.status === "created") s.status = "rolled-back";
        message += ` The ${removed.join(" and the ")} that this run created ${removed.length > 1 ? "were" : "was"} deleted again.`;
        if (created.distribution) {
          live.distributionId = null;
          live.distributionArn = null;
          live.domainName = null;
          live.status = null;
        }
        if (created.oac) live.oacId = null;
        created.distribution = undefined;
        created.oac = undefined;
      } else {
        message += ` Removing what this run created did not finish: ${left}`;
        hint = `Finish with \`s3kit cdn delete ${spec.bucket} --yes\` once the cause is fixed, or run \`s3kit cdn create\` again to complete the setup.`;
      }
    } else {
      const applied = steps.filter((s) => s.status === "created" || s.status === "updated");
      message += ` Applied: ${applied.map((s) => RESOURCE_LABELS[s.resource]).join(", ") || "nothing"}; not applied: ${steps
        .filter((s) => s.status === "failed" || s.status === "not-applied")
        .map((s) => RESOURCE_LABELS[s.resource])
        .join(", ")}.`;
    }
    return {
      report: report(plan, false, created.distribution !== undefined, live),
      error: new S3kitError(
        { code: mapped.code, message, exitCode: mapped.exitCode, ...(hint ? { hint } : {}) },
        { cause: err },
      ),
    };
  }
}

export const RESOURCE_LABELS: Record<CdnResource, string> = {
  originAccessControl: "origin access control",
  distribution: "distribution",
  bucketPolicy: "bucket policy",
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
