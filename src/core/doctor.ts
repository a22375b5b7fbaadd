import {
  GetBucketEncryptionCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import type { Aws } from "../aws/clients.js";
import {
  describeAnswer,
  httpStatusOf,
  mapAwsError,
  regionFromError,
  unsupportedAnswer,
} from "../aws/errors.js";
import { probeEndpoint } from "../aws/probe.js";
import { notSupported } from "./buckets/support.js";
import { checkCredentials } from "./credential-check.js";
import { developerAccessChecks, developerBucketCheck } from "./doctor-access.js";
import { ExitCode } from "./errors.js";
import { isRootArn } from "./identity.js";
import type { AccessLevel } from "./policy/templates.js";

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
}

export interface DoctorReport {
  ok: boolean;
  /** The endpoint rejected the credentials (a wrong secret, an unknown key): exit 4, not 6. */
  credentialsRejected: boolean;
  checks: Check[];
}

// SigV4 signatures are valid for 15 minutes either way, but S3 rejects skew over 5.
const MAX_SKEW_SECONDS = 300;
const WARN_SKEW_SECONDS = 60;

export interface DoctorOptions {
  bucket?: string;
  /**
   * A developer's key: check what it is meant to do under these prefixes ("" is the whole
   * bucket) instead of the bucket's settings, which only an admin may read.
   */
  prefixes?: readonly string[];
  /** What the key is meant to do (--access). */
  access?: AccessLevel;
  /** Where the keys came from (--env-file), and the user the file names, for hints. */
  envFile?: { path: string; userName?: string };
}

/** Runs every check (none stops the others) and reports each one. */
export async function runDoctor(aws: Aws, options: DoctorOptions): Promise<DoctorReport> {
  const checks: Check[] = [];
  const state = { credentialsRejected: false };
  const developer = options.prefixes !== undefined;
  const reachable = await checkEndpoints(aws, checks);
  let proof: CredentialsOutcome = { ok: false };
  if (reachable) {
    proof = await credentialsCheck(aws, checks, options);
    state.credentialsRejected = !proof.ok;
  } else
    checks.push(skip("credentials", "Credentials valid", "skipped: the endpoint is not reachable"));
  const bucket = options.bucket;
  if (bucket && !reachable) {
    checks.push(skip("bucket", `Bucket ${bucket}`, "skipped: the endpoint is not reachable"));
  } else if (bucket && developer && state.credentialsRejected) {
    checks.push(skip("bucket", `Bucket ${bucket}`, "skipped: the endpoint refused the keys"));
  } else if (bucket && developer) {
    if (await developerBucketCheck(aws, bucket, checks)) {
      const userName = proof.userName ?? options.envFile?.userName;
      await developerAccessChecks(
        aws,
        {
          bucket,
          prefixes: options.prefixes?.length ? options.prefixes : [""],
          ...(options.access ? { access: options.access } : {}),
          ...(userName ? { userName } : {}),
          accessKeyId: (await aws.credentials()).accessKeyId,
        },
        checks,
      );
    }
    checks.push(
      skip(
        "bucket-settings",
        "Bucket settings",
        `skipped for a developer's key: reading them needs admin rights (an admin checks them with \`s3kit bucket audit ${bucket}\`)`,
      ),
    );
  } else if (bucket) {
    await checkBucket(aws, bucket, checks);
  }
  return {
    ok: checks.every((c) => c.status !== "fail"),
    credentialsRejected: state.credentialsRejected,
    checks,
  };
}

function skip(id: string, title: string, detail: string): Check {
  return { id, title, status: "skip", detail };
}

async function checkEndpoints(aws: Aws, checks: Check[]): Promise<boolean> {
  const endpoints = [...new Set([aws.endpoint("s3"), aws.endpoint("sts")])];
  let allReachable = true;
  let clockChecked = false;
  for (const endpoint of endpoints) {
    try {
      const probe = await probeEndpoint(endpoint, aws.tlsOptions());
      checks.push({
        id: "endpoint",
        title: "Endpoint reachable",
        status: "pass",
        detail: `${endpoint} (HTTP ${probe.status} in ${probe.latencyMs} ms)`,
      });
      if (!clockChecked && probe.serverDate) {
        checks.push(clockCheck(probe.serverDate, probe.localDate, endpoint));
        clockChecked = true;
      }
    } catch (err) {
      allReachable = false;
      const mapped = mapAwsError(err, { endpoint });
      checks.push({
        id: "endpoint",
        title: "Endpoint reachable",
        status: "fail",
        detail: mapped.message,
        hint: "Is the server running? Check --endpoint-url / AWS_ENDPOINT_URL, the network and any proxy.",
      });
    }
  }
  if (!clockChecked)
    checks.push(skip("clock", "Clock skew", "skipped: no server answered with a Date"));
  return allReachable;
}

export function clockCheck(serverDate: Date, localDate: Date, endpoint: string): Check {
  const skew = Math.round((localDate.getTime() - serverDate.getTime()) / 1000);
  const abs = Math.abs(skew);
  const direction = skew > 0 ? "ahead of" : "behind";
  const detail = abs <= 1 ? `in sync with ${endpoint}` : `${abs} s ${direction} ${endpoint}`;
  if (abs > MAX_SKEW_SECONDS) {
    return {
      id: "clock",
      title: "Clock skew",
      status: "fail",
      detail,
      hint: "Requests signed with a clock off by more than 5 minutes are rejected; sync the clock (NTP).",
    };
  }
  if (abs > WARN_SKEW_SECONDS) {
    return {
      id: "clock",
      title: "Clock skew",
      status: "warn",
      detail,
      hint: "Sync the clock (NTP) before it drifts further.",
    };
  }
  return { id: "clock", title: "Clock skew", status: "pass", detail };
}

interface CredentialsOutcome {
  /** False when the endpoint rejected the credentials. */
  ok: boolean;
  /** The IAM user the keys belong to, when the endpoint said (STS). */
  userName?: string;
}

/** The credential check. */
async function credentialsCheck(
  aws: Aws,
  checks: Check[],
  options: DoctorOptions,
): Promise<CredentialsOutcome> {
  const bucket = options.bucket;
  try {
    const proof = await checkCredentials(aws, {
      ...(bucket ? { bucket } : {}),
      ...(options.prefixes?.[0] ? { prefix: options.prefixes[0] } : {}),
    });
    const { source } = await aws.credentials();
    const detail = proof.identity
      ? `${proof.identity.arn} (from ${source})`
      : `keys from ${source} ${proof.actionDenied ? `signed ${proof.verifiedBy}, which the endpoint checked and then refused` : `accepted for ${proof.verifiedBy}`}; identity not available: ${proof.identityUnavailableReason}`;
    checks.push({ id: "credentials", title: "Credentials valid", status: "pass", detail });
    if (proof.identity && isRootArn(proof.identity.arn)) {
      checks.push({
        id: "root-user",
        title: "Not the root user",
        status: "warn",
        detail: "these are the account's root user credentials",
        hint: "Use an IAM user or role for everyday work and lock the root keys away (or delete them).",
      });
    }
    const userName = proof.identity
      ? /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(proof.identity.arn)?.[1]
      : undefined;
    return userName ? { ok: true, userName } : { ok: true };
  } catch (err) {
    const mapped = mapAwsError(err);
    // Keys the endpoint refused; no keys at all stay a failed check like the others.
    const rejected = mapped.exitCode === ExitCode.accessDenied && mapped.code !== "NoCredentials";
    const file = options.envFile;
    const hint =
      rejected && file
        ? `The keys in ${file.path} were refused: a rotation makes the old key inactive, and the file may hold it. Ask an admin for the current key${file.userName ? ` (\`s3kit iam rotate-key ${file.userName} --out ${file.path}\`)` : ""}.`
        : mapped.hint;
    checks.push({
      id: "credentials",
      title: "Credentials valid",
      status: "fail",
      detail: mapped.message,
      ...(hint ? { hint } : {}),
    });
    return { ok: !rejected };
  }
}

async function checkBucket(aws: Aws, bucket: string, checks: Check[]): Promise<void> {
  const s3 = await aws.s3();
  let bucketRegion: string | undefined;
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    bucketRegion = head.BucketRegion;
    checks.push({ id: "bucket-exists", title: "Bucket exists", status: "pass", detail: bucket });
  } catch (err) {
    const status = httpStatusOf(err);
    const otherRegion = regionFromError(err);
    if (status === 301 || (otherRegion && otherRegion !== aws.region)) {
      checks.push({ id: "bucket-exists", title: "Bucket exists", status: "pass", detail: bucket });
      checks.push(regionMismatch(bucket, otherRegion, aws.region));
      return;
    }
    const mapped = mapAwsError(err, { bucket });
    const detail =
      status === 404
        ? `${bucket} does not exist`
        : status === 403
          ? `${bucket} exists but these credentials may not access it`
          : mapped.message;
    checks.push({
      id: "bucket-exists",
      title: "Bucket exists",
      status: "fail",
      detail,
      hint:
        status === 404
          ? `Check the name, or create it with \`s3kit bucket create ${bucket}\`.`
          : (mapped.hint ?? "Run with --debug for details."),
    });
    return;
  }

  if (bucketRegion && bucketRegion !== aws.region) {
    checks.push(regionMismatch(bucket, bucketRegion, aws.region));
  } else {
    checks.push({
      id: "bucket-region",
      title: "Bucket region",
      status: "pass",
      detail: bucketRegion ?? `${aws.region} (the endpoint did not say)`,
    });
  }

  checks.push(
    await attempt("bucket-list", "Bucket can be listed", bucket, async () => {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
      return (page.KeyCount ?? 0) > 0 ? "listing works (not empty)" : "listing works (empty)";
    }),
  );
  checks.push(await publicAccessCheck(aws, bucket));
  checks.push(await encryptionCheck(aws, bucket));
}

function regionMismatch(bucket: string, actual: string | undefined, configured: string): Check {
  return {
    id: "bucket-region",
    title: "Bucket region",
    status: "fail",
    detail: `${bucket} is in ${actual ?? "another region"}, but s3kit is using ${configured}`,
    hint: actual
      ? `Pass --region ${actual} (or set AWS_REGION=${actual}).`
      : "Pass --region with the bucket's region.",
  };
}

async function attempt(
  id: string,
  title: string,
  bucket: string,
  work: () => Promise<string>,
): Promise<Check> {
  try {
    return { id, title, status: "pass", detail: await work() };
  } catch (err) {
    const mapped = mapAwsError(err, { bucket });
    return {
      id,
      title,
      status: "fail",
      detail: mapped.message,
      ...(mapped.hint ? { hint: mapped.hint } : {}),
    };
  }
}

async function publicAccessCheck(aws: Aws, bucket: string): Promise<Check> {
  const s3 = await aws.s3();
  const title = "Public access blocked";
  try {
    const { PublicAccessBlockConfiguration: c = {} } = await s3.send(
      new GetPublicAccessBlockCommand({ Bucket: bucket }),
    );
    const settings = {
      BlockPublicAcls: c.BlockPublicAcls,
      IgnorePublicAcls: c.IgnorePublicAcls,
      BlockPublicPolicy: c.BlockPublicPolicy,
      RestrictPublicBuckets: c.RestrictPublicBuckets,
    };
    const off = Object.entries(settings)
      .filter(([, on]) => on !== true)
      .map(([k]) => k);
    if (off.length === 0)
      return { id: "public-access-block", title, status: "pass", detail: "all four settings on" };
    return {
      id: "public-access-block",
      title,
      status: "warn",
      detail: `off: ${off.join(", ")}`,
      hint: `Unless the bucket is meant to be public, turn them on; \`s3kit bucket audit ${bucket}\` explains.`,
    };
  } catch (err) {
    const name = (err as Error).name;
    if (unsupportedAnswer(err)) {
      return {
        id: "public-access-block",
        title,
        status: "warn",
        detail: `not supported by this endpoint: ${notSupported("publicAccessBlock", "").meaning}`,
        hint: `${describeAnswer(err, "GetPublicAccessBlock")}.`,
      };
    }
    if (name === "NoSuchPublicAccessBlockConfiguration") {
      return {
        id: "public-access-block",
        title,
        status: "warn",
        detail: "no bucket-level public access block",
        hint: `Turn it on with \`s3kit bucket create ${bucket}\` (converges an existing bucket).`,
      };
    }
    const mapped = mapAwsError(err, { bucket });
    return {
      id: "public-access-block",
      title,
      status: "warn",
      detail: `could not read it: ${mapped.message}`,
    };
  }
}

async function encryptionCheck(aws: Aws, bucket: string): Promise<Check> {
  const s3 = await aws.s3();
  const title = "Default encryption";
  try {
    const out = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const rule =
      out.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    const algorithm = rule?.SSEAlgorithm ?? "unknown";
    const key = rule?.KMSMasterKeyID ? ` with ${rule.KMSMasterKeyID}` : "";
    return { id: "encryption", title, status: "pass", detail: `${algorithm}${key}` };
  } catch (err) {
    const name = (err as Error).name;
    if (unsupportedAnswer(err)) {
      return {
        id: "encryption",
        title,
        status: "warn",
        detail: `not supported by this endpoint: ${notSupported("encryption", "").meaning}`,
        hint: `${describeAnswer(err, "GetBucketEncryption")}.`,
      };
    }
    if (name === "ServerSideEncryptionConfigurationNotFoundError") {
      return {
        id: "encryption",
        title,
        status: "warn",
        detail: "no default encryption configured",
        hint: `Set it with \`s3kit bucket create ${bucket}\` (converges an existing bucket).`,
      };
    }
    const mapped = mapAwsError(err, { bucket });
    return {
      id: "encryption",
      title,
      status: "warn",
      detail: `could not read it: ${mapped.message}`,
    };
  }
}
