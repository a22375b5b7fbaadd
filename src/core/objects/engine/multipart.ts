import {
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { withRetries } from "../../concurrency.js";
import { type ChecksumAlgorithm, isCrc, SDK_CHECKSUM } from "../checksums.js";
import type { OpenUpload } from "../session.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  sendOptions,
  sharedSignal,
} from "./context.js";
import { copySource } from "./copy.js";
import { checksumOf } from "./object-params.js";
import { checksumFor } from "./requests.js";

/**
 * One multipart upload: created, tracked by the session until it completes, aborted on
 * any failure (and on Ctrl-C by the session) so that no parts are left behind.
 */
export class MultipartUpload {
  private upload: OpenUpload | undefined;
  private readonly parts: CompletedPart[] = [];
  private readonly failFast = new AbortController();
  readonly signal: AbortSignal;

  constructor(
    private readonly engine: Engine,
    private readonly target: ObjectRef,
    private readonly createParams: Omit<CreateMultipartUploadCommandInput, "Bucket" | "Key">,
    /** Every part carries this checksum; a CRC is combined into one of the whole object. */
    private readonly checksum: ChecksumAlgorithm | undefined,
  ) {
    this.signal = sharedSignal(engine.signal, this.failFast.signal);
  }

  async create(): Promise<void> {
    const { s3 } = this.engine;
    // Not abortable: if Ctrl-C comes while this is in flight, the session waits for the
    // id and aborts the upload, instead of leaving one nobody knows about.
    const creating = withRetries(() =>
      s3.send(
        new CreateMultipartUploadCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          ...this.createParams,
          ...(this.checksum
            ? {
                ChecksumAlgorithm: SDK_CHECKSUM[this.checksum].algorithm,
                // A full-object CRC (S3 combines the parts') can be checked on download.
                ...(isCrc(this.checksum) ? { ChecksumType: "FULL_OBJECT" as const } : {}),
              }
            : {}),
        }),
      ),
    ).then((out) => {
      if (!out.UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
      return { bucket: this.target.bucket, key: this.target.key, uploadId: out.UploadId };
    });
    this.engine.session.trackCreate(this.target, creating);
    this.upload = await creating;
    if (this.engine.signal.aborted) throw interruptedIfAborted(this.engine.signal);
  }

  async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    const upload = this.upload as OpenUpload;
    const { objects, observer } = this.engine;
    const algorithm = this.checksum;
    // Computed once, whatever the retries: a retry sends the same bytes.
    const checksum = algorithm ? checksumFor(algorithm, body) : undefined;
    const output = await withRetries(
      () =>
        objects.uploadPart(
          {
            bucket: upload.bucket,
            key: upload.key,
            uploadId: upload.uploadId,
            partNumber,
            body,
            checksum,
          },
          this.signal,
        ),
      {
        signal: this.signal,
        onRetry: (err, attempt) =>
          observer.retry?.(`part ${partNumber} of ${upload.key}`, err, attempt),
      },
    );
    const part: CompletedPart = { PartNumber: partNumber, ETag: output.ETag };
    if (algorithm) {
      const value = checksumOf(output, algorithm) ?? checksum?.value;
      if (value) (part as Record<string, unknown>)[SDK_CHECKSUM[algorithm].field] = value;
    }
    this.parts.push(part);
    observer.bytes?.(body.length);
  }

  async uploadPartCopy(partNumber: number, source: ObjectRef, start: number, end: number) {
    const upload = this.upload as OpenUpload;
    const output = await withRetries(
      () =>
        this.engine.s3.send(
          new UploadPartCopyCommand({
            Bucket: upload.bucket,
            Key: upload.key,
            UploadId: upload.uploadId,
            PartNumber: partNumber,
            CopySource: copySource(source),
            CopySourceRange: `bytes=${start}-${end}`,
          }),
          sendOptions(this.signal),
        ),
      { signal: this.signal },
    );
    const result = output.CopyPartResult ?? {};
    const part: CompletedPart = { PartNumber: partNumber, ETag: result.ETag };
    const checksum = this.checksum;
    if (checksum) {
      const value = checksumOf(result, checksum);
      if (value) (part as Record<string, unknown>)[SDK_CHECKSUM[checksum].field] = value;
    }
    this.parts.push(part);
    this.engine.observer.bytes?.(end - start + 1);
  }

  async complete(): Promise<{ etag?: string | undefined; checksum?: string | undefined }> {
    const upload = this.upload as OpenUpload;
    const parts = [...this.parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const output = await withRetries(() =>
      this.engine.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
          MultipartUpload: { Parts: parts },
        }),
      ),
    );
    this.engine.session.completed(upload.uploadId);
    return { etag: output.ETag, checksum: checksumOf(output, this.checksum) };
  }

  /** Runs the part tasks; the first failure stops the rest and aborts the upload. */
  async run(tasks: (() => Promise<void>)[]): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(
      tasks.map((task) =>
        task().catch((err) => {
          failures.push(err);
          this.failFast.abort();
        }),
      ),
    );
    if (failures.length > 0) {
      throw interruptedIfAborted(this.engine.signal, failures[0]);
    }
  }

  async abort(): Promise<void> {
    this.failFast.abort();
    if (this.upload) await this.engine.session.abortUpload(this.upload).catch(() => false);
  }
}
