import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { type ChecksumAlgorithm, createHasher } from "../objects/checksums.js";
import { MiB } from "../s3/size.js";
import { describeObject, type ObjectDescription } from "./transfer-batch.js";

/** One side of a `--checksum` comparison. */
export type ContentSide =
  | { kind: "file"; path: string; size: number }
  | { kind: "object"; bucket: string; key: string; size: number; etag?: string | undefined };

/** The MD5 in a single-part ETag (`"…"` of 32 hex digits), lowercase; else undefined. */
export function plainMd5(etag: string | undefined): string | undefined {
  const value = etag?.replace(/"/g, "");
  return value && /^[0-9a-f]{32}$/i.test(value) ? value.toLowerCase() : undefined;
}

/** The part count of a multipart ETag (`"…-12"`), else undefined. */
export function multipartParts(etag: string | undefined): number | undefined {
  const match = etag?.match(/^"?[0-9a-f]{32}-(\d+)"?$/i);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether two same-sized entries hold the same bytes, from what S3 keeps about an object:
 *
 * - an ETag that is the MD5 of the object (single-part, not SSE-KMS or SSE-C) against the
 *   file's MD5;
 * - else a full-object checksum (CRC32, CRC32C, CRC64NVME, or SHA of a single-part object;
 *   s3kit's uploads carry one) against the same checksum of the file;
 * - else a multipart ETag (the MD5 of the parts' MD5s) against the file's, for the part
 *   sizes s3kit, the AWS CLI and other tools use when the part count fits;
 * - two objects: equal ETags, or equal full-object checksums.
 *
 * Whatever cannot be shown to be the same is taken as different, and transferred.
 */
export class ContentComparer {
  constructor(
    private readonly s3: S3Client,
    /** Part sizes to try on a multipart ETag of an object of this size, most likely first. */
    private readonly partSizes: (size: number) => readonly number[],
    private readonly signal?: AbortSignal,
  ) {}

  async same(a: ContentSide, b: ContentSide): Promise<boolean> {
    if (a.size !== b.size) return false;
    if (a.kind === "file" && b.kind === "file") {
      return (await hashFile(a.path, "md5")) === (await hashFile(b.path, "md5"));
    }
    if (a.kind === "object" && b.kind === "object") return this.sameObjects(a, b);
    const file = (a.kind === "file" ? a : b) as Extract<ContentSide, { kind: "file" }>;
    const object = (a.kind === "object" ? a : b) as Extract<ContentSide, { kind: "object" }>;
    return this.fileMatchesObject(file, object);
  }

  private async fileMatchesObject(
    file: Extract<ContentSide, { kind: "file" }>,
    object: Extract<ContentSide, { kind: "object" }>,
  ): Promise<boolean> {
    const md5 = plainMd5(object.etag);
    if (md5 && (await hashFile(file.path, "md5")) === md5) return true;
    const info = await this.describe(object);
    if (!info) return false;
    if (info.checksum) {
      return (await hashFile(file.path, info.checksum.algorithm)) === info.checksum.value;
    }
    // A plain-looking ETag of an unencrypted (or SSE-S3) object is its MD5: it differs.
    if (md5 && (!info.encryption || info.encryption === "AES256")) return false;
    const parts = multipartParts(info.etag);
    if (parts === undefined) return false;
    for (const partSize of new Set(this.partSizes(file.size))) {
      if (Math.ceil(file.size / partSize) !== parts) continue;
      if ((await multipartEtag(file.path, partSize)) === info.etag?.replace(/"/g, "")) return true;
    }
    return false;
  }

  private async sameObjects(
    a: Extract<ContentSide, { kind: "object" }>,
    b: Extract<ContentSide, { kind: "object" }>,
  ): Promise<boolean> {
    // Equal ETags of either kind mean equal bytes (the same MD5, or the same parts' MD5s).
    if (a.etag !== undefined && a.etag === b.etag && (plainMd5(a.etag) || multipartParts(a.etag))) {
      return true;
    }
    const [x, y] = await Promise.all([this.describe(a), this.describe(b)]);
    if (!x?.checksum || !y?.checksum) return false;
    return x.checksum.algorithm === y.checksum.algorithm && x.checksum.value === y.checksum.value;
  }

  private describe(object: {
    bucket: string;
    key: string;
  }): Promise<ObjectDescription | undefined> {
    return describeObject(this.s3, object, this.signal);
  }
}

/** Files up to this size are read whole, synchronously (cheaper than a thread-pool hop). */
const SMALL_FILE = 256 * 1024;

/** A file's digest as S3 writes it (hex for MD5, base64 for the others). */
export async function hashFile(
  path: string,
  algorithm: ChecksumAlgorithm | "md5",
): Promise<string> {
  const hasher = createHasher(algorithm);
  await readThrough(path, (chunk) => hasher.update(chunk));
  return hasher.digest();
}

/** The ETag a multipart upload of the file in parts of `partSize` would get (without quotes). */
export async function multipartEtag(path: string, partSize: number): Promise<string> {
  const digests: Buffer[] = [];
  let part = createHash("md5");
  let inPart = 0;
  await readThrough(path, (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, partSize - inPart);
      part.update(chunk.subarray(offset, offset + take));
      inPart += take;
      offset += take;
      if (inPart === partSize) {
        digests.push(part.digest());
        part = createHash("md5");
        inPart = 0;
      }
    }
  });
  if (inPart > 0 || digests.length === 0) digests.push(part.digest());
  return `${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${digests.length}`;
}

async function readThrough(path: string, each: (chunk: Buffer) => void): Promise<void> {
  if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) <= SMALL_FILE) {
    each(readFileSync(path));
    return;
  }
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(MiB);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length);
      if (bytesRead === 0) break;
      each(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
}
