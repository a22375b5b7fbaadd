import { type ChecksumAlgorithm, SDK_CHECKSUM } from "../checksums.js";
import type { Engine, ObjectRef } from "./context.js";
import type { ObjectHead } from "./requests.js";

export interface ObjectInfo {
  size: number;
  etag?: string | undefined;
  /** A checksum of the whole object, when the object has one. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  encryption?: string | undefined;
}

/** Whether an ETag is the MD5 of the object's bytes (single-part, not SSE-KMS or SSE-C). */
export function md5FromEtag(info: { etag?: string | undefined; encryption?: string | undefined }) {
  const etag = info.etag?.replace(/"/g, "");
  if (!etag || !/^[0-9a-f]{32}$/i.test(etag)) return undefined;
  if (info.encryption && info.encryption !== "AES256") return undefined;
  return etag.toLowerCase();
}

export function objectInfoFromHead(head: ObjectHead) {
  // A checksum can be checked against the bytes only if it covers the whole object: a
  // multipart object's checksum is usually of its parts' checksums ("…-12", COMPOSITE),
  // and without a type saying FULL_OBJECT a multipart object's checksum is not trusted.
  const multipart = /-\d+"?$/.test(head.ETag ?? "");
  let checksum: ObjectInfo["checksum"];
  for (const [algorithm, { field }] of Object.entries(SDK_CHECKSUM)) {
    const value = (head as unknown as Record<string, unknown>)[field];
    if (typeof value !== "string" || /-\d+$/.test(value)) continue;
    if (head.ChecksumType === "COMPOSITE") continue;
    if (multipart && head.ChecksumType !== "FULL_OBJECT") continue;
    checksum = { algorithm: algorithm as ChecksumAlgorithm, value };
    break;
  }
  return {
    size: head.ContentLength ?? 0,
    etag: head.ETag,
    checksum,
    encryption: head.SSECustomerAlgorithm ? "SSE-C" : head.ServerSideEncryption,
  } satisfies ObjectInfo;
}

export function headObject(engine: Pick<Engine, "objects" | "signal">, source: ObjectRef) {
  return engine.objects.head(source.bucket, source.key, engine.signal);
}
