// A client for MinIO's admin API (/minio/admin/v3): SigV4-signed requests (service "s3")
// through the same HTTP handler as the SDK clients (keep-alive, timeouts, CA bundle), the
// bodies MinIO wants encrypted sealed with the caller's secret key, and the encrypted
// answers opened again. --debug shows operation, path and status; never a body.

import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import type { Readable } from "node:stream";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Aws } from "../clients.js";
import { mapAwsError } from "../errors.js";
import { decryptFromMinio, encryptForMinio } from "./envelope.js";
import { type MinioErrorBody, minioAdminError } from "./errors.js";

export const ADMIN_PREFIX = "/minio/admin/v3";

export interface AdminRequest {
  /** For --debug and error messages, e.g. "AddUser". */
  operation: string;
  method: "GET" | "PUT" | "POST" | "DELETE";
  /** Below /minio/admin/v3, e.g. "/add-user". */
  path: string;
  query?: Record<string, string>;
  /** A JSON body; sealed with the caller's secret when `encrypt` is set. */
  json?: unknown;
  /** A raw body (a policy document). */
  body?: string;
  encrypt?: boolean;
}

export interface AdminResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

const MAX_RESPONSE = 64 * 1024 * 1024;

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The hash the signer needs, from node:crypto (HMAC when given a key). */
class Sha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#hash = secret ? createHmac("sha256", toBytes(secret)) : createHash("sha256");
  }
  update(data: SourceData): void {
    this.#hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > MAX_RESPONSE) throw new Error("MinIO's answer is larger than 64 MiB");
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The JSON error body MinIO's admin API sends, or undefined when the answer is something else. */
export function parseAdminError(response: AdminResponse): MinioErrorBody | undefined {
  const type = response.headers["content-type"] ?? "";
  if (!type.includes("json")) return undefined;
  try {
    const parsed: unknown = JSON.parse(response.body.toString("utf8"));
    if (parsed && typeof parsed === "object" && typeof (parsed as MinioErrorBody).Code === "string")
      return parsed as MinioErrorBody;
  } catch {
    // not JSON after all
  }
  return undefined;
}

export class MinioAdmin {
  readonly #aws: Aws;
  readonly endpoint: URL;

  constructor(aws: Aws) {
    this.#aws = aws;
    // The admin API sits at the server's root, whatever path the S3 endpoint has.
    this.endpoint = new URL(new URL(aws.endpoint("s3")).origin);
  }

  /** Sends one request; any status comes back (callers decide what an answer means). */
  async raw(req: AdminRequest): Promise<AdminResponse> {
    const credentials = await this.#aws.credentials();
    let body: Buffer | undefined;
    if (req.json !== undefined) {
      const text = Buffer.from(JSON.stringify(req.json), "utf8");
      body = req.encrypt ? encryptForMinio(credentials.secretAccessKey, text) : text;
    } else if (req.body !== undefined) {
      body = Buffer.from(req.body, "utf8");
    }
    const payload = body ?? Buffer.alloc(0);
    const headers: Record<string, string> = {
      host: this.endpoint.host,
      "x-amz-content-sha256": createHash("sha256").update(payload).digest("hex"),
    };
    if (body) {
      headers["content-length"] = String(body.length);
      headers["content-type"] = req.encrypt ? "application/octet-stream" : "application/json";
    }
    const signer = new SignatureV4({
      service: "s3",
      region: this.#aws.region,
      credentials,
      sha256: Sha256,
      uriEscapePath: false,
    });
    const request = {
      method: req.method,
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname.replace(/^\[(.*)\]$/, "$1"),
      ...(this.endpoint.port ? { port: Number(this.endpoint.port) } : {}),
      path: `${ADMIN_PREFIX}${req.path}`,
      query: req.query ?? {},
      headers,
      ...(body ? { body } : {}),
    };
    const signed = await signer.sign(request);
    const log = this.#aws.debugLog;
    const operation = `MINIO-ADMIN ${req.operation}`;
    if (log) {
      const shown = {
        ...req.query,
        ...(body ? { body: req.encrypt ? "<encrypted>" : "<body>" } : {}),
      };
      log(`→ ${operation} ${JSON.stringify(shown)}`);
      const query = new URLSearchParams(req.query ?? {}).toString();
      log(`  http ${req.method} ${this.endpoint.origin}${request.path}${query ? `?${query}` : ""}`);
    }
    const started = performance.now();
    const handler = await this.#aws.httpHandler();
    try {
      const { response } = await handler.handle(signed as never);
      const answer: AdminResponse = {
        status: response.statusCode,
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        body: response.body ? await readAll(response.body as Readable) : Buffer.alloc(0),
      };
      log?.(
        `${answer.status < 300 ? "←" : "✗"} ${operation} ${answer.status} in ${Math.round(performance.now() - started)} ms`,
      );
      return answer;
    } catch (err) {
      log?.(
        `✗ ${operation} ${(err as Error).name} after ${Math.round(performance.now() - started)} ms`,
      );
      throw mapAwsError(err, { endpoint: this.endpoint.origin, operation: req.operation });
    }
  }

  /** Sends a request and throws the mapped error unless MinIO answered 2xx. */
  async send(req: AdminRequest): Promise<AdminResponse> {
    const response = await this.raw(req);
    if (response.status >= 200 && response.status < 300) return response;
    const error = parseAdminError(response) ?? {
      Message: `unexpected answer ${response.status} (is this a MinIO server?)`,
    };
    throw minioAdminError(response.status, error, req.operation);
  }

  async json<T>(req: AdminRequest): Promise<T> {
    const response = await this.send(req);
    return JSON.parse(response.body.toString("utf8")) as T;
  }

  /** For the answers MinIO encrypts with the caller's secret (Argon2id: ~0.1-0.2 s each). */
  async decryptedJson<T>(req: AdminRequest): Promise<T> {
    const response = await this.send(req);
    const { secretAccessKey } = await this.#aws.credentials();
    const plain = await decryptFromMinio(secretAccessKey, response.body);
    return JSON.parse(plain.toString("utf8")) as T;
  }
}
