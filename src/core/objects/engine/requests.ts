import type { Readable } from "node:stream";
import {
  type CreateMultipartUploadCommandInput,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { LeanS3 } from "../../../aws/lean-s3/client.js";
import type { ResponseBody } from "../../../aws/lean-s3/http1.js";
import { type ChecksumAlgorithm, createHasher, SDK_CHECKSUM } from "../checksums.js";

/**
 * The four requests that carry object data, behind one interface with two ways of sending
 * them: s3kit's own (LeanS3: signed here, raw sockets, bodies read straight into the memory
 * they end up in) for plain buckets, and the SDK's for the rest (ARNs, special regions,
 * FIPS or dual-stack endpoints) or when S3KIT_OBJECT_REQUESTS=sdk asks for it. Checksums are
 * computed by the caller, once, and sent either way.
 */

/** Headers an upload sets on the object (the SDK's field names, from objectParams). */
export type ObjectParams = Omit<CreateMultipartUploadCommandInput, "Bucket" | "Key">;

export interface ComputedChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64, as S3 writes it. */
  value: string;
}

/** What S3 says about an object (HEAD, or a GET's headers), in the SDK's field names. */
export interface ObjectHead {
  ETag?: string | undefined;
  ContentLength?: number | undefined;
  ChecksumType?: string | undefined;
  SSECustomerAlgorithm?: string | undefined;
  ServerSideEncryption?: string | undefined;
  ChecksumCRC32?: string | undefined;
  ChecksumCRC32C?: string | undefined;
  ChecksumCRC64NVME?: string | undefined;
  ChecksumSHA1?: string | undefined;
  ChecksumSHA256?: string | undefined;
}

/** A response body: LeanS3's (read into lent memory) or the SDK's stream. */
export type ObjectBody = ResponseBody | Readable;

export function isLeanBody(body: ObjectBody): body is ResponseBody {
  return typeof (body as ResponseBody).pipe === "function" && "settled" in body;
}

export interface GetRequest {
  bucket: string;
  key: string;
  range?: string | undefined;
  ifMatch?: string | undefined;
  /** Ask for the object's checksum headers (a whole-object GET checks them). */
  checksums?: boolean;
}

export interface PutRequest {
  bucket: string;
  key: string;
  body: Buffer;
  params: ObjectParams;
  checksum?: ComputedChecksum | undefined;
}

export interface PartRequest {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  body: Buffer;
  checksum?: ComputedChecksum | undefined;
}

export interface ObjectRequests {
  /** Which way the requests go: "lean" (s3kit's own) or "sdk". */
  readonly via: "lean" | "sdk";
  get(request: GetRequest, signal?: AbortSignal): Promise<ObjectHead & { Body: ObjectBody }>;
  head(bucket: string, key: string, signal?: AbortSignal): Promise<ObjectHead>;
  put(request: PutRequest, signal?: AbortSignal): Promise<ObjectHead>;
  uploadPart(request: PartRequest, signal?: AbortSignal): Promise<ObjectHead>;
}

/** The checksum of a body, as S3 writes it (base64). */
export function checksumFor(algorithm: ChecksumAlgorithm, body: Uint8Array): ComputedChecksum {
  const hasher = createHasher(algorithm);
  hasher.update(body);
  return { algorithm, value: hasher.digest() };
}

function options(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal as never } : {};
}

/**
 * The checksum for the SDK: its value (so the SDK does not compute it again) and its
 * algorithm (which the SDK sends as x-amz-sdk-checksum-algorithm; some servers need it).
 */
function checksumField(checksum: ComputedChecksum | undefined): Record<string, string> {
  if (!checksum) return {};
  const { algorithm, field } = SDK_CHECKSUM[checksum.algorithm];
  return { ChecksumAlgorithm: algorithm, [field]: checksum.value };
}

export function sdkRequests(s3: S3Client): ObjectRequests {
  return {
    via: "sdk",
    async get(request, signal) {
      const output = await s3.send(
        new GetObjectCommand({
          Bucket: request.bucket,
          Key: request.key,
          ...(request.range ? { Range: request.range } : {}),
          ...(request.ifMatch ? { IfMatch: request.ifMatch } : {}),
          ...(request.checksums ? { ChecksumMode: "ENABLED" as const } : {}),
        }),
        options(signal),
      );
      return output as typeof output & { Body: Readable };
    },
    head(bucket, key, signal) {
      return s3.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
        options(signal),
      );
    },
    put(request, signal) {
      return s3.send(
        new PutObjectCommand({
          Bucket: request.bucket,
          Key: request.key,
          Body: request.body,
          ContentLength: request.body.length,
          ...request.params,
          ...checksumField(request.checksum),
        }),
        options(signal),
      );
    },
    uploadPart(request, signal) {
      return s3.send(
        new UploadPartCommand({
          Bucket: request.bucket,
          Key: request.key,
          UploadId: request.uploadId,
          PartNumber: request.partNumber,
          Body: request.body,
          ContentLength: request.body.length,
          ...checksumField(request.checksum),
        }),
        options(signal),
      );
    },
  };
}

export function leanRequests(lean: LeanS3): ObjectRequests {
  return {
    via: "lean",
    get(request, signal) {
      return lean.getObject(
        {
          Bucket: request.bucket,
          Key: request.key,
          Range: request.range,
          IfMatch: request.ifMatch,
          ChecksumMode: request.checksums ? "ENABLED" : undefined,
        },
        { abortSignal: signal },
      );
    },
    head(bucket, key, signal) {
      return lean.headObject(
        { Bucket: bucket, Key: key, ChecksumMode: "ENABLED" },
        { abortSignal: signal },
      );
    },
    put(request, signal) {
      return lean.putObject(
        {
          Bucket: request.bucket,
          Key: request.key,
          Body: request.body,
          headers: [...paramHeaders(request.params), ...checksumHeader(request.checksum)],
        },
        { abortSignal: signal },
      );
    },
    uploadPart(request, signal) {
      return lean.uploadPart(
        {
          Bucket: request.bucket,
          Key: request.key,
          UploadId: request.uploadId,
          PartNumber: request.partNumber,
          Body: request.body,
          headers: checksumHeader(request.checksum),
        },
        { abortSignal: signal },
      );
    },
  };
}

/** The checksum as the SDK sends it: its value, and which algorithm it is (some servers read that). */
function checksumHeader(checksum: ComputedChecksum | undefined): Array<[string, string]> {
  if (!checksum) return [];
  return [
    [`x-amz-checksum-${checksum.algorithm}`, checksum.value],
    ["x-amz-sdk-checksum-algorithm", SDK_CHECKSUM[checksum.algorithm].algorithm],
  ];
}

/** objectParams as the request headers the SDK would send for them. */
export function paramHeaders(params: ObjectParams): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  if (params.ContentType) headers.push(["content-type", params.ContentType]);
  if (params.CacheControl) headers.push(["cache-control", params.CacheControl]);
  if (params.StorageClass) headers.push(["x-amz-storage-class", params.StorageClass]);
  if (params.ServerSideEncryption) {
    headers.push(["x-amz-server-side-encryption", params.ServerSideEncryption]);
  }
  if (params.SSEKMSKeyId) {
    headers.push(["x-amz-server-side-encryption-aws-kms-key-id", params.SSEKMSKeyId]);
  }
  for (const [name, value] of Object.entries(params.Metadata ?? {})) {
    headers.push([`x-amz-meta-${name.toLowerCase()}`, value]);
  }
  return headers;
}
