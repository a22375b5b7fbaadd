import { Worker } from "node:worker_threads";
import { type ChecksumAlgorithm, type CrcAlgorithm, isCrc, wasmTables } from "./checksums.js";
import { crcModuleBytes, DATA_OFFSET, DATA_SIZE } from "./crc-wasm.js";

export type HashName = ChecksumAlgorithm | "md5";

/**
 * The hashing side of ranged downloads, on a worker thread: as the ranges land in the
 * temporary file, the worker reads the part that is complete from the start (from the page
 * cache) and hashes it, so checking a large download costs neither a second pass over the
 * file nor time on the thread that moves the data.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const crypto = require("node:crypto");
const { moduleBytes, tables, dataOffset, dataSize } = workerData;
let compiled;
const instances = new Map();
function crcInstance(algorithm) {
  let instance = instances.get(algorithm);
  if (!instance) {
    compiled = compiled || new WebAssembly.Module(moduleBytes);
    instance = new WebAssembly.Instance(compiled).exports;
    new BigUint64Array(instance.memory.buffer, 0, tables[algorithm].length).set(tables[algorithm]);
    instances.set(algorithm, instance);
  }
  return instance;
}
function makeHasher(algorithm, fd) {
  if (algorithm === "md5" || algorithm === "sha1" || algorithm === "sha256") {
    const hash = crypto.createHash(algorithm);
    const buffer = Buffer.allocUnsafe(dataSize);
    return {
      read(position, length) {
        const n = fs.readSync(fd, buffer, 0, length, position);
        hash.update(buffer.subarray(0, n));
        return n;
      },
      digest: () => hash.digest(algorithm === "md5" ? "hex" : "base64"),
    };
  }
  const wide = algorithm === "crc64nvme";
  const mask = wide ? 0xffffffffffffffffn : 0xffffffffn;
  let crc = mask;
  return {
    read(position, length) {
      const instance = crcInstance(algorithm);
      const view = new Uint8Array(instance.memory.buffer, dataOffset, length);
      const n = fs.readSync(fd, view, 0, length, position);
      crc = instance.update(crc, dataOffset, n);
      return n;
    },
    digest() {
      const value = BigInt.asUintN(64, ~crc) & mask;
      const out = Buffer.alloc(wide ? 8 : 4);
      if (wide) out.writeBigUInt64BE(value);
      else out.writeUInt32BE(Number(value));
      return out.toString("base64");
    },
  };
}
const jobs = new Map();
const arenas = new Map();
const masks = { crc32: 0xffffffffn, crc32c: 0xffffffffn, crc64nvme: 0xffffffffffffffffn };
function hashTo(job, upTo) {
  while (job.position < upTo) {
    const n = job.hasher.read(job.position, Math.min(dataSize, upTo - job.position));
    if (n === 0) throw new Error("the file is shorter than expected");
    job.position += n;
  }
}
parentPort.on("message", (m) => {
  const job = jobs.get(m.id);
  try {
    if (m.type === "ranges") {
      jobs.set(m.id, { algorithm: m.algorithm, crcs: new Array(m.count).fill(masks[m.algorithm]) });
    } else if (m.type === "arena") {
      arenas.set(m.arena, m.buffer);
    } else if (m.type === "chunk") {
      // A batch of one range, in the buffers shared with the main thread: CRC it in order.
      const instance = crcInstance(job.algorithm);
      const source = new Uint8Array(arenas.get(m.arena), m.offset, m.length);
      let crc = job.crcs[m.range];
      for (let i = 0; i < m.length; i += dataSize) {
        const n = Math.min(dataSize, m.length - i);
        new Uint8Array(instance.memory.buffer, dataOffset, n).set(source.subarray(i, i + n));
        crc = instance.update(crc, dataOffset, n);
      }
      job.crcs[m.range] = crc;
      parentPort.postMessage({ reply: m.reply });
    } else if (m.type === "ranges-finish") {
      const mask = masks[job.algorithm];
      jobs.delete(m.id);
      parentPort.postMessage({ reply: m.reply, values: job.crcs.map((c) => String(BigInt.asUintN(64, ~c) & mask)) });
    } else if (m.type === "begin") {
      const fd = fs.openSync(m.path, "r");
      jobs.set(m.id, { fd, position: 0, hasher: makeHasher(m.algorithm, fd) });
    } else if (m.type === "advance") {
      if (job) hashTo(job, m.upTo);
    } else if (m.type === "finish") {
      hashTo(job, m.size);
      fs.closeSync(job.fd);
      jobs.delete(m.id);
      parentPort.postMessage({ id: m.id, digest: job.hasher.digest() });
    } else if (m.type === "cancel") {
      if (job) fs.closeSync(job.fd);
      jobs.delete(m.id);
    }
  } catch (err) {
    if (job && job.fd !== undefined) { try { fs.closeSync(job.fd); } catch {} }
    jobs.delete(m.id);
    const error = String((err && err.message) || err);
    parentPort.postMessage(m.reply !== undefined ? { reply: m.reply, error } : { id: m.id, error });
  }
});
`;

/** CRCs of the ranges of one download, computed on the worker from shared buffers. */
export interface RangeCrcJob {
  /** Adds the next bytes of range `range` (a view of the shared arena); resolves once read. */
  hash(range: number, data: Buffer): Promise<void>;
  /** The finished CRC of each range. */
  finish(): Promise<bigint[]>;
}

export interface HashJob {
  /** The file is complete from its start up to `upTo` (exclusive). */
  advance(upTo: number): void;
  /** Hashes up to `size` and returns the digest (hex for MD5, base64 otherwise). */
  finish(size: number): Promise<string>;
  cancel(): void;
}

/** One worker for a run; jobs (one per file) are hashed in the order their bytes arrive. */
export class Verifier {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (digest: string) => void; reject: (err: Error) => void }
  >();
  private open = 0;
  private nextReply = 1;
  private readonly arenas = new Map<SharedArrayBuffer, number>();
  private readonly replies = new Map<
    number,
    { resolve: (m: { values?: string[] }) => void; reject: (err: Error) => void }
  >();

  private start(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    try {
      const tables: Record<string, BigUint64Array> = {};
      for (const algorithm of ["crc32", "crc32c", "crc64nvme"] as const) {
        tables[algorithm] = wasmTables(algorithm);
      }
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          moduleBytes: crcModuleBytes(),
          tables,
          dataOffset: DATA_OFFSET,
          dataSize: DATA_SIZE,
        },
      });
      worker.on(
        "message",
        (m: { id: number; reply?: number; digest?: string; error?: string; values?: string[] }) => {
          if (m.reply !== undefined) {
            const pending = this.replies.get(m.reply);
            this.replies.delete(m.reply);
            if (m.error !== undefined) pending?.reject(new Error(m.error));
            else pending?.resolve(m);
            return;
          }
          const waiter = this.waiting.get(m.id);
          if (!waiter) return;
          this.waiting.delete(m.id);
          this.release();
          if (m.error !== undefined) waiter.reject(new Error(m.error));
          else waiter.resolve(m.digest as string);
        },
      );
      worker.on("error", (err) => this.fail(err));
      worker.on("exit", () => this.fail(new Error("the verification worker stopped")));
      worker.unref();
      this.worker = worker;
    } catch {
      this.broken = true;
    }
    return this.worker;
  }

  private fail(err: Error): void {
    this.broken = true;
    this.worker = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
    for (const pending of this.replies.values()) pending.reject(err);
    this.replies.clear();
  }

  private request(worker: Worker, message: object): Promise<{ values?: string[] }> {
    const reply = this.nextReply++;
    return new Promise((resolve, reject) => {
      this.replies.set(reply, { resolve, reject });
      worker.postMessage({ ...message, reply });
    });
  }

  /**
   * CRCs per range on the worker thread, fed from buffers shared with it (no copy, no
   * second read of the file), or undefined when no worker can run here.
   */
  beginRanges(
    algorithm: CrcAlgorithm,
    count: number,
    arena: SharedArrayBuffer | undefined,
  ): RangeCrcJob | undefined {
    if (!arena) return undefined;
    const worker = this.start();
    if (!worker) return undefined;
    let arenaId = this.arenas.get(arena);
    if (arenaId === undefined) {
      arenaId = this.arenas.size + 1;
      this.arenas.set(arena, arenaId);
      worker.postMessage({ type: "arena", arena: arenaId, buffer: arena });
    }
    const id = this.nextId++;
    this.open++;
    worker.ref();
    worker.postMessage({ type: "ranges", id, algorithm, count });
    let finished = false;
    return {
      hash: async (range, data) => {
        if (data.buffer !== arena) throw new Error("range CRCs read buffers from the shared arena");
        await this.request(worker, {
          type: "chunk",
          id,
          range,
          arena: arenaId,
          offset: data.byteOffset,
          length: data.length,
        });
      },
      finish: async () => {
        const result = await this.request(worker, { type: "ranges-finish", id });
        if (!finished) {
          finished = true;
          this.release();
        }
        return (result.values ?? []).map((v) => BigInt(v));
      },
    };
  }

  private release(): void {
    this.open--;
    if (this.open === 0) this.worker?.unref();
  }

  /** A job hashing `path` as it is written, or undefined when no worker can run here. */
  begin(path: string, algorithm: HashName): HashJob | undefined {
    if (isCrc(algorithm) && !wasmTables(algorithm)) return undefined;
    const worker = this.start();
    if (!worker) return undefined;
    const id = this.nextId++;
    this.open++;
    worker.ref();
    worker.postMessage({ type: "begin", id, path, algorithm });
    let ended = false;
    return {
      advance: (upTo) => {
        if (!ended) worker.postMessage({ type: "advance", id, upTo });
      },
      finish: (size) => {
        ended = true;
        return new Promise((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          worker.postMessage({ type: "finish", id, size });
        });
      },
      cancel: () => {
        if (ended) return;
        ended = true;
        worker.postMessage({ type: "cancel", id });
        this.release();
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.broken = true;
    if (worker) await worker.terminate();
  }
}
