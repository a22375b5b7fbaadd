// `bucket cors get|set|delete`.
import {
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
} from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { describeAnswer, errorCodeOf, unsupportedAnswer } from "../../aws/errors.js";
import { ExitCode, S3kitError } from "../errors.js";
import { requireBucket } from "../s3/head-bucket.js";
import { type CorsRule, sameCors } from "./state.js";
import { notSupported } from "./support.js";

export interface CorsResult {
  bucket: string;
  /** The rules now on the bucket; `null` when it has no CORS configuration. */
  cors: CorsRule[] | null;
  /** set/delete: whether the run changed anything. */
  changed?: boolean;
  /** set: the rules before. */
  previous?: CorsRule[] | null;
}

async function readCors(aws: Aws, bucket: string): Promise<CorsRule[] | null> {
  const s3 = await aws.s3();
  try {
    const out = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    const rules = (out.CORSRules ?? []).map((r) => {
      const rule: CorsRule = {
        AllowedOrigins: r.AllowedOrigins ?? [],
        AllowedMethods: r.AllowedMethods ?? [],
      };
      if (r.ID) rule.ID = r.ID;
      if (r.AllowedHeaders?.length) rule.AllowedHeaders = r.AllowedHeaders;
      if (r.ExposeHeaders?.length) rule.ExposeHeaders = r.ExposeHeaders;
      if (r.MaxAgeSeconds !== undefined) rule.MaxAgeSeconds = r.MaxAgeSeconds;
      return rule;
    });
    return rules.length > 0 ? rules : null;
  } catch (err) {
    if (errorCodeOf(err) === "NoSuchCORSConfiguration") return null;
    throw corsUnsupported(err, "GetBucketCors") ?? err;
  }
}

/** The endpoint has no per-bucket CORS: say so, and what it means, instead of its raw answer. */
function corsUnsupported(err: unknown, operation: string): S3kitError | undefined {
  if (!unsupportedAnswer(err)) return undefined;
  const gap = notSupported("cors", describeAnswer(err, operation));
  return new S3kitError(
    {
      code: "NotSupportedByEndpoint",
      message: `CORS is not supported by this endpoint (${gap.evidence}): ${gap.meaning}.`,
      hint: "Configure CORS on the server itself (a server-wide setting on most S3-compatible servers), or serve the files through a CDN that adds the headers.",
      exitCode: ExitCode.conflict,
    },
    { cause: err },
  );
}

export async function getCors(aws: Aws, bucket: string): Promise<CorsResult> {
  await requireBucket(aws, bucket);
  return { bucket, cors: await readCors(aws, bucket) };
}

/** Replaces the CORS configuration; unchanged (no call) when it already is this one. */
export async function setCors(aws: Aws, bucket: string, rules: CorsRule[]): Promise<CorsResult> {
  await requireBucket(aws, bucket);
  const previous = await readCors(aws, bucket);
  if (sameCors(previous, rules)) return { bucket, cors: previous, changed: false, previous };
  const s3 = await aws.s3();
  try {
    await s3.send(
      new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }),
    );
  } catch (err) {
    throw corsUnsupported(err, "PutBucketCors") ?? err;
  }
  return { bucket, cors: rules, changed: true, previous };
}

export async function deleteCors(aws: Aws, bucket: string): Promise<CorsResult> {
  await requireBucket(aws, bucket);
  const previous = await readCors(aws, bucket);
  if (previous === null) return { bucket, cors: null, changed: false, previous };
  const s3 = await aws.s3();
  await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  return { bucket, cors: null, changed: true, previous };
}
