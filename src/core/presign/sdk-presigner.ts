import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { GetPresignOptions, PresignerConfig, PutPresignOptions } from "./types.js";

/**
 * Presigning through the AWS SDK, configured for clean URLs. It is both the
 * fallback for inputs the in-process signer leaves to the SDK (ARNs, S3 Express,
 * special regions) and the reference the differential tests compare against.
 *
 * What "clean" takes, against the SDK's defaults (client-s3 3.11xx):
 * - requestChecksumCalculation "WHEN_REQUIRED": otherwise a PUT URL carries
 *   x-amz-checksum-crc32=AAAAAA== (the CRC32 of the empty body known at signing
 *   time) and x-amz-sdk-checksum-algorithm, and S3 rejects every real upload.
 * - responseChecksumValidation "WHEN_REQUIRED": otherwise a GET URL carries
 *   x-amz-checksum-mode=ENABLED.
 * - a build-step middleware that drops the `x-id=GetObject|PutObject` query
 *   parameter the REST serializer adds; there is no option for it.
 * - content-type is in the presigner's unsignable headers by default; it is
 *   signed here (signableHeaders) when the caller gives one.
 * - x-amz-checksum-sha256 and x-amz-meta-* are kept signed headers
 *   (unhoistableHeaders) instead of being moved into the query string; see
 *   request-spec.ts for why.
 */
export function createCleanPresignClient(config: PresignerConfig): S3Client {
  const { accessKeyId, secretAccessKey, sessionToken } = config.credentials;
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle === true,
    // A plain object (no `expiration`), so the SDK never tries to refresh it.
    credentials: sessionToken
      ? { accessKeyId, secretAccessKey, sessionToken }
      : { accessKeyId, secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  client.middlewareStack.add(
    (next) => (args) => {
      const query = (args.request as { query?: Record<string, unknown> } | undefined)?.query;
      // Deleting (not setting undefined): formatUrl would still write a bare "x-id".
      if (query !== undefined) delete query["x-id"];
      return next(args);
    },
    { step: "build", name: "s3kitDropXIdQueryParameter" },
  );
  return client;
}

const clients = new WeakMap<PresignerConfig, S3Client>();

export async function presignWithSdk(
  config: PresignerConfig,
  method: "GET" | "PUT",
  bucket: string,
  key: string,
  options: GetPresignOptions | PutPresignOptions,
  signingDate: Date,
): Promise<string> {
  let client = clients.get(config);
  if (client === undefined) {
    client = createCleanPresignClient(config);
    clients.set(config, client);
  }
  const expiresIn = options.expiresIn ?? 900;
  if (method === "GET") {
    const o = options as GetPresignOptions;
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      VersionId: o.versionId,
      ResponseCacheControl: o.responseCacheControl,
      ResponseContentDisposition: o.responseContentDisposition,
      ResponseContentEncoding: o.responseContentEncoding,
      ResponseContentLanguage: o.responseContentLanguage,
      ResponseContentType: o.responseContentType,
    });
    return getSignedUrl(client, command, { expiresIn, signingDate });
  }
  const o = options as PutPresignOptions;
  const command = new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    ContentType: o.contentType,
    ContentLength: o.contentLength,
    Metadata: o.metadata === undefined ? undefined : { ...o.metadata },
    ServerSideEncryption: o.sse,
    SSEKMSKeyId: o.sseKmsKeyId,
    ChecksumSHA256: o.checksumSha256,
  });
  return getSignedUrl(client, command, {
    expiresIn,
    signingDate,
    signableHeaders: new Set(o.contentType === undefined ? [] : ["content-type"]),
    unhoistableHeaders: new Set([
      "x-amz-checksum-sha256",
      ...Object.keys(o.metadata ?? {}).map((name) => `x-amz-meta-${name.toLowerCase()}`),
    ]),
  });
}
