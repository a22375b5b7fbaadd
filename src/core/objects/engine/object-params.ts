import type { CreateMultipartUploadCommandInput } from "@aws-sdk/client-s3";
import { type ChecksumAlgorithm, SDK_CHECKSUM } from "../checksums.js";
import { contentTypeFor } from "../content-type.js";
import type { ObjectSettings } from "../settings.js";

/**
 * The checksum an upload carries: --checksum, else CRC32 (as the AWS CLI and SDKs send by
 * default), so S3 checks every part and the object as it stores them. `--checksum none` sends none.
 */
export const DEFAULT_UPLOAD_CHECKSUM: ChecksumAlgorithm = "crc32";

export function uploadChecksum(settings: ObjectSettings): ChecksumAlgorithm | undefined {
  if (settings.checksum === "none") return undefined;
  return settings.checksum ?? DEFAULT_UPLOAD_CHECKSUM;
}

/** The checksum a server-side copy asks for: only one given with --checksum. */
export function copyChecksum(settings: ObjectSettings): ChecksumAlgorithm | undefined {
  return settings.checksum === "none" ? undefined : settings.checksum;
}

/** The object headers an upload or copy sets, from --content-type, --metadata and friends. */
export function objectParams(
  settings: ObjectSettings,
  nameForType: string | undefined,
  checksum: ChecksumAlgorithm | undefined,
): Omit<CreateMultipartUploadCommandInput, "Bucket" | "Key"> {
  const contentType =
    settings.contentType ?? (nameForType ? contentTypeFor(nameForType) : undefined);
  return {
    ...(contentType ? { ContentType: contentType } : {}),
    ...(settings.metadata ? { Metadata: settings.metadata } : {}),
    ...(settings.cacheControl ? { CacheControl: settings.cacheControl } : {}),
    ...(settings.storageClass ? { StorageClass: settings.storageClass as never } : {}),
    ...(settings.sse ? { ServerSideEncryption: settings.sse } : {}),
    ...(settings.kmsKeyId ? { SSEKMSKeyId: settings.kmsKeyId } : {}),
    ...(checksum ? { ChecksumAlgorithm: SDK_CHECKSUM[checksum].algorithm } : {}),
  };
}

export function checksumOf(
  output: object,
  algorithm: ChecksumAlgorithm | undefined,
): string | undefined {
  if (!algorithm) return undefined;
  return (output as Record<string, string | undefined>)[SDK_CHECKSUM[algorithm].field];
}
