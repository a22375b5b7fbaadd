// `policy debug --probe`: safe real requests with the principal's own credentials, so
// the evaluation can be compared with what S3 actually does. Reads only, unless
// --probe-write: then one small object is put and deleted again.

import { randomBytes } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { Aws } from "../../aws/clients.js";
import { errorCodeOf, httpStatusOf, mapAwsError } from "../../aws/errors.js";
import type { ConnectionOptions } from "../../aws/settings.js";
import type { ProbeCredentials } from "./probe-credentials.js";

export type ProbeOperation =
  | "HeadBucket"
  | "ListObjectsV2"
  | "GetObject"
  | "PutObject"
  | "DeleteObject";

export interface ProbeStep {
  operation: ProbeOperation;
  /** The IAM action the request needs. */
  action: string;
  outcome: "allowed" | "denied" | "error" | "skipped";
  detail: string;
}

export interface ProbeReport {
  /** Who the probe ran as (STS GetCallerIdentity with the probe credentials). */
  identity: string;
  steps: ProbeStep[];
}

const ACTION: Record<ProbeOperation, string> = {
  HeadBucket: "s3:ListBucket",
  ListObjectsV2: "s3:ListBucket",
  GetObject: "s3:GetObject",
  PutObject: "s3:PutObject",
  DeleteObject: "s3:DeleteObject",
};

function folderOf(key: string | undefined): string {
  if (!key) return "";
  const slash = key.lastIndexOf("/");
  return slash >= 0 ? key.slice(0, slash + 1) : "";
}

async function attempt(
  operation: ProbeOperation,
  work: () => Promise<string>,
  bucket: string,
): Promise<ProbeStep> {
  try {
    return { operation, action: ACTION[operation], outcome: "allowed", detail: await work() };
  } catch (err) {
    const code = errorCodeOf(err);
    const status = httpStatusOf(err);
    if (operation === "GetObject" && (code === "NoSuchKey" || status === 404)) {
      // Without s3:ListBucket a missing key is a 403; a 404 means reading is allowed.
      return {
        operation,
        action: ACTION[operation],
        outcome: "allowed",
        detail: "allowed; the key does not exist",
      };
    }
    if (status === 403 || code === "AccessDenied" || code === "Forbidden") {
      return { operation, action: ACTION[operation], outcome: "denied", detail: "AccessDenied" };
    }
    const mapped = mapAwsError(err, { bucket });
    return {
      operation,
      action: ACTION[operation],
      outcome: "error",
      detail: `${mapped.code}: ${mapped.message}`,
    };
  }
}

export async function probeAccess(
  aws: Aws,
  options: { bucket: string; key?: string; write: boolean },
): Promise<ProbeReport> {
  const { bucket, key } = options;
  const sts = await aws.sts();
  const identity = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? "unknown";
  const s3 = await aws.s3();
  const prefix = folderOf(key);
  const steps: ProbeStep[] = [];
  steps.push(
    await attempt(
      "HeadBucket",
      async () => {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        return "the bucket answered";
      },
      bucket,
    ),
  );
  steps.push(
    await attempt(
      "ListObjectsV2",
      async () => {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            MaxKeys: 1,
            ...(prefix ? { Prefix: prefix } : {}),
          }),
        );
        return `listed${prefix ? ` under ${prefix}` : ""} (${page.KeyCount ?? 0} key${page.KeyCount === 1 ? "" : "s"})`;
      },
      bucket,
    ),
  );
  if (key) {
    steps.push(
      await attempt(
        "GetObject",
        async () => {
          const got = await s3.send(
            new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=0-0" }),
          );
          await got.Body?.transformToByteArray();
          return `read ${key}`;
        },
        bucket,
      ),
    );
  } else {
    steps.push({
      operation: "GetObject",
      action: ACTION.GetObject,
      outcome: "skipped",
      detail: "no --key given",
    });
  }
  if (options.write) {
    const probeKey = `${prefix}.s3kit-probe-${randomBytes(4).toString("hex")}`;
    steps.push(
      await attempt(
        "PutObject",
        async () => {
          await s3.send(
            new PutObjectCommand({ Bucket: bucket, Key: probeKey, Body: "s3kit probe\n" }),
          );
          return `wrote ${probeKey}`;
        },
        bucket,
      ),
    );
    steps.push(
      await attempt(
        "DeleteObject",
        async () => {
          await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: probeKey }));
          return `deleted ${probeKey}`;
        },
        bucket,
      ),
    );
  } else {
    for (const operation of ["PutObject", "DeleteObject"] as const) {
      steps.push({
        operation,
        action: ACTION[operation],
        outcome: "skipped",
        detail: "writes only with --probe-write",
      });
    }
  }
  return { identity, steps };
}

/** A connection like the main one (region, endpoint, TLS) with the probe's credentials. */
export async function probeConnection(
  main: Aws,
  connection: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
  credentials: ProbeCredentials,
): Promise<Aws> {
  switch (credentials.from) {
    case "caller":
      return main;
    case "profile":
      return Aws.fromOptions({ ...connection, profile: credentials.profile }, env);
    case "environment": {
      const { from: _from, ...keys } = credentials;
      return new Aws(main.settings, undefined, keys);
    }
  }
}
