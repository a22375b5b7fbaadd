import { createHmac } from "node:crypto";
import { assertValidKey } from "../s3/keys.js";
import { PresignInputError } from "./errors.js";
import { checkExpiresIn, MAX_SINGLE_PUT_BYTES } from "./request-spec.js";
import { isValidRegion, parseCustomEndpoint, resolveBucketAddress } from "./s3-endpoint.js";
import { deriveSigningKey } from "./signing-key.js";
import type { PresignerConfig, ServerSideEncryption } from "./types.js";
import { isWellFormedUnicode } from "./uri-encode.js";

/**
 * Presigned POST: a browser form that uploads straight to S3. The policy
 * document lists what the form may contain (key, size, content type, …); S3
 * checks the form against it and the policy's signature. Signed here with the
 * same SigV4 key derivation as the URLs; the output has the fields, field order,
 * policy layout and signature of @aws-sdk/s3-presigned-post's createPresignedPost
 * for the same input and clock (a unit test compares them).
 */

export interface PresignPostOptions {
  bucket: string;
  /**
   * An exact key, or a prefix: "" or ending in "/" lets the browser choose the
   * file name (the key becomes `${prefix}${filename}`, and the policy only
   * requires the key to start with the prefix).
   */
  key: string;
  /** Seconds the form stays usable; default 900, at most 7 days. */
  expiresIn?: number | undefined;
  /** Largest upload accepted, in bytes (content-length-range); at most 5 GiB. */
  maxSize?: number | undefined;
  /** Smallest upload accepted, in bytes; default 0. */
  minSize?: number | undefined;
  /** The upload's Content-Type must be exactly this (fixed in the form). */
  contentType?: string | undefined;
  /** The upload's Content-Type must start with this, e.g. "image/" (the form supplies it). */
  contentTypePrefix?: string | undefined;
  metadata?: Readonly<Record<string, string>> | undefined;
  sse?: ServerSideEncryption | undefined;
  sseKmsKeyId?: string | undefined;
  /** Make S3 answer 200 or 201 (with an XML body) instead of 204 No Content. */
  successActionStatus?: 200 | 201 | 204 | undefined;
}

export type PolicyCondition =
  | Record<string, string>
  | ["starts-with", string, string]
  | ["eq", string, string]
  | ["content-length-range", number, number];

export interface PresignedPost {
  /** Where the form posts to: the bucket's URL. */
  url: string;
  /** Form fields in order; the file field must come after all of them. */
  fields: Record<string, string>;
  /** ISO 8601 instant the policy expires. */
  expiresAt: string;
  /** The policy's conditions, decoded (for display and tests). */
  conditions: PolicyCondition[];
}

/** S3 replaces this in a POSTed key with the uploaded file's name. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's literal placeholder, not a template.
export const FILENAME_PLACEHOLDER = "${filename}";

export function presignPost(config: PresignerConfig, options: PresignPostOptions): PresignedPost {
  const { credentials, region } = config;
  if (!isValidRegion(region) || region !== region.toLowerCase()) {
    throw new PresignInputError(
      "InvalidRegion",
      `"${region}" is not a valid region name.`,
      "Use a region code in lowercase, such as us-east-1.",
    );
  }
  const address = resolveBucketAddress(
    {
      region,
      endpoint: config.endpoint === undefined ? undefined : parseCustomEndpoint(config.endpoint),
      forcePathStyle: config.forcePathStyle === true,
    },
    options.bucket,
  );
  if (address === undefined) {
    throw new PresignInputError(
      "InvalidBucketName",
      `Presigned POST is not supported for "${options.bucket}" in region ${region}.`,
      "Use a plain bucket name (not an access point ARN or an S3 Express directory bucket) and a regular region.",
    );
  }
  assertValidKey(options.key);
  const expiresIn = checkExpiresIn(options.expiresIn);
  const conditions: PolicyCondition[] = [];
  const fields: Record<string, string> = {};

  if (options.maxSize !== undefined || options.minSize !== undefined) {
    const min = options.minSize ?? 0;
    const max = options.maxSize ?? MAX_SINGLE_PUT_BYTES;
    if (
      !Number.isSafeInteger(min) ||
      !Number.isSafeInteger(max) ||
      min < 0 ||
      max < min ||
      max > MAX_SINGLE_PUT_BYTES
    ) {
      throw new PresignInputError(
        "InvalidSize",
        `The size range ${min}..${max} bytes is not valid for a POST upload.`,
        "Give --max-size from 1 byte up to 5GiB (e.g. 10MB), and a minimum no larger than it.",
      );
    }
    conditions.push(["content-length-range", min, max]);
  }
  if (options.contentType !== undefined && options.contentTypePrefix !== undefined) {
    throw new PresignInputError(
      "InvalidOption",
      "--content-type and --content-type-prefix cannot be used together.",
      "Use --content-type for one exact type, or --content-type-prefix (e.g. image/) for a family.",
    );
  }
  if (options.contentTypePrefix !== undefined) {
    requireFieldValue(options.contentTypePrefix, "--content-type-prefix");
    conditions.push(["starts-with", "$Content-Type", options.contentTypePrefix]);
  }
  if (options.contentType !== undefined) {
    requireFieldValue(options.contentType, "--content-type");
    fields["Content-Type"] = options.contentType;
  }
  if (options.successActionStatus !== undefined) {
    fields.success_action_status = String(options.successActionStatus);
  }
  if (options.sse !== undefined) {
    fields["x-amz-server-side-encryption"] = options.sse;
    if (options.sseKmsKeyId !== undefined) {
      fields["x-amz-server-side-encryption-aws-kms-key-id"] = options.sseKmsKeyId;
    }
  } else if (options.sseKmsKeyId !== undefined) {
    throw new PresignInputError(
      "InvalidOption",
      "A KMS key id needs --sse aws:kms.",
      "Add --sse aws:kms.",
    );
  }
  for (const [name, value] of Object.entries(options.metadata ?? {})) {
    if (!/^[A-Za-z0-9\-_.]+$/.test(name)) {
      throw new PresignInputError(
        "InvalidOption",
        `Metadata name "${name}" is not valid.`,
        "Metadata names use letters, digits and - _ .",
      );
    }
    requireFieldValue(value, `--metadata ${name}`);
    fields[`x-amz-meta-${name.toLowerCase()}`] = value;
  }

  // Signing time: X-Amz-Date has second resolution and the policy's expiration
  // is counted from the same instant.
  const now = config.signingDate ?? new Date();
  const iso = now.toISOString();
  const longDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const shortDate = longDate.slice(0, 8);
  const scope = `${shortDate}/${region}/s3/aws4_request`;
  fields.bucket = options.bucket;
  fields["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256";
  fields["X-Amz-Credential"] = `${credentials.accessKeyId}/${scope}`;
  fields["X-Amz-Date"] = longDate;
  if (credentials.sessionToken) fields["X-Amz-Security-Token"] = credentials.sessionToken;

  // Every field except the key is pinned by an exact-match condition.
  for (const [name, value] of Object.entries(fields)) conditions.push({ [name]: value });
  const keyIsPrefix = options.key === "" || options.key.endsWith("/");
  const key = keyIsPrefix ? `${options.key}${FILENAME_PLACEHOLDER}` : options.key;
  conditions.push(keyIsPrefix ? ["starts-with", "$key", options.key] : { key });

  const expiration = new Date(now.getTime() + expiresIn * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
  const policy = Buffer.from(JSON.stringify({ expiration, conditions }), "utf8").toString("base64");
  const signingKey = deriveSigningKey(credentials.secretAccessKey, shortDate, region, "s3");
  const signature = createHmac("sha256", signingKey).update(policy, "utf8").digest("hex");
  return {
    url: `${address.origin}${address.bucketPath}`,
    fields: { ...fields, key, Policy: policy, "X-Amz-Signature": signature },
    expiresAt: expiration,
    conditions,
  };
}

function requireFieldValue(value: string, flag: string): void {
  if (value === "" || !isWellFormedUnicode(value) || /[\r\n]/.test(value)) {
    throw new PresignInputError(
      "InvalidOption",
      `${flag} "${value}" is not a valid form value.`,
      "Use a non-empty value without line breaks.",
    );
  }
}
