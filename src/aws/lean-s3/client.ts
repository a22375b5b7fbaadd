import { hash } from "node:crypto";
import {
  type BucketAddress,
  type EndpointSettings,
  isValidRegion,
  parseCustomEndpoint,
  resolveBucketAddress,
} from "../../core/presign/s3-endpoint.js";
import { encodeKeyPath } from "../../core/presign/uri-encode.js";
import { redactInput } from "../debug.js";
import { isLoopback } from "../settings.js";
import { type LeanS3Error, requestError } from "./errors.js";
import type { Connection, Origin, ResponseBody, ResponseHead } from "./http1.js";
import { ConnectionPool } from "./pool.js";
import { EMPTY_SHA256, HeaderSigner, type SigningCredentials, UNSIGNED_PAYLOAD } from "./sign.js";

/**
 * The four object requests a transfer sends thousands of times (GetObject, HeadObject,
 * PutObject, UploadPart), sent without the SDK: signed here, over ConnectionPool's sockets,
 * with inputs and outputs in the SDK's shapes and errors the SDK's way (name = S3's code,
 * `$metadata.httpStatusCode`), so callers and error mapping treat both alike. Everything
 * else (multipart create/complete/abort, listings, copies) stays with the SDK.
 *
 * Per request this costs one signature and one write; the SDK's pipeline (middleware,
 * serialisers, a stream per body) cost about 2 ms of CPU per request here (bench/RESULTS.md).
 */

export interface LeanS3Settings {
  region: string;
  /** The custom endpoint (--endpoint-url), if any. */
  endpoint?: string | undefined;
  forcePathStyle: boolean;
  credentials: () => Promise<SigningCredentials & { expiration?: Date | undefined }>;
  tls?: { ca?: Buffer | undefined };
  maxSockets: number;
  debugLog?: ((line: string) => void) | undefined;
}

export interface RequestOptions {
  abortSignal?: AbortSignal | undefined;
}

/** The headers S3 answers an object request with, in the SDK's field names. */
export interface ObjectHeaders {
  ETag?: string | undefined;
  ContentLength?: number | undefined;
  ContentRange?: string | undefined;
  ContentType?: string | undefined;
  CacheControl?: string | undefined;
  ContentDisposition?: string | undefined;
  ContentEncoding?: string | undefined;
  ContentLanguage?: string | undefined;
  LastModified?: Date | undefined;
  VersionId?: string | undefined;
  ServerSideEncryption?: string | undefined;
  SSECustomerAlgorithm?: string | undefined;
  SSEKMSKeyId?: string | undefined;
  Metadata?: Record<string, string> | undefined;
  ChecksumCRC32?: string | undefined;
  ChecksumCRC32C?: string | undefined;
  ChecksumCRC64NVME?: string | undefined;
  ChecksumSHA1?: string | undefined;
  ChecksumSHA256?: string | undefined;
  ChecksumType?: string | undefined;
  $metadata: { httpStatusCode: number; requestId?: string | undefined; attempts: number };
}

export interface GetObjectInput {
  Bucket: string;
  Key: string;
  Range?: string | undefined;
  IfMatch?: string | undefined;
  ChecksumMode?: "ENABLED" | undefined;
}

export interface PutInput {
  Bucket: string;
  Key: string;
  Body: Uint8Array;
  /** Request headers besides the standard ones (lowercase names), e.g. x-amz-checksum-crc32. */
  headers: Array<[string, string]>;
}

export interface UploadPartInput extends PutInput {
  UploadId: string;
  PartNumber: number;
}

const CHECKSUM_FIELDS = [
  ["x-amz-checksum-crc32", "ChecksumCRC32"],
  ["x-amz-checksum-crc32c", "ChecksumCRC32C"],
  ["x-amz-checksum-crc64nvme", "ChecksumCRC64NVME"],
  ["x-amz-checksum-sha1", "ChecksumSHA1"],
  ["x-amz-checksum-sha256", "ChecksumSHA256"],
] as const;

export class LeanS3 {
  private readonly pool: ConnectionPool;
  private readonly endpointSettings: EndpointSettings;
  private readonly addresses = new Map<string, { address: BucketAddress; origin: Origin }>();
  private signer: { signer: HeaderSigner; expiration: number; accessKeyId: string } | undefined;
  private signing: Promise<HeaderSigner> | undefined;
  /** Milliseconds to add to this machine's clock (learned from a skew error). */
  private clockOffset = 0;
  /** The endpoint is this machine. */
  private readonly loopback: boolean;

  constructor(private readonly settings: LeanS3Settings) {
    this.pool = new ConnectionPool({
      connectTimeoutMs: 5_000,
      idleTimeoutMs: 120_000,
      maxSockets: settings.maxSockets,
      idleMs: 30_000,
      ...(settings.tls ? { tls: settings.tls } : {}),
    });
    this.endpointSettings = {
      region: settings.region,
      endpoint:
        settings.endpoint === undefined ? undefined : parseCustomEndpoint(settings.endpoint),
      forcePathStyle: settings.forcePathStyle,
    };
    this.loopback = settings.endpoint !== undefined && isLoopback(settings.endpoint);
  }

  /**
   * Whether requests for this bucket can go out from here: plain bucket names in a plain
   * region. ARNs, directory buckets and special regions need the SDK's endpoint rules.
   */
  supports(bucket: string): boolean {
    return isValidRegion(this.settings.region) && this.locate(bucket) !== undefined;
  }

  async getObject(
    input: GetObjectInput,
    options: RequestOptions = {},
  ): Promise<ObjectHeaders & { Body: ResponseBody }> {
    const headers: Array<[string, string]> = [];
    if (input.Range) headers.push(["range", input.Range]);
    if (input.IfMatch) headers.push(["if-match", input.IfMatch]);
    if (input.ChecksumMode) headers.push(["x-amz-checksum-mode", input.ChecksumMode]);
    const { head, body } = await this.send("GetObject", input, {
      method: "GET",
      bucket: input.Bucket,
      key: input.Key,
      query: [],
      headers,
      signal: options.abortSignal,
    });
    return { ...objectHeaders(head), Body: body };
  }

  async headObject(
    input: { Bucket: string; Key: string; ChecksumMode?: "ENABLED" | undefined },
    options: RequestOptions = {},
  ): Promise<ObjectHeaders> {
    const headers: Array<[string, string]> = [];
    if (input.ChecksumMode) headers.push(["x-amz-checksum-mode", input.ChecksumMode]);
    const { head } = await this.send("HeadObject", input, {
      method: "HEAD",
      bucket: input.Bucket,
      key: input.Key,
      query: [],
      headers,
      signal: options.abortSignal,
    });
    return objectHeaders(head);
  }

  async putObject(input: PutInput, options: RequestOptions = {}): Promise<ObjectHeaders> {
    const { head, body } = await this.send("PutObject", input, {
      method: "PUT",
      bucket: input.Bucket,
      key: input.Key,
      query: [],
      headers: [...input.headers],
      body: input.Body,
      signal: options.abortSignal,
    });
    await body.drain();
    return objectHeaders(head);
  }

  async uploadPart(input: UploadPartInput, options: RequestOptions = {}): Promise<ObjectHeaders> {
    const { head, body } = await this.send("UploadPart", input, {
      method: "PUT",
      bucket: input.Bucket,
      key: input.Key,
      query: [
        ["partNumber", String(input.PartNumber)],
        ["uploadId", input.UploadId],
      ],
      headers: [...input.headers],
      body: input.Body,
      signal: options.abortSignal,
    });
    await body.drain();
    return objectHeaders(head);
  }

  destroy(): void {
    this.pool.destroy();
  }

  // ---

  private locate(bucket: string) {
    let found = this.addresses.get(bucket);
    if (!found) {
      const address = resolveBucketAddress(this.endpointSettings, bucket);
      if (!address) return undefined;
      const url = new URL(address.origin);
      const protocol = url.protocol === "https:" ? "https:" : "http:";
      const origin: Origin = {
        protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port ? Number(url.port) : protocol === "https:" ? 443 : 80,
      };
      found = { address, origin };
      this.addresses.set(bucket, found);
    }
    return found;
  }

  private async signerNow(): Promise<HeaderSigner> {
    const current = this.signer;
    if (current && current.expiration - Date.now() > 300_000) return current.signer;
    this.signing ??= this.settings
      .credentials()
      .then((credentials) => {
        const signer = new HeaderSigner(credentials, this.settings.region);
        this.signer = {
          signer,
          expiration: credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY,
          accessKeyId: credentials.accessKeyId,
        };
        return signer;
      })
      .finally(() => {
        this.signing = undefined;
      });
    return this.signing;
  }

  private async send(
    operation: string,
    input: object,
    request: {
      method: string;
      bucket: string;
      key: string;
      query: Array<[string, string]>;
      headers: Array<[string, string]>;
      body?: Uint8Array | undefined;
      signal?: AbortSignal | undefined;
    },
  ): Promise<{ head: ResponseHead; body: ResponseBody }> {
    const located = this.locate(request.bucket);
    if (!located) throw new Error(`bucket ${request.bucket} needs the SDK's endpoint rules`);
    const { address, origin } = located;
    const path = `${address.keyPathPrefix}${encodeKeyPath(request.key)}`;
    const debug = this.settings.debugLog;
    const started = debug ? performance.now() : 0;
    if (debug) debug(`→ S3 ${operation} ${JSON.stringify(redactInput(input))}`);
    const body = request.body;
    // Over plain HTTP across a network the payload is signed (its SHA-256), so that no one
    // on the way can change it unnoticed. Over TLS, which protects it, or to a server on
    // this machine (loopback: there is no way in between), it needs no hash of its own:
    // uploads carry a checksum S3 verifies either way. The hash cost the client and the
    // server 0.6 s of CPU each per GiB (bench/RESULTS.md).
    const payloadHash =
      !body || body.length === 0
        ? EMPTY_SHA256
        : origin.protocol === "https:" || this.loopback
          ? UNSIGNED_PAYLOAD
          : hash("sha256", body, "hex");
    for (let attempt = 1; ; attempt++) {
      const signer = await this.signerNow();
      const headers: Array<[string, string]> = [...request.headers];
      if (body) headers.push(["content-length", String(body.length)]);
      const query = signer.sign(
        {
          method: request.method,
          host: address.host,
          path,
          query: request.query,
          headers,
          payloadHash,
        },
        new Date(Date.now() + this.clockOffset),
      );
      let head = `${request.method} ${path}${query ? `?${query}` : ""} HTTP/1.1\r\nuser-agent: s3kit\r\n`;
      for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
      head += "\r\n";
      if (debug)
        debug(
          `  http ${request.method} ${origin.protocol}//${address.host}${path}${query ? `?${query}` : ""}`,
        );
      const connection = await this.pool.acquire(origin, request.signal);
      let answer: { head: ResponseHead; body: ResponseBody };
      try {
        answer = await this.exchange(
          connection,
          head,
          body,
          request.method === "HEAD",
          request.signal,
        );
      } catch (err) {
        const reused = connection.uses > 1 && connection.unanswered;
        this.pool.release(connection);
        // A kept-alive connection the server had just closed: the request never arrived.
        if (reused && attempt === 1 && !request.signal?.aborted) continue;
        if (debug)
          debug(
            `✗ S3 ${operation}  ${(err as Error).name} after ${Math.round(performance.now() - started)} ms`,
          );
        throw annotate(err, {
          endpoint: `${origin.protocol}//${address.host}`,
          region: this.settings.region,
          operation,
          bucket: request.bucket,
        });
      }
      void answer.body.settled.then(() => this.pool.release(connection));
      const status = answer.head.status;
      if (status >= 300 && !(status === 304 && request.method === "GET")) {
        const text =
          request.method === "HEAD"
            ? ""
            : (await answer.body.toBuffer().catch(() => Buffer.alloc(0))).toString("utf8");
        const err = requestError(answer.head, text);
        if (attempt === 1 && this.learnClockSkew(err, answer.head)) continue;
        if (debug)
          debug(
            `✗ S3 ${operation} ${status} ${err.name} after ${Math.round(performance.now() - started)} ms`,
          );
        throw annotate(err, {
          endpoint: `${origin.protocol}//${address.host}`,
          region: this.settings.region,
          operation,
          bucket: request.bucket,
        });
      }
      if (debug)
        debug(
          `← S3 ${operation} ${status} in ${Math.round(performance.now() - started)} ms (${attempt} attempt(s))`,
        );
      return answer;
    }
  }

  private exchange(
    connection: Connection,
    head: string,
    body: Uint8Array | undefined,
    headOnly: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ head: ResponseHead; body: ResponseBody }> {
    if (signal?.aborted) return Promise.reject(abortError());
    const onAbort = () => connection.destroy(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
    const answer = connection.request(head, body, headOnly);
    if (signal) {
      void answer.then(
        (a) => a.body.settled.then(() => signal.removeEventListener("abort", onAbort)),
        () => signal.removeEventListener("abort", onAbort),
      );
    }
    return answer;
  }

  /** RequestTimeTooSkewed and friends: sign with the server's clock from now on. */
  private learnClockSkew(err: LeanS3Error, head: ResponseHead): boolean {
    if (!["RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException"].includes(err.name))
      return false;
    const serverTime = Date.parse(head.headers.date ?? "");
    if (Number.isNaN(serverTime)) return false;
    const offset = serverTime - Date.now();
    if (Math.abs(offset - this.clockOffset) < 60_000) return false;
    this.clockOffset = offset;
    return true;
  }
}

function objectHeaders(head: ResponseHead): ObjectHeaders {
  const h = head.headers;
  const out: ObjectHeaders = {
    $metadata: { httpStatusCode: head.status, requestId: h["x-amz-request-id"], attempts: 1 },
  };
  if (h.etag !== undefined) out.ETag = h.etag;
  if (h["content-length"] !== undefined) out.ContentLength = Number(h["content-length"]);
  if (h["content-range"] !== undefined) out.ContentRange = h["content-range"];
  if (h["content-type"] !== undefined) out.ContentType = h["content-type"];
  if (h["cache-control"] !== undefined) out.CacheControl = h["cache-control"];
  if (h["content-disposition"] !== undefined) out.ContentDisposition = h["content-disposition"];
  if (h["content-encoding"] !== undefined) out.ContentEncoding = h["content-encoding"];
  if (h["content-language"] !== undefined) out.ContentLanguage = h["content-language"];
  if (h["last-modified"] !== undefined) out.LastModified = new Date(h["last-modified"]);
  if (h["x-amz-version-id"] !== undefined) out.VersionId = h["x-amz-version-id"];
  if (h["x-amz-server-side-encryption"] !== undefined)
    out.ServerSideEncryption = h["x-amz-server-side-encryption"];
  if (h["x-amz-server-side-encryption-customer-algorithm"] !== undefined)
    out.SSECustomerAlgorithm = h["x-amz-server-side-encryption-customer-algorithm"];
  if (h["x-amz-server-side-encryption-aws-kms-key-id"] !== undefined)
    out.SSEKMSKeyId = h["x-amz-server-side-encryption-aws-kms-key-id"];
  for (const [header, field] of CHECKSUM_FIELDS) {
    if (h[header] !== undefined) out[field] = h[header];
  }
  if (h["x-amz-checksum-type"] !== undefined) out.ChecksumType = h["x-amz-checksum-type"];
  for (const name in h) {
    if (name.startsWith("x-amz-meta-")) {
      out.Metadata ??= {};
      out.Metadata[name.slice("x-amz-meta-".length)] = h[name] as string;
    }
  }
  return out;
}

function annotate(
  err: unknown,
  context: { endpoint: string; region: string; operation: string; bucket: string },
): unknown {
  if (err !== null && typeof err === "object" && !("$s3kit" in err)) {
    Object.defineProperty(err, "$s3kit", { value: context, enumerable: false });
  }
  return err;
}

function abortError(): Error {
  const err = new Error("The request was aborted");
  err.name = "AbortError";
  return err;
}
