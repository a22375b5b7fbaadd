// Reading what a bucket has from S3, one call per setting, in parallel. An absent setting
// is `null`, not an error; a setting that cannot be read is recorded as unreadable.
import {
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import {
  describeAnswer,
  errorCodeOf,
  httpStatusOf,
  mapAwsError,
  unsupportedAnswer,
} from "../../aws/errors.js";
import { NotFoundError, UsageError } from "../errors.js";
import type {
  BucketState,
  ConfigSetting,
  CorsRule,
  LifecycleRule,
  PolicyDocument,
  PolicyStatement,
} from "./state.js";

/** Error names that mean "this setting is not configured". */
const ABSENT = new Set([
  "NoSuchPublicAccessBlockConfiguration",
  "OwnershipControlsNotFoundError",
  "ServerSideEncryptionConfigurationNotFoundError",
  "NoSuchCORSConfiguration",
  "NoSuchLifecycleConfiguration",
  "NoSuchBucketPolicy",
  "NoSuchTagSet",
  "NoSuchTagSetError",
]);

/** The call that reads each setting. */
export const READ_OPERATIONS: Record<ConfigSetting, string> = {
  publicAccessBlock: "GetPublicAccessBlock",
  ownership: "GetBucketOwnershipControls",
  encryption: "GetBucketEncryption",
  versioning: "GetBucketVersioning",
  policy: "GetBucketPolicy",
  lifecycle: "GetBucketLifecycleConfiguration",
  cors: "GetBucketCors",
  tags: "GetBucketTagging",
  logging: "GetBucketLogging",
};

const GETS: Record<ConfigSetting, (s3: S3Client, Bucket: string) => Promise<unknown>> = {
  publicAccessBlock: (s3, Bucket) => s3.send(new GetPublicAccessBlockCommand({ Bucket })),
  ownership: (s3, Bucket) => s3.send(new GetBucketOwnershipControlsCommand({ Bucket })),
  encryption: (s3, Bucket) => s3.send(new GetBucketEncryptionCommand({ Bucket })),
  versioning: (s3, Bucket) => s3.send(new GetBucketVersioningCommand({ Bucket })),
  policy: (s3, Bucket) => s3.send(new GetBucketPolicyCommand({ Bucket })),
  lifecycle: (s3, Bucket) => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })),
  cors: (s3, Bucket) => s3.send(new GetBucketCorsCommand({ Bucket })),
  tags: (s3, Bucket) => s3.send(new GetBucketTaggingCommand({ Bucket })),
  logging: (s3, Bucket) => s3.send(new GetBucketLoggingCommand({ Bucket })),
};

/**
 * For a bucket that does not exist yet: which of these settings the endpoint does not
 * implement. Read-only: each setting's Get call on the missing bucket; an endpoint that
 * lacks the API often answers NotImplemented before it looks for the bucket. Any other
 * answer (NoSuchBucket above all) tells nothing, and the write will be the test.
 */
export async function probeUnsupported(
  aws: Aws,
  bucket: string,
  settings: readonly ConfigSetting[],
): Promise<BucketState["unsupported"]> {
  const s3 = await aws.s3();
  const unsupported: BucketState["unsupported"] = {};
  await Promise.all(
    settings.map(async (setting) => {
      try {
        await GETS[setting](s3, bucket);
      } catch (err) {
        if (unsupportedAnswer(err)) {
          unsupported[setting] = describeAnswer(err, READ_OPERATIONS[setting]);
        }
      }
    }),
  );
  return unsupported;
}

/** Reads every setting. `region` is the bucket's (from headBucket). */
export async function readBucketState(
  aws: Aws,
  bucket: string,
  region: string,
): Promise<BucketState> {
  const s3 = await aws.s3();
  const unreadable: BucketState["unreadable"] = {};
  const unsupported: BucketState["unsupported"] = {};
  const read = async <T>(
    setting: ConfigSetting,
    get: () => Promise<T | null>,
  ): Promise<T | null> => {
    try {
      return await get();
    } catch (err) {
      if (ABSENT.has(errorCodeOf(err))) return null;
      if (httpStatusOf(err) === 404 && errorCodeOf(err) === "NoSuchBucket") {
        throw new NotFoundError(`Bucket ${bucket} does not exist.`, undefined, "NoSuchBucket");
      }
      if (unsupportedAnswer(err)) {
        unsupported[setting] = describeAnswer(err, READ_OPERATIONS[setting]);
        return null;
      }
      const mapped = mapAwsError(err, { bucket });
      unreadable[setting] = `${mapped.code}: ${mapped.message}`;
      return null;
    }
  };

  const [
    publicAccessBlock,
    ownership,
    encryption,
    versioning,
    policy,
    lifecycle,
    cors,
    tags,
    logging,
  ] = await Promise.all([
    read("publicAccessBlock", async () => {
      const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      const c = out.PublicAccessBlockConfiguration ?? {};
      return {
        blockPublicAcls: c.BlockPublicAcls === true,
        ignorePublicAcls: c.IgnorePublicAcls === true,
        blockPublicPolicy: c.BlockPublicPolicy === true,
        restrictPublicBuckets: c.RestrictPublicBuckets === true,
      };
    }),
    read("ownership", async () => {
      const out = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
      return out.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null;
    }),
    read("encryption", async () => {
      const out = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
      const rule = out.ServerSideEncryptionConfiguration?.Rules?.[0];
      const apply = rule?.ApplyServerSideEncryptionByDefault;
      if (!apply?.SSEAlgorithm) return null;
      return {
        algorithm: apply.SSEAlgorithm as string,
        kmsKeyId: apply.KMSMasterKeyID ?? null,
        bucketKeyEnabled: rule?.BucketKeyEnabled === true,
      };
    }),
    read("versioning", async () => {
      const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      return out.Status === "Enabled" || out.Status === "Suspended" ? out.Status : null;
    }),
    read("policy", async () => {
      const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
      return out.Policy ? parsePolicy(out.Policy) : null;
    }),
    read("lifecycle", async () => {
      const out = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
      const rules = (out.Rules ?? []) as LifecycleRule[];
      return rules.length > 0 ? rules.map(stripUndefined) : null;
    }),
    read("cors", async () => {
      const out = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
      const rules = (out.CORSRules ?? []) as CorsRule[];
      return rules.length > 0 ? rules.map(stripUndefined) : null;
    }),
    read("tags", async () => {
      const out = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
      const set = out.TagSet ?? [];
      if (set.length === 0) return null;
      return Object.fromEntries(set.map((t) => [t.Key ?? "", t.Value ?? ""]));
    }),
    read("logging", async () => {
      const out = await s3.send(new GetBucketLoggingCommand({ Bucket: bucket }));
      const enabled = out.LoggingEnabled;
      if (!enabled?.TargetBucket) return null;
      return { targetBucket: enabled.TargetBucket, targetPrefix: enabled.TargetPrefix ?? "" };
    }),
  ]);

  return {
    bucket,
    region,
    publicAccessBlock,
    ownership,
    encryption,
    versioning,
    policy,
    lifecycle,
    cors,
    tags,
    logging,
    unreadable,
    unsupported,
  };
}

/** A bucket policy as S3 returns it; `Statement` may be a single object. */
export function parsePolicy(text: string): PolicyDocument {
  let doc: { Version?: string; Id?: string; Statement?: unknown };
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(
      "The bucket policy S3 returned is not valid JSON.",
      undefined,
      "InvalidPolicy",
    );
  }
  const statements = Array.isArray(doc.Statement)
    ? doc.Statement
    : doc.Statement
      ? [doc.Statement]
      : [];
  return {
    ...(doc.Version ? { Version: doc.Version } : {}),
    ...(doc.Id ? { Id: doc.Id } : {}),
    Statement: statements as PolicyStatement[],
  };
}

/** SDK outputs carry `undefined` fields; JSON output and comparisons are cleaner without. */
function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value instanceof Date) return value;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, stripUndefined(v)]),
    ) as T;
  }
  return value;
}
