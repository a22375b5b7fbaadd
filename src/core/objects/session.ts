import { rm } from "node:fs/promises";
import { AbortMultipartUploadCommand, type S3Client } from "@aws-sdk/client-s3";
import { commandWord } from "../aws-cli-command.js";
import type { PendingStep } from "../cleanup.js";
import { withRetries } from "../concurrency.js";

export interface OpenUpload {
  bucket: string;
  key: string;
  uploadId: string;
}

export interface CleanupReport {
  abortedUploads: number;
  removedFiles: number;
}

/**
 * What a transfer leaves behind if it stops half-way: open multipart uploads (which cost
 * storage until aborted) and partial download files. Ctrl-C and failures both end here,
 * so nothing is left over whichever way a run ends.
 */
export class TransferSession {
  private readonly uploads = new Map<string, OpenUpload>();
  private readonly pendingCreates = new Map<
    Promise<OpenUpload | undefined>,
    { bucket: string; key: string }
  >();
  private readonly aborting = new Map<string, Promise<boolean>>();
  private readonly tempFiles = new Set<string>();
  private readonly removing = new Map<string, Promise<boolean>>();

  constructor(private readonly s3: S3Client) {}

  /** Tracks a CreateMultipartUpload still in flight, so an interrupt can abort what it creates. */
  trackCreate(target: { bucket: string; key: string }, create: Promise<OpenUpload>): void {
    const tracked = create.then(
      (upload) => {
        this.uploads.set(upload.uploadId, upload);
        return upload;
      },
      () => undefined,
    );
    this.pendingCreates.set(tracked, { bucket: target.bucket, key: target.key });
    void tracked.finally(() => this.pendingCreates.delete(tracked));
  }

  /** The upload completed: nothing to clean up any more. */
  completed(uploadId: string): void {
    this.uploads.delete(uploadId);
  }

  /** Aborts an open multipart upload once, however many callers ask. Resolves true if it was aborted. */
  abortUpload(upload: OpenUpload): Promise<boolean> {
    let pending = this.aborting.get(upload.uploadId);
    if (!pending) {
      pending = withRetries(
        () =>
          this.s3.send(
            new AbortMultipartUploadCommand({
              Bucket: upload.bucket,
              Key: upload.key,
              UploadId: upload.uploadId,
            }),
          ),
        { attempts: 4 },
      ).then(
        () => true,
        (err: { name?: string }) => {
          if (err.name === "NoSuchUpload") return false;
          throw err;
        },
      );
      pending.then(
        () => this.uploads.delete(upload.uploadId),
        () => {},
      );
      this.aborting.set(upload.uploadId, pending);
    }
    return pending;
  }

  addTempFile(path: string): void {
    this.tempFiles.add(path);
  }

  /** The temporary file became the real file (renamed) or is being removed by its owner. */
  forgetTempFile(path: string): void {
    this.tempFiles.delete(path);
  }

  removeTempFile(path: string): Promise<boolean> {
    let pending = this.removing.get(path);
    if (!pending) {
      pending = rm(path, { force: true }).then(
        () => true,
        () => false,
      );
      this.removing.set(path, pending);
      void pending.then(() => this.tempFiles.delete(path));
    }
    return pending;
  }

  /** Aborts every open multipart upload and removes every partial file. */
  async cleanup(): Promise<CleanupReport> {
    const files = [...this.tempFiles];
    const removed = await Promise.all(files.map((f) => this.removeTempFile(f)));
    // Uploads whose creation is still in flight are aborted as soon as their id is known.
    await Promise.all([...this.pendingCreates.keys()]);
    const aborted = await Promise.all(
      [...this.uploads.values()].map((u) => this.abortUpload(u).catch(() => false)),
    );
    return {
      abortedUploads: aborted.filter(Boolean).length,
      removedFiles: removed.filter(Boolean).length,
    };
  }

  /**
   * What is left to clean up, with the command that does each step by hand;
   * `aws` turns arguments into an AWS CLI command for the same account and endpoint.
   */
  pending(aws: (args: string[]) => string): PendingStep[] {
    const steps: PendingStep[] = [];
    for (const path of this.tempFiles) {
      steps.push({
        doing: `removing partial file ${path}`,
        command: `rm -f -- ${commandWord(path)}`,
      });
    }
    for (const { bucket, key } of this.pendingCreates.values()) {
      steps.push({
        doing: `aborting the multipart upload of s3://${bucket}/${key} being started (its upload id is not known yet)`,
        command: aws(["s3api", "list-multipart-uploads", "--bucket", bucket, "--prefix", key]),
      });
    }
    for (const upload of this.uploads.values()) {
      steps.push({
        doing: `aborting multipart upload s3://${upload.bucket}/${upload.key} (upload id ${upload.uploadId})`,
        command: aws([
          "s3api",
          "abort-multipart-upload",
          "--bucket",
          upload.bucket,
          "--key",
          upload.key,
          "--upload-id",
          upload.uploadId,
        ]),
      });
    }
    return steps;
  }
}
