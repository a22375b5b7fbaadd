import {
  CopyObjectCommand,
  type CopyObjectCommandInput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { withRetries } from "../../concurrency.js";
import { type ObjectSettings, partSizeFor } from "../settings.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  sendOptions,
  type TransferOutcome,
} from "./context.js";
import { MultipartUpload } from "./multipart.js";
import { checksumOf, copyChecksum, objectParams } from "./object-params.js";

const FIVE_GIB = 5 * 1024 * 1024 * 1024;

/** `bucket/key` for CopySource, with the key URL-encoded segment by segment. */
export function copySource(source: ObjectRef): string {
  return `${source.bucket}/${source.key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Whether the copy must replace the object's headers instead of keeping the source's. */
function replacesHeaders(settings: ObjectSettings): boolean {
  return Boolean(settings.contentType || settings.metadata || settings.cacheControl);
}

/**
 * Copies an object server-side: one CopyObject up to 5 GiB, a multipart copy
 * (UploadPartCopy ranges) above. With new headers, the ones not given keep the source's.
 */
export async function copyObject(
  engine: Engine,
  source: ObjectRef,
  target: ObjectRef,
  knownSize?: number,
): Promise<TransferOutcome> {
  const { s3, limiter, signal, settings, tuning } = engine;
  const maxSingle = engine.maxSingleCopy ?? FIVE_GIB;
  const replace = replacesHeaders(settings);
  let head: HeadObjectCommandOutput | undefined;
  if (knownSize === undefined || replace || knownSize > maxSingle) {
    // The SDK's HEAD: a copy keeps the source's headers (type, encoding, metadata and more).
    head = await limiter.run(() =>
      s3.send(
        new HeadObjectCommand({ Bucket: source.bucket, Key: source.key }),
        sendOptions(signal),
      ),
    );
  }
  const size = head?.ContentLength ?? knownSize ?? 0;
  const keep = head ? sourceHeaders(head) : {};
  const checksum = copyChecksum(settings);
  const params = objectParams(settings, undefined, checksum);
  if (size <= maxSingle) {
    const input: CopyObjectCommandInput = {
      Bucket: target.bucket,
      Key: target.key,
      CopySource: copySource(source),
      ...(replace ? { MetadataDirective: "REPLACE", ...keep } : {}),
      ...params,
    };
    const output = await limiter
      .run(() =>
        withRetries(() => s3.send(new CopyObjectCommand(input), sendOptions(signal)), { signal }),
      )
      .catch((err) => {
        throw interruptedIfAborted(signal, err);
      });
    engine.observer.bytes?.(size);
    const result = output.CopyObjectResult ?? {};
    return {
      bytes: size,
      etag: result.ETag,
      parts: 1,
      checksum: checksumOf(result, checksum),
    };
  }

  const partSize = partSizeFor(size, tuning.partSize);
  const count = Math.ceil(size / partSize);
  // A multipart copy starts a new object: it takes the source's headers, unless given new ones.
  const upload = new MultipartUpload(
    engine,
    target,
    { ...keep, ...objectParams(settings, undefined, undefined) },
    checksum,
  );
  try {
    await limiter.run(() => upload.create());
    await upload.run(
      Array.from(
        { length: count },
        (_, i) => () =>
          limiter.run(() => {
            const start = i * partSize;
            const end = Math.min(size, start + partSize) - 1;
            return upload.uploadPartCopy(i + 1, source, start, end);
          }),
      ),
    );
    const done = await limiter.run(() => upload.complete());
    return { bytes: size, etag: done.etag, parts: count, checksum: done.checksum };
  } catch (err) {
    await upload.abort();
    throw interruptedIfAborted(signal, err);
  }
}

function sourceHeaders(head: HeadObjectCommandOutput) {
  return {
    ...(head.ContentType ? { ContentType: head.ContentType } : {}),
    ...(head.CacheControl ? { CacheControl: head.CacheControl } : {}),
    ...(head.ContentDisposition ? { ContentDisposition: head.ContentDisposition } : {}),
    ...(head.ContentEncoding ? { ContentEncoding: head.ContentEncoding } : {}),
    ...(head.ContentLanguage ? { ContentLanguage: head.ContentLanguage } : {}),
    ...(head.Metadata && Object.keys(head.Metadata).length > 0 ? { Metadata: head.Metadata } : {}),
  };
}
