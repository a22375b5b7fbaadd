// `doctor` for a developer: what the key is meant to do under its prefix (list, read,
// upload), tried for real with requests that leave nothing behind: a one-key listing, a
// one-byte read of an object the listing found, and an upload started and aborted (a
// multipart upload is authorized as s3:PutObject, and an aborted one leaves no object or
// version, whether the key may delete or not). Every hint names what to ask an admin:
// the developer has no right to read policies.

import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import type { Aws } from "../aws/clients.js";
import {
  httpStatusOf,
  isAccessDenied,
  isNotFound,
  mapAwsError,
  regionFromError,
} from "../aws/errors.js";
import type { Check } from "./doctor.js";
import { maskKeyId } from "./iam/names.js";
import { ACCESS_LEVELS } from "./policy/access-levels.js";
import type { AccessLevel } from "./policy/templates.js";
import { shellQuote } from "./presign/curl-command.js";

export type Operation = "list" | "read" | "upload";

export interface AccessCheckInput {
  bucket: string;
  /** The prefixes the key is meant for ("" is the whole bucket). */
  prefixes: readonly string[];
  /** What the key is meant to do; without it, whatever works is reported as it is. */
  access?: AccessLevel;
  /** Who the key belongs to, when known (STS, or the file), for the admin's command. */
  userName?: string;
  accessKeyId: string;
}

type Outcome =
  | { result: "allowed"; detail: string }
  | { result: "denied"; detail: string }
  | { result: "unknown"; detail: string; hint?: string }
  | { result: "failed"; detail: string; hint?: string };

const ACTION: Record<Operation, string> = {
  list: "s3:ListBucket",
  read: "s3:GetObject",
  upload: "s3:PutObject",
};

/** What the access level grants, by operation. */
export function expectedOperations(level: AccessLevel): Set<Operation> {
  const info = ACCESS_LEVELS[level];
  const all = [...info.listActions, ...info.bucketActions, ...info.objectActions];
  const out = new Set<Operation>();
  if (all.includes("s3:ListBucket")) out.add("list");
  if (all.includes("s3:GetObject")) out.add("read");
  if (all.includes("s3:PutObject")) out.add("upload");
  return out;
}

async function attempt(
  work: () => Promise<string>,
  denied: string,
  bucket: string,
): Promise<Outcome> {
  try {
    return { result: "allowed", detail: await work() };
  } catch (err) {
    if (isAccessDenied(err)) return { result: "denied", detail: denied };
    const mapped = mapAwsError(err, { bucket });
    return {
      result: "failed",
      detail: mapped.message,
      ...(mapped.hint && mapped.exitCode !== 4 ? { hint: mapped.hint } : {}),
    };
  }
}

const where = (prefix: string) => (prefix === "" ? "in the bucket" : `under ${prefix}`);

/** The command an admin runs to see why, or how to find the key's owner without STS. */
function askAdmin(input: AccessCheckInput, op: Operation, key: string): string {
  if (input.userName) {
    const keyFlag = key === "" ? "" : ` --key ${shellQuote(key)}`;
    return `Ask an admin to run \`s3kit policy debug --user ${input.userName} --bucket ${input.bucket} --action ${ACTION[op]}${keyFlag}\` (it needs IAM read rights this key does not have).`;
  }
  return `Ask an admin to check the grant of the key ${maskKeyId(input.accessKeyId)}: \`s3kit iam list-devs --bucket ${input.bucket}\` shows each developer's keys, access and prefix.`;
}

/** Whether the bucket is there; a 403 proves that it is (this key may not look at it as a whole). */
export async function developerBucketCheck(
  aws: Aws,
  bucket: string,
  checks: Check[],
): Promise<boolean> {
  const s3 = await aws.s3();
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    checks.push({ id: "bucket-exists", title: "Bucket exists", status: "pass", detail: bucket });
    return true;
  } catch (err) {
    const status = httpStatusOf(err);
    const region = regionFromError(err);
    if (status === 301 || (region && region !== aws.region)) {
      checks.push({
        id: "bucket-region",
        title: "Bucket region",
        status: "fail",
        detail: `${bucket} is in ${region ?? "another region"}, but the keys are used with ${aws.region}`,
        hint: region
          ? `Set the app's region to ${region} (in the env file), or ask the admin who made it.`
          : "Ask an admin which region the bucket is in.",
      });
      return false;
    }
    if (status === 403) {
      checks.push({
        id: "bucket-exists",
        title: "Bucket exists",
        status: "pass",
        detail: `${bucket} (this key may not look at the bucket as a whole, as a key limited to a prefix should not)`,
      });
      return true;
    }
    if (status === 404) {
      checks.push({
        id: "bucket-exists",
        title: "Bucket exists",
        status: "fail",
        detail: `${bucket} does not exist`,
        hint: "Check the bucket name in the env file; ask the admin who gave you the keys which bucket is yours.",
      });
      return false;
    }
    const mapped = mapAwsError(err, { bucket });
    checks.push({
      id: "bucket-exists",
      title: "Bucket exists",
      status: "fail",
      detail: mapped.message,
      ...(mapped.hint && mapped.exitCode !== 4 ? { hint: mapped.hint } : {}),
    });
    return false;
  }
}

/** List, read and upload under each prefix, one check each. */
export async function developerAccessChecks(
  aws: Aws,
  input: AccessCheckInput,
  checks: Check[],
): Promise<void> {
  const s3 = await aws.s3();
  const { bucket } = input;
  const found: { op: Operation; prefix: string; outcome: Outcome; key: string }[] = [];
  for (const prefix of input.prefixes) {
    const probe = `${prefix}.s3kit-doctor-${randomBytes(4).toString("hex")}`;
    let sample: string | undefined;
    const list = await attempt(
      async () => {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }),
        );
        sample = page.Contents?.find((o) => o.Key && !o.Key.endsWith("/"))?.Key;
        return `listing works ${where(prefix)} (${sample ? "not empty" : "empty"})`;
      },
      `listing ${where(prefix)} is denied`,
      bucket,
    );
    found.push({ op: "list", prefix, outcome: list, key: prefix });

    const upload = await attempt(
      async () => {
        const started = await s3.send(
          new CreateMultipartUploadCommand({ Bucket: bucket, Key: probe }),
        );
        try {
          await s3.send(
            new AbortMultipartUploadCommand({
              Bucket: bucket,
              Key: probe,
              UploadId: started.UploadId,
            }),
          );
        } catch {
          return `uploading works ${where(prefix)} (the probe upload ${probe} could not be aborted; the bucket's lifecycle rule removes it after 7 days)`;
        }
        return `uploading works ${where(prefix)} (a probe upload to ${probe}, aborted: nothing was left behind)`;
      },
      `uploading ${where(prefix)} is denied`,
      bucket,
    );
    found.push({ op: "upload", prefix, outcome: upload, key: probe });

    const readKey = sample ?? probe;
    let read: Outcome;
    try {
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: readKey, Range: "bytes=0-0" }));
      read = { result: "allowed", detail: `reading works ${where(prefix)} (${readKey})` };
    } catch (err) {
      if (sample === undefined && isNotFound(err)) {
        read = {
          result: "allowed",
          detail: `reading is allowed ${where(prefix)} (nothing to read yet: the endpoint answered "no such key", which it tells only those who may read)`,
        };
      } else if (isAccessDenied(err) && sample === undefined) {
        // S3 answers a missing key with AccessDenied to whoever may not list it: no proof either way.
        read = {
          result: "unknown",
          detail: `not proven: there is nothing ${where(prefix)} to read, and the endpoint answered a missing key with "access denied"`,
          hint: `Upload a file ${where(prefix)} and run doctor again.`,
        };
      } else if (isAccessDenied(err)) {
        read = { result: "denied", detail: `reading ${readKey} is denied` };
      } else {
        const mapped = mapAwsError(err, { bucket });
        read = { result: "failed", detail: mapped.message };
      }
    }
    found.push({ op: "read", prefix, outcome: read, key: readKey });
  }

  const expected = input.access ? expectedOperations(input.access) : undefined;
  const works = found.some((f) => f.outcome.result === "allowed");
  const title: Record<Operation, string> = { list: "List", read: "Read", upload: "Upload" };
  for (const { op, prefix, outcome, key } of found) {
    const check: Check = {
      id: `access-${op}`,
      title: `${title[op]} ${prefix === "" ? "(whole bucket)" : prefix}`,
      status: "pass",
      detail: outcome.detail,
    };
    if (outcome.result === "unknown" && expected && !expected.has(op)) {
      check.detail = `${outcome.detail}; ${input.access} access does not include it`;
    } else if (outcome.result === "failed" || outcome.result === "unknown") {
      check.status = outcome.result === "failed" ? "fail" : "warn";
      if (outcome.hint) check.hint = outcome.hint;
    } else if (outcome.result === "denied") {
      if (expected && !expected.has(op)) {
        check.detail = `${outcome.detail}, as ${input.access} access should be`;
      } else {
        // Meant to work (or nothing works at all): a failure; otherwise the developer sees it.
        check.status = expected || !works ? "fail" : "warn";
        check.hint = askAdmin(input, op, key);
      }
    } else if (expected && !expected.has(op)) {
      check.status = "warn";
      check.detail = `${outcome.detail}, though ${input.access} access does not include it`;
      check.hint = `The key may do more than asked: ${askAdmin(input, op, key)}`;
    }
    checks.push(check);
  }
}
