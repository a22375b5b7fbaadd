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
const zlib = require("node:zlib");
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
const scratch = Buffer.allocUnsafe(dataSize);
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
      const fd = fs.openSync(m.path, "r");
      // CRC-32 has a native implementation in zlib (Node 20.15+), faster still than ours.
      const native = m.algorithm === "crc32" && typeof zlib.crc32 === "function";
      const initial = native ? 0 : masks[m.algorithm];
      jobs.set(m.id, { fd, native, algorithm: m.algorithm, crcs: new Array(m.count).fill(initial) });
    } else if (m.type === "span" && job.native) {
      let crc = job.crcs[m.range];
      for (let done = 0; done < m.length; ) {
        const n = Math.min(dataSize, m.length - done);
        const read = fs.readSync(job.fd, scratch, 0, n, m.position + done);
        if (read === 0) throw new Error("the file is shorter than expected");
        crc = zlib.crc32(scratch.subarray(0, read), crc);
        done += read;
      }
      job.crcs[m.range] = crc;
    } else if (m.type === "span") {
      // Bytes of one range just written to the file: read them back (from the page cache,
      // straight into WebAssembly memory) and fold them into that range's CRC, in order.
      const instance = crcInstance(job.algorithm);
      let crc = job.crcs[m.range];
      for (let done = 0; done < m.length; ) {
        const n = Math.min(dataSize, m.length - done);
        const view = new Uint8Array(instance.memory.buffer, dataOffset, n);
        const read = fs.readSync(job.fd, view, 0, n, m.position + done);
        if (read === 0) throw new Error("the file is shorter than expected");
        crc = instance.update(crc, dataOffset, read);
        done += read;
      }
      job.crcs[m.range] = crc;
    } else if (m.type === "ranges-finish") {
      const mask = masks[job.algorithm];
      fs.closeSync(job.fd);
      jobs.delete(m.id);
      const values = job.crcs.map((c) => (job.native ? String(c >>> 0) : String(BigInt.asUintN(64, ~c) & mask)));
      parentPort.postMessage({ reply: m.reply, values });
    } else if (m.type === "ranges-cancel") {
      fs.closeSync(job.fd);
      jobs.delete(m.id);
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

/** CRCs of the ranges of one download, computed on the worker thread from the file. */
export interface RangeCrcJob {
  /** Range `range` has `length` more bytes on disk at `position` (in order within the range). */
  span(range: number, position: number, length: number): void;
  /** The finished CRC of each range, once every span is read. */
  finish(): Promise<bigint[]>;
  cancel(): void;
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

  private release(): void {
    this.open--;
    if (this.open === 0) this.worker?.unref();
  }

  private request(worker: Worker, message: object): Promise<{ values?: string[] }> {
    const reply = this.nextReply++;
    return new Promise((resolve, reject) => {
      this.replies.set(reply, { resolve, reject });
      worker.postMessage({ ...message, reply });
    });
  }

  /**
   * CRCs per range on the worker thread, which reads each span back from the page cache
   * as soon as it is written; undefined when no worker can run here.
   */
  beginRanges(path: string, algorithm: CrcAlgorithm, count: number): RangeCrcJob | undefined {
    const worker = this.start();
    if (!worker) return undefined;
    const id = this.nextId++;
    this.open++;
    worker.ref();
    worker.postMessage({ type: "ranges", id, path, algorithm, count });
    let ended = false;
    const end = () => {
      if (ended) return false;
      ended = true;
      this.release();
      return true;
    };
    return {
      span: (range, position, length) => {
        if (!ended) worker.postMessage({ type: "span", id, range, position, length });
      },
      finish: async () => {
        const result = await this.request(worker, { type: "ranges-finish", id });
        end();
        return (result.values ?? []).map((v) => BigInt(v));
      },
      cancel: () => {
        if (end()) worker.postMessage({ type: "ranges-cancel", id });
      },
    };
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
