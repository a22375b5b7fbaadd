/** Public types of the presign core. */

export interface PresignCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** When temporary credentials stop working; URLs signed with them stop then too. */
  expiration?: Date | undefined;
}

export interface PresignerConfig {
  credentials: PresignCredentials;
  region: string;
  /** A custom S3 endpoint, e.g. "http://127.0.0.1:9000" (MinIO, versitygw, LocalStack). */
  endpoint?: string | undefined;
  /** Always put the bucket in the path (`host/bucket/key`) instead of the host name. */
  forcePathStyle?: boolean | undefined;
  /**
   * Sign every URL as of this instant instead of the current time. A batch should
   * pass one date for all its URLs: X-Amz-Date and expiresAt are then the same for
   * every line, and the signing key (which depends on the day) is derived once.
   * Tests use it for reproducible URLs.
   */
  signingDate?: Date | undefined;
}

export interface PresignCommonOptions {
  /** Seconds the URL stays valid: 1 to 604800 (7 days). Default 900. */
  expiresIn?: number | undefined;
}

export interface GetPresignOptions extends PresignCommonOptions {
  versionId?: string | undefined;
  /** Makes S3 answer with this Content-Type (`response-content-type`). */
  responseContentType?: string | undefined;
  /** Makes S3 answer with this Content-Disposition, e.g. `attachment; filename="report.pdf"`. */
  responseContentDisposition?: string | undefined;
  responseCacheControl?: string | undefined;
  responseContentEncoding?: string | undefined;
  responseContentLanguage?: string | undefined;
}

export type ServerSideEncryption = "AES256" | "aws:kms";

export interface PutPresignOptions extends PresignCommonOptions {
  /** Signed: the uploader must send exactly this Content-Type. */
  contentType?: string | undefined;
  /** Signed: the upload must be exactly this many bytes. */
  contentLength?: number | undefined;
  /**
   * User metadata, signed headers x-amz-meta-<name> the uploader must send (names
   * are lowercased, as S3 does; values printable ASCII).
   */
  metadata?: Readonly<Record<string, string>> | undefined;
  /** Signed header x-amz-server-side-encryption; the uploader must send it. */
  sse?: ServerSideEncryption | undefined;
  /** KMS key for `sse: "aws:kms"` (signed header x-amz-server-side-encryption-aws-kms-key-id). */
  sseKmsKeyId?: string | undefined;
  /**
   * Base64 SHA-256 of the body. Signed header x-amz-checksum-sha256: the uploader
   * must send it and S3 rejects a body that does not match.
   */
  checksumSha256?: string | undefined;
}

export type PresignMethod = "GET" | "PUT";

/** What `presign get|put --json` prints. */
export interface PresignedRequest {
  url: string;
  method: PresignMethod;
  /** Headers the client must send with exactly these values (lowercase names). Empty for most GETs. */
  headers: Record<string, string>;
  /** ISO 8601 instant after which S3 refuses the URL. */
  expiresAt: string;
}
