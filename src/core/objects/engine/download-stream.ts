import type { Readable, Writable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { withRetries } from "../../concurrency.js";
import { createHasher, type Hasher } from "../checksums.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  sendOptions,
  type TransferOutcome,
} from "./context.js";
import { ChecksumMismatchError, IncompleteBodyError } from "./errors.js";
import { md5FromEtag, type ObjectInfo, objectInfoFromHead } from "./object-info.js";

/**
 * Streams an object to a writable (stdout), in order, resuming with a Range request if
 * the connection breaks part-way.
 */
export async function downloadToStream(
  engine: Engine,
  source: ObjectRef,
  out: Writable,
): Promise<TransferOutcome> {
  const { s3, signal, observer } = engine;
  let position = 0;
  let info: ObjectInfo | undefined;
  let hasher: Hasher | undefined;
  let md5: string | undefined;
  await withRetries(
    async () => {
      const response = await s3.send(
        new GetObjectCommand({
          Bucket: source.bucket,
          Key: source.key,
          ...(position > 0 ? { Range: `bytes=${position}-` } : {}),
          ...(position > 0 && info?.etag ? { IfMatch: info.etag } : {}),
        }),
        sendOptions(signal),
      );
      if (!info) {
        info = objectInfoFromHead(response);
        md5 = md5FromEtag(info);
        hasher = md5 ? createHasher("md5") : undefined;
      }
      for await (const chunk of response.Body as Readable) {
        hasher?.update(chunk);
        if (!out.write(chunk)) await waitForDrain(out, signal);
        position += chunk.length;
        observer.bytes?.(chunk.length);
      }
      if (position !== info.size) {
        throw new IncompleteBodyError(
          `${source.key}: stream ended at byte ${position} of ${info.size}`,
        );
      }
    },
    {
      signal,
      onRetry: (err, attempt) => observer.retry?.(`download of ${source.key}`, err, attempt),
    },
  ).catch((err) => {
    throw interruptedIfAborted(signal, err);
  });
  const final = info as ObjectInfo;
  const verified = ["size"];
  if (hasher && md5) {
    const actual = hasher.digest();
    if (actual !== md5) {
      throw new ChecksumMismatchError(
        `s3://${source.bucket}/${source.key}`,
        "MD5 (ETag)",
        md5,
        actual,
      );
    }
    verified.push("md5");
  }
  return { bytes: position, etag: final.etag, parts: 1, verified };
}

function waitForDrain(out: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      out.off("drain", done);
      out.off("error", fail);
      out.off("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const fail = (err: unknown) => {
      out.off("drain", done);
      out.off("close", done);
      signal.removeEventListener("abort", done);
      reject(err);
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", fail);
    signal.addEventListener("abort", done);
  });
}
