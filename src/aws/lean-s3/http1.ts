import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/**
 * HTTP/1.1 for object data, on raw sockets.
 *
 * Node's http client allocates a fresh buffer for every socket read and sends each through a
 * stream: for a downloaded gigabyte that is ~16,000 buffers for the garbage collector and most
 * of the client's CPU time (measured in bench/RESULTS.md). Here the socket reads straight into
 * memory the caller lends (`onread` with a buffer per read): into the one buffer of a small
 * object, or into the batch that goes to disk next. Nothing is copied in between.
 *
 * What it speaks: one request at a time per connection (no pipelining), keep-alive unless the
 * server says `Connection: close`, bodies framed by Content-Length, chunked encoding or the
 * end of the connection; HEAD, 204 and 304 have none.
 */

export interface Origin {
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
}

export interface ConnectOptions {
  /** Extra TLS options (a CA bundle). */
  tls?: { ca?: Buffer | undefined };
  /** Milliseconds to wait for a connection. */
  connectTimeoutMs: number;
  /** Milliseconds of silence during a request before it fails. */
  idleTimeoutMs: number;
}

export interface ResponseHead {
  status: number;
  /** Lowercase names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/**
 * Where body bytes go: `space` lends the memory for the next socket read (or undefined to
 * pause until `resume` is called on the body), `filled` says how many bytes landed at its start.
 */
export interface BodySink {
  space(): Buffer | undefined;
  filled(bytes: number): void;
}

/** Why a request or body failed below HTTP: the codes the retry logic knows. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = code === "TimeoutError" ? "TimeoutError" : "WireError";
  }
}

const MAX_HEAD = 64 * 1024;
const SCRATCH = 64 * 1024;
const CRLFCRLF = Buffer.from("\r\n\r\n");

type Framing =
  | { kind: "none" }
  | { kind: "length"; remaining: number }
  | { kind: "chunked" }
  | { kind: "close" };

interface Exchange {
  head?: ResponseHead;
  framing?: Framing;
  headParts: Buffer[];
  headBytes: number;
  onHead: (head: ResponseHead, body: ResponseBody) => void;
  onError: (err: Error) => void;
  body?: ResponseBody;
  /** Whether any byte of the response arrived (a reused connection that fails before is retried). */
  answered: boolean;
  headOnly: boolean;
}

/** One connection: a socket whose reads go where the current exchange wants them. */
export class Connection {
  readonly socket: Socket;
  private scratch = Buffer.allocUnsafe(SCRATCH);
  private exchange: Exchange | undefined;
  private connected = false;
  private dead = false;
  /** Requests this connection has carried (a reused one may have been closed by the server). */
  uses = 0;
  /** Whether any of the answer to the last request arrived. */
  private lastAnswered = false;
  keepAlive = true;
  onIdleClose: (() => void) | undefined;

  constructor(
    readonly origin: Origin,
    options: ConnectOptions,
  ) {
    const onread = {
      buffer: () => this.readTarget(),
      callback: (bytes: number, buffer: Buffer) => this.onRead(bytes, buffer),
    };
    this.socket =
      origin.protocol === "https:"
        ? tlsConnect({
            host: origin.hostname,
            port: origin.port,
            ...(isIp(origin.hostname) ? {} : { servername: origin.hostname }),
            ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
            onread,
          } as never)
        : netConnect({ host: origin.hostname, port: origin.port, onread });
    this.socket.setNoDelay(true);
    this.socket.setTimeout(options.connectTimeoutMs, () => {
      this.destroy(
        new WireError(
          this.connected
            ? `no answer from ${origin.hostname}:${origin.port} for ${options.idleTimeoutMs / 1000} s`
            : `could not connect to ${origin.hostname}:${origin.port} within ${options.connectTimeoutMs / 1000} s`,
          this.connected ? "TimeoutError" : "ETIMEDOUT",
        ),
      );
    });
    const ready = origin.protocol === "https:" ? "secureConnect" : "connect";
    this.socket.once(ready, () => {
      this.connected = true;
      this.socket.setTimeout(options.idleTimeoutMs);
    });
    this.socket.on("error", (err: NodeJS.ErrnoException) => {
      this.destroy(new WireError(err.message, err.code ?? "ECONNRESET"));
    });
    this.socket.on("end", () => this.onEnd());
    this.socket.on("close", () => this.onEnd());
  }

  get usable(): boolean {
    return !this.dead && this.keepAlive;
  }

  /**
   * Sends a request (head, and the body if any) and resolves with the response head once it
   * arrives; the body is read when the caller asks for it.
   */
  request(
    head: string,
    body: Uint8Array | undefined,
    headOnly: boolean,
  ): Promise<{ head: ResponseHead; body: ResponseBody }> {
    if (this.dead) return Promise.reject(new WireError("connection closed", "ECONNRESET"));
    this.uses++;
    this.lastAnswered = false;
    return new Promise((resolve, reject) => {
      this.exchange = {
        headParts: [],
        headBytes: 0,
        onHead: (h, b) => resolve({ head: h, body: b }),
        onError: reject,
        answered: false,
        headOnly,
      };
      const socket = this.socket;
      socket.cork();
      socket.write(head, "latin1");
      if (body && body.length > 0) socket.write(body);
      socket.uncork();
      // A socket paused after the last response reads again for this one.
      socket.resume();
    });
  }

  /** Whether the last failure happened before any of the response arrived. */
  get unanswered(): boolean {
    return !this.lastAnswered;
  }

  destroy(err?: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const exchange = this.exchange;
    this.exchange = undefined;
    if (exchange) {
      const failure = err ?? new WireError("connection closed", "ECONNRESET");
      if (exchange.body) exchange.body.fail(failure);
      else exchange.onError(failure);
    } else {
      this.onIdleClose?.();
    }
  }

  /** The body was read to its end: the connection can take the next request. */
  finished(): void {
    this.exchange = undefined;
  }

  private readTarget(): Buffer {
    const body = this.exchange?.body;
    if (body) {
      const lent = body.lend();
      if (lent) return lent;
    }
    return this.scratch;
  }

  private onRead(bytes: number, buffer: Buffer): boolean {
    const exchange = this.exchange;
    if (!exchange) {
      // Bytes nobody asked for: the server broke the protocol; this connection is done.
      this.destroy(new WireError("unexpected data on an idle connection", "ECONNRESET"));
      return false;
    }
    exchange.answered = true;
    this.lastAnswered = true;
    if (exchange.body) return exchange.body.received(buffer, bytes);
    // Still reading the head (the scratch buffer holds the bytes).
    const piece = Buffer.from(buffer.subarray(0, bytes));
    exchange.headParts.push(piece);
    exchange.headBytes += bytes;
    const all = exchange.headParts.length === 1 ? piece : Buffer.concat(exchange.headParts);
    const end = all.indexOf(CRLFCRLF);
    if (end === -1) {
      if (exchange.headBytes > MAX_HEAD) {
        this.destroy(new WireError("response head too large", "ECONNRESET"));
      }
      exchange.headParts = [all];
      return true;
    }
    let head: ResponseHead;
    let framing: Framing;
    try {
      head = parseHead(all.toString("latin1", 0, end));
      framing = framingOf(head, exchange.headOnly);
    } catch (err) {
      this.destroy(err as Error);
      return false;
    }
    if (head.status === 100) {
      // "100 Continue" before the real answer: drop it and read on.
      exchange.headParts = [all.subarray(end + 4)];
      exchange.headBytes = exchange.headParts[0]?.length ?? 0;
      return exchange.headBytes > 0 ? this.onRead(0, Buffer.alloc(0)) || true : true;
    }
    const connection = (head.headers.connection ?? "").toLowerCase();
    if (connection.includes("close") || framing.kind === "close") this.keepAlive = false;
    const body = new ResponseBody(this, framing);
    exchange.head = head;
    exchange.framing = framing;
    exchange.body = body;
    const rest = all.subarray(end + 4);
    // Whatever body bytes came with the head wait until the caller says where they go.
    body.start(rest);
    exchange.onHead(head, body);
    return body.reading;
  }

  /** The server closed its side (or the socket closed): a body framed by the close ends here. */
  private onEnd(): void {
    const body = this.exchange?.body;
    if (body) body.ended();
    // (An error object only when a request is still waiting: most closes end a finished one.)
    this.destroy(
      this.exchange ? new WireError("the server closed the connection", "ECONNRESET") : undefined,
    );
  }
}

/**
 * A response body: read whole into one buffer, streamed into a sink's buffers, or dropped.
 * Until one of those is asked for, the socket is paused (nothing is read ahead).
 */
export class ResponseBody {
  private sink: BodySink | undefined;
  /** Bytes that arrived but found no room in the sink yet (copies, in order). */
  private readonly pending: Buffer[] = [];
  /** Every byte of the body came off the wire. */
  private wireDone = false;
  private done = false;
  private failure: Error | undefined;
  private settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private readonly chunked: ChunkedDecoder | undefined;
  /** The sink memory lent for the read in progress. */
  private current: Buffer | undefined;
  /** Whether the socket should read on after this read. */
  flowing = false;
  private wireBytes = 0;
  /** Resolves when the body ended or failed (the connection is free, or closed, then). */
  readonly settled: Promise<void>;
  private markSettled!: () => void;

  constructor(
    private readonly connection: Connection,
    private readonly framing: Framing,
  ) {
    if (framing.kind === "chunked") this.chunked = new ChunkedDecoder();
    this.settled = new Promise((resolve) => {
      this.markSettled = resolve;
    });
  }

  /** Whether the socket should read on now (an idle connection reads, to notice a close). */
  get reading(): boolean {
    return this.done ? !this.failure : this.flowing;
  }

  /** The length the head announced, if it did. */
  get length(): number | undefined {
    if (this.framing.kind === "length") return this.framing.remaining + this.wireBytes;
    return this.framing.kind === "none" ? 0 : undefined;
  }

  start(rest: Buffer): void {
    if (this.framing.kind === "none") {
      this.wireDone = true;
      this.maybeComplete();
      return;
    }
    if (rest.length > 0) this.fromWire(rest);
    if (this.framing.kind === "length" && this.framing.remaining === 0) this.wireDone = true;
    this.maybeComplete();
  }

  /** Streams the body into the sink; resolves when the last byte is in. */
  pipe(sink: BodySink): Promise<void> {
    this.sink = sink;
    const finished = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    if (this.failure) this.settle?.reject(this.failure);
    else if (this.done) this.settle?.resolve();
    else this.resume();
    return finished;
  }

  /** The whole body in one buffer (allocated once when the length is known). */
  async toBuffer(): Promise<Buffer> {
    const known = this.length;
    if (known !== undefined) {
      const data = Buffer.allocUnsafe(known);
      let filled = 0;
      await this.pipe({
        space: () => (filled < known ? data.subarray(filled) : undefined),
        filled: (n) => {
          filled += n;
        },
      });
      return data.subarray(0, filled);
    }
    const parts: Buffer[] = [];
    let scratch = Buffer.allocUnsafe(SCRATCH);
    let used = 0;
    await this.pipe({
      space: () => {
        if (used === scratch.length) {
          parts.push(scratch);
          scratch = Buffer.allocUnsafe(SCRATCH);
          used = 0;
        }
        return scratch.subarray(used);
      },
      filled: (n) => {
        used += n;
      },
    });
    parts.push(scratch.subarray(0, used));
    return Buffer.concat(parts);
  }

  /** Reads and drops the body (so the connection can be reused). */
  async drain(): Promise<void> {
    const scratch = Buffer.allocUnsafe(SCRATCH);
    await this.pipe({ space: () => scratch, filled: () => {} });
  }

  /** Stops reading: the connection is closed. */
  destroy(err?: Error): void {
    if (this.done) return;
    this.connection.destroy(err ?? new WireError("the body was not read", "ECONNRESET"));
  }

  /** The sink has room (again): hand it what waited, then read on. */
  resume(): void {
    if (this.done || !this.sink) return;
    while (this.pending.length > 0) {
      const next = this.pending[0] as Buffer;
      const taken = this.copyIn(next);
      if (taken < next.length) {
        this.pending[0] = next.subarray(taken);
        this.flowing = false;
        return;
      }
      this.pending.shift();
    }
    this.maybeComplete();
    if (this.done) return;
    this.flowing = true;
    this.connection.socket.resume();
  }

  // --- called by the connection

  /** Memory for the next read: the sink's own, when the bytes can land there as they are. */
  lend(): Buffer | undefined {
    this.current = undefined;
    if (!this.sink || this.chunked || this.pending.length > 0) return undefined;
    const space = this.sink.space();
    if (!space || space.length === 0) return undefined;
    this.current =
      this.framing.kind === "length" && space.length > this.framing.remaining
        ? space.subarray(0, this.framing.remaining)
        : space;
    return this.current;
  }

  /** Bytes arrived in `buffer` (lent sink memory, or the scratch); returns whether to read on. */
  received(buffer: Buffer, bytes: number): boolean {
    if (this.done) return false;
    if (this.current !== undefined && buffer === this.current) {
      this.current = undefined;
      this.countWire(bytes);
      this.sink?.filled(bytes);
    } else {
      this.current = undefined;
      this.fromWire(buffer.subarray(0, bytes));
    }
    this.maybeComplete();
    // Once the body is done, the idle connection reads on: that is how it notices the
    // server closing it.
    if (this.done) return !this.failure;
    if (!this.sink || this.pending.length > 0) this.flowing = false;
    return this.flowing;
  }

  ended(): void {
    if (this.done) return;
    if (this.framing.kind === "close") {
      this.connection.keepAlive = false;
      this.wireDone = true;
      this.maybeComplete();
      // Bytes still waiting for the sink are delivered when it resumes.
      if (!this.done && this.sink) this.resume();
    } else if (!this.wireDone) {
      this.fail(new WireError("the connection closed before the body ended", "ECONNRESET"));
    }
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.failure = err;
    this.markSettled();
    this.settle?.reject(err);
  }

  // ---

  /** Bytes that arrived outside the sink's memory (with the head, chunked, or while it was full). */
  private fromWire(bytes: Buffer): void {
    let pieces: Buffer[] = [bytes];
    if (this.chunked) {
      const decoded = this.chunked.decode(bytes);
      if (decoded.error) {
        this.connection.destroy(new WireError(decoded.error, "ECONNRESET"));
        return;
      }
      pieces = decoded.pieces;
      if (decoded.finished) this.wireDone = true;
    } else {
      if (this.framing.kind === "length" && bytes.length > this.framing.remaining) {
        this.connection.destroy(new WireError("more bytes than Content-Length", "ECONNRESET"));
        return;
      }
      this.countWire(bytes.length);
    }
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      const taken = this.sink && this.pending.length === 0 ? this.copyIn(piece) : 0;
      if (taken < piece.length) this.pending.push(Buffer.from(piece.subarray(taken)));
    }
  }

  /** Copies bytes into the sink's memory; returns how many it took. */
  private copyIn(data: Buffer): number {
    let offset = 0;
    while (offset < data.length) {
      const space = this.sink?.space();
      if (!space || space.length === 0) break;
      const take = Math.min(space.length, data.length - offset);
      data.copy(space, 0, offset, offset + take);
      offset += take;
      this.sink?.filled(take);
    }
    return offset;
  }

  private countWire(bytes: number): void {
    this.wireBytes += bytes;
    if (this.framing.kind === "length") {
      this.framing.remaining -= bytes;
      if (this.framing.remaining === 0) this.wireDone = true;
    }
  }

  private maybeComplete(): void {
    if (this.done || !this.wireDone || this.pending.length > 0) return;
    this.done = true;
    this.flowing = false;
    this.connection.finished();
    // The connection goes back to the pool before the reader carries on.
    this.markSettled();
    this.settle?.resolve();
  }
}

function isIp(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.includes(":");
}

/** Parses a response head (status line and headers, without the blank line). */
export function parseHead(text: string): ResponseHead {
  const lines = text.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
  if (!status)
    throw new WireError(`not an HTTP response: ${(lines[0] ?? "").slice(0, 80)}`, "EPROTO");
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new WireError("malformed response header", "EPROTO");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  if (
    (lines[0] as string).startsWith("HTTP/1.0") &&
    !/keep-alive/i.test(headers.connection ?? "")
  ) {
    headers.connection = "close";
  }
  return { status: Number(status[1]), headers };
}

function framingOf(head: ResponseHead, headOnly: boolean): Framing {
  if (
    headOnly ||
    head.status === 204 ||
    head.status === 304 ||
    (head.status >= 100 && head.status < 200)
  ) {
    return { kind: "none" };
  }
  const encoding = head.headers["transfer-encoding"];
  if (encoding !== undefined) {
    if (encoding.toLowerCase() === "chunked") return { kind: "chunked" };
    throw new WireError(`unsupported Transfer-Encoding ${encoding}`, "EPROTO");
  }
  const length = head.headers["content-length"];
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new WireError(`bad Content-Length ${length}`, "EPROTO");
    return { kind: "length", remaining: Number(length) };
  }
  return { kind: "close" };
}

/** Chunked transfer coding, decoded incrementally. */
class ChunkedDecoder {
  private state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  private line = "";
  private remaining = 0;

  decode(input: Buffer): { pieces: Buffer[]; data: Buffer; finished: boolean; error?: string } {
    const pieces: Buffer[] = [];
    let i = 0;
    while (i < input.length && this.state !== "done") {
      if (this.state === "data") {
        const take = Math.min(this.remaining, input.length - i);
        pieces.push(input.subarray(i, i + take));
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = "data-end";
        continue;
      }
      const nl = input.indexOf(10, i);
      const end = nl === -1 ? input.length : nl + 1;
      this.line += input.toString("latin1", i, end);
      i = end;
      if (nl === -1) {
        if (this.line.length > 4096)
          return { pieces, data: input, finished: false, error: "chunk line too long" };
        continue;
      }
      const line = this.line.replace(/\r?\n$/, "");
      this.line = "";
      if (this.state === "size") {
        const size = /^([0-9a-fA-F]+)/.exec(line);
        if (!size) return { pieces, data: input, finished: false, error: "bad chunk size" };
        this.remaining = Number.parseInt(size[1] as string, 16);
        this.state = this.remaining === 0 ? "trailer" : "data";
      } else if (this.state === "data-end") {
        if (line !== "") return { pieces, data: input, finished: false, error: "bad chunk end" };
        this.state = "size";
      } else if (this.state === "trailer" && line === "") {
        this.state = "done";
      }
    }
    return { pieces, data: input, finished: this.state === "done" };
  }
}
