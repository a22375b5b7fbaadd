import { assertValidKey } from "../s3/keys.js";
import { PresignInputError } from "./errors.js";
import { buildGetSpec, buildPutSpec, type ObjectRequestSpec } from "./request-spec.js";
import {
  type BucketAddress,
  type EndpointSettings,
  isValidRegion,
  parseCustomEndpoint,
  resolveBucketAddress,
} from "./s3-endpoint.js";
import { SigV4QuerySigner } from "./sigv4-query.js";
import type {
  GetPresignOptions,
  PresignedRequest,
  PresignerConfig,
  PutPresignOptions,
} from "./types.js";
import { encodeKeyPath } from "./uri-encode.js";

export interface Presigner {
  /** A URL for downloading s3://bucket/key (GetObject). */
  get(bucket: string, key: string, options?: GetPresignOptions): Promise<PresignedRequest>;
  /** A URL for uploading to s3://bucket/key (PutObject); `headers` must be sent with it. */
  put(bucket: string, key: string, options?: PutPresignOptions): Promise<PresignedRequest>;
  /**
   * The same as get/put, synchronously, or undefined when the bucket or region
   * needs the SDK (ARNs, S3 Express, FIPS or global pseudo-regions). Batch signing
   * uses it to skip a promise per URL; get/put fall back to the SDK by themselves.
   */
  signLocally(
    method: "GET",
    bucket: string,
    key: string,
    options?: GetPresignOptions,
  ): PresignedRequest | undefined;
  signLocally(
    method: "PUT",
    bucket: string,
    key: string,
    options?: PutPresignOptions,
  ): PresignedRequest | undefined;
  signLocally(
    method: "GET" | "PUT",
    bucket: string,
    key: string,
    options?: GetPresignOptions | PutPresignOptions,
  ): PresignedRequest | undefined;
  /** How many SigV4 signing keys were derived (one per day and region). */
  readonly keyDerivations: number;
}

/**
 * Creates a presigner for one set of credentials, region and endpoint.
 *
 * Plain buckets are signed in-process with node:crypto (see sigv4-query.ts), with
 * URLs byte-identical to @aws-sdk/s3-request-presigner's for the same inputs and
 * signing time when the SDK is configured as in sdk-presigner.ts: no `x-id` or
 * checksum parameters, metadata and checksum as signed headers. The SDK is
 * imported only for the rare buckets and regions that need its special endpoint
 * rules, so signing starts without loading it.
 *
 * The signing key depends on the day (X-Amz-Date's first 8 characters) and is
 * derived once per day and region and reused. With a fixed `signingDate` every URL
 * of a batch shares X-Amz-Date and expiresAt.
 */
export function createPresigner(config: PresignerConfig): Presigner {
  const { credentials, region } = config;
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new PresignInputError(
      "InvalidOption",
      "Presigning needs an access key id and a secret access key.",
      "Configure credentials (a profile, environment variables or a role) and try again.",
    );
  }
  checkRegion(region);
  const settings: EndpointSettings = {
    region,
    endpoint: config.endpoint === undefined ? undefined : parseCustomEndpoint(config.endpoint),
    forcePathStyle: config.forcePathStyle === true,
  };
  const signer = new SigV4QuerySigner(credentials, region);
  const addresses = new Map<string, BucketAddress | undefined>();

  const addressOf = (bucket: string): BucketAddress | undefined => {
    if (addresses.has(bucket)) return addresses.get(bucket);
    const address = resolveBucketAddress(settings, bucket);
    if (addresses.size >= 1024) addresses.clear();
    addresses.set(bucket, address);
    return address;
  };

  // The common batch line is a GET with no options: build that spec once.
  const plainGet = buildGetSpec();
  const specFor = (
    method: "GET" | "PUT",
    options: GetPresignOptions | PutPresignOptions | undefined,
  ): ObjectRequestSpec => {
    if (method === "GET") return options === undefined ? plainGet : buildGetSpec(options);
    return buildPutSpec(options);
  };

  // toISOString costs about as much as a hash; a batch signed at one instant
  // with one expiry needs it once.
  let lastExpiry = { signedAt: Number.NaN, expiresIn: 0, text: "" };
  const expiresAt = (signingDate: Date, expiresIn: number): string => {
    // S3 counts the validity from X-Amz-Date, which is truncated to the second.
    const signedAt = Math.floor(signingDate.getTime() / 1000) * 1000;
    if (signedAt !== lastExpiry.signedAt || expiresIn !== lastExpiry.expiresIn) {
      lastExpiry = {
        signedAt,
        expiresIn,
        text: new Date(signedAt + expiresIn * 1000).toISOString(),
      };
    }
    return lastExpiry.text;
  };

  const signLocally = (
    method: "GET" | "PUT",
    bucket: string,
    key: string,
    options?: GetPresignOptions | PutPresignOptions,
  ): PresignedRequest | undefined => {
    checkBucketAndKey(bucket, key);
    const spec = specFor(method, options);
    const address = addressOf(bucket);
    if (address === undefined) return undefined;
    const signingDate = config.signingDate ?? new Date();
    const path = address.keyPathPrefix + encodeKeyPath(key);
    const signed = signer.presign(
      {
        method: spec.method,
        host: address.host,
        path,
        query: spec.query,
        headers: spec.headers,
        expiresIn: spec.expiresIn,
      },
      signingDate,
    );
    return {
      url: `${address.origin}${path}?${signed.queryString}`,
      method: spec.method,
      headers: Object.fromEntries(spec.headers),
      expiresAt: expiresAt(signingDate, spec.expiresIn),
    };
  };

  const sign = async (
    method: "GET" | "PUT",
    bucket: string,
    key: string,
    options: GetPresignOptions | PutPresignOptions | undefined,
  ): Promise<PresignedRequest> => {
    const local = signLocally(method, bucket, key, options);
    if (local !== undefined) return local;
    const spec = specFor(method, options);
    const signingDate = config.signingDate ?? new Date();
    const { presignWithSdk } = await import("./sdk-presigner.js");
    let url: string;
    try {
      url = await presignWithSdk(config, method, bucket, key, options ?? {}, signingDate);
    } catch (err) {
      // The SDK's endpoint rules refuse some combinations (a custom endpoint with a
      // FIPS region, an access point ARN in another partition): bad input, not a bug.
      if ((err as Error).name === "EndpointError") {
        throw new PresignInputError(
          "InvalidEndpoint",
          `Cannot sign for bucket "${bucket}" in region ${config.region}${config.endpoint ? ` at ${config.endpoint}` : ""}: ${(err as Error).message}.`,
          "Check --region and --endpoint-url: FIPS and -global regions work only with AWS's own endpoints.",
        );
      }
      throw err;
    }
    return {
      url,
      method: spec.method,
      headers: Object.fromEntries(spec.headers),
      expiresAt: expiresAt(signingDate, spec.expiresIn),
    };
  };

  return {
    get: (bucket, key, options) => sign("GET", bucket, key, options),
    put: (bucket, key, options) => sign("PUT", bucket, key, options),
    signLocally: signLocally as Presigner["signLocally"],
    get keyDerivations() {
      return signer.keyDerivations;
    },
  };
}

function checkRegion(region: string): void {
  if (!isValidRegion(region) || region !== region.toLowerCase()) {
    throw new PresignInputError(
      "InvalidRegion",
      `"${region}" is not a valid region name.`,
      "Use a region code in lowercase, such as us-east-1 or eu-west-1 (--region or AWS_REGION).",
    );
  }
}

function checkBucketAndKey(bucket: string, key: string): void {
  // Access point ARNs hold a "/" ("…:accesspoint/name"); bucket names never do.
  if (bucket === "" || (bucket.includes("/") && !bucket.startsWith("arn:"))) {
    throw new PresignInputError(
      "InvalidBucketName",
      bucket === "" ? "The bucket name is empty." : `"${bucket}" is not a valid bucket name.`,
      "Write the location as s3://my-bucket/path/to/file.txt.",
    );
  }
  if (key === "") {
    // An empty key would presign the bucket itself (a listing), not an object.
    throw new PresignInputError(
      "MissingKey",
      `No object key given for bucket "${bucket}".`,
      `Add the object's key: s3://${bucket}/path/to/file.txt.`,
    );
  }
  assertValidKey(key);
}
