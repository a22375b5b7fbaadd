import { createHash, type Hash } from "node:crypto";
import { endianness } from "node:os";
import * as zlib from "node:zlib";
import { DATA_OFFSET, DATA_SIZE, instantiateCrc, SLICES, type WasmCrc } from "./crc-wasm.js";

/** The checksum algorithms S3 stores with an object (`--checksum`). */
export const CHECKSUM_ALGORITHMS = ["sha256", "sha1", "crc32", "crc32c", "crc64nvme"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** The SDK's spelling of each algorithm, and the response field carrying it. */
export const SDK_CHECKSUM = {
  sha256: { algorithm: "SHA256", field: "ChecksumSHA256" },
  sha1: { algorithm: "SHA1", field: "ChecksumSHA1" },
  crc32: { algorithm: "CRC32", field: "ChecksumCRC32" },
  crc32c: { algorithm: "CRC32C", field: "ChecksumCRC32C" },
  crc64nvme: { algorithm: "CRC64NVME", field: "ChecksumCRC64NVME" },
} as const;

export interface Hasher {
  update(data: Uint8Array): void;
  /** The value as S3 writes it: base64 of the big-endian digest (hex for MD5, like an ETag). */
  digest(): string;
}

export type CrcAlgorithm = "crc32" | "crc32c" | "crc64nvme";

/** A CRC whose finished value can be combined with the CRC of the bytes that follow. */
export interface CrcHasher extends Hasher {
  /** The finished CRC (after the final XOR). */
  value(): bigint;
}

export function isCrc(algorithm: string): algorithm is CrcAlgorithm {
  return algorithm === "crc32" || algorithm === "crc32c" || algorithm === "crc64nvme";
}

export function createHasher(algorithm: ChecksumAlgorithm | "md5"): Hasher {
  switch (algorithm) {
    case "md5":
      return nodeHash(createHash("md5"), "hex");
    case "sha1":
      return nodeHash(createHash("sha1"), "base64");
    case "sha256":
      return nodeHash(createHash("sha256"), "base64");
    default:
      return createCrc(algorithm);
  }
}

function nodeHash(hash: Hash, encoding: "hex" | "base64"): Hasher {
  return { update: (d) => hash.update(d), digest: () => hash.digest(encoding) };
}

/** The S3 form of a CRC: base64 of its big-endian bytes. */
export function crcDigest(algorithm: CrcAlgorithm, crc: bigint): string {
  const bytes = algorithm === "crc64nvme" ? 8 : 4;
  const out = Buffer.alloc(bytes);
  if (bytes === 8) out.writeBigUInt64BE(crc);
  else out.writeUInt32BE(Number(crc));
  return out.toString("base64");
}

// Reflected polynomials.
const POLY = {
  crc32: 0xedb88320n,
  crc32c: 0x82f63b78n,
  crc64nvme: 0x9a6c9329ac4bc9b5n,
} as const satisfies Record<CrcAlgorithm, bigint>;

// CRC-32 (zlib's polynomial): Node's native zlib.crc32 where it exists (Node 20.15+).
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
export const hasNativeCrc32 = typeof nativeCrc32 === "function";
const littleEndian = endianness() === "LE";

/** A CRC hasher: WebAssembly where it runs, else JavaScript tables (`{ wasm: false }` forces those). */
export function createCrc(algorithm: CrcAlgorithm, options: { wasm?: boolean } = {}): CrcHasher {
  if (algorithm === "crc32" && nativeCrc32 && options.wasm !== false) {
    let crc = 0;
    return {
      update: (d) => {
        crc = nativeCrc32(d, crc);
      },
      value: () => BigInt(crc >>> 0),
      digest: () => crcDigest("crc32", BigInt(crc >>> 0)),
    };
  }
  const width = algorithm === "crc64nvme" ? 64 : 32;
  const wasm = littleEndian && options.wasm !== false ? wasmCrc(algorithm) : undefined;
  if (wasm) {
    const mask = width === 64 ? 0xffffffffffffffffn : 0xffffffffn;
    const data = new Uint8Array(wasm.memory.buffer, DATA_OFFSET, DATA_SIZE);
    let crc = mask;
    return {
      update: (d) => {
        for (let i = 0; i < d.length; i += DATA_SIZE) {
          const piece = d.subarray(i, i + DATA_SIZE);
          data.set(piece);
          crc = wasm.update(crc, DATA_OFFSET, piece.length);
        }
      },
      value: () => BigInt.asUintN(64, ~crc) & mask,
      digest() {
        return crcDigest(algorithm, this.value());
      },
    };
  }
  const tables = tl8(algorithm);
  // The running state in two signed 32-bit halves (hi stays 0 for 32-bit CRCs).
  const state = new Int32Array([-1, width === 64 ? -1 : 0]);
  return {
    update: (d) => crcUpdate(tables, state, d),
    value: () => {
      const l = BigInt(~(state[0] as number) >>> 0);
      return width === 64 ? (BigInt(~(state[1] as number) >>> 0) << 32n) | l : l;
    },
    digest() {
      return crcDigest(algorithm, this.value());
    },
  };
}

/**
 * The hot loop, at module level so that the tables are locals (V8 keeps them in registers;
 * read from a closure they are reloaded for every word).
 */
function crcUpdate(tables: Tables, state: Int32Array, d: Uint8Array): void {
  const [l0, l1, l2, l3, l4, l5, l6, l7] = tables.lo;
  const [h0, h1, h2, h3, h4, h5, h6, h7] = tables.hi;
  let lo = state[0] as number;
  let hi = state[1] as number;
  let i = 0;
  const n = d.length;
  while (i < n && (d.byteOffset + i) % 4 !== 0) {
    const idx = (lo ^ (d[i++] as number)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ (l0[idx] as number);
    hi = (hi >>> 8) ^ (h0[idx] as number);
  }
  const pairs = littleEndian ? (n - i) >>> 3 : 0;
  if (pairs > 0) {
    // Slicing-by-8 over aligned 32-bit words: eight table lookups per eight bytes.
    const w = new Int32Array(d.buffer, d.byteOffset + i, pairs * 2);
    for (let j = 0; j < w.length; j += 2) {
      const a = lo ^ (w[j] as number);
      const b = hi ^ (w[j + 1] as number);
      lo =
        (l7[a & 0xff] as number) ^
        (l6[(a >>> 8) & 0xff] as number) ^
        (l5[(a >>> 16) & 0xff] as number) ^
        (l4[a >>> 24] as number) ^
        (l3[b & 0xff] as number) ^
        (l2[(b >>> 8) & 0xff] as number) ^
        (l1[(b >>> 16) & 0xff] as number) ^
        (l0[b >>> 24] as number);
      hi =
        (h7[a & 0xff] as number) ^
        (h6[(a >>> 8) & 0xff] as number) ^
        (h5[(a >>> 16) & 0xff] as number) ^
        (h4[a >>> 24] as number) ^
        (h3[b & 0xff] as number) ^
        (h2[(b >>> 8) & 0xff] as number) ^
        (h1[(b >>> 16) & 0xff] as number) ^
        (h0[b >>> 24] as number);
    }
    i += pairs * 8;
  }
  while (i < n) {
    const idx = (lo ^ (d[i++] as number)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ (l0[idx] as number);
    hi = (hi >>> 8) ^ (h0[idx] as number);
  }
  state[0] = lo;
  state[1] = hi;
}

type Eight<T> = [T, T, T, T, T, T, T, T];
interface Tables {
  lo: Eight<Int32Array>;
  hi: Eight<Int32Array>;
}
const tableCache = new Map<CrcAlgorithm, Tables>();

/** Tables for slicing-by-8: table k holds the CRC of byte n followed by k zero bytes. */
function tl8(algorithm: CrcAlgorithm): Tables {
  let tables = tableCache.get(algorithm);
  if (tables) return tables;
  const poly = POLY[algorithm];
  const polyLo = Number(poly & 0xffffffffn);
  const polyHi = Number(poly >> 32n);
  const lo = Array.from({ length: 8 }, () => new Int32Array(256)) as Eight<Int32Array>;
  const hi = Array.from({ length: 8 }, () => new Int32Array(256)) as Eight<Int32Array>;
  const [lo0, hi0] = [lo[0], hi[0]];
  for (let n = 0; n < 256; n++) {
    let l = n;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = (l >>> 1) | ((h & 1) << 31);
      h = h >>> 1;
      if (bit) {
        l ^= polyLo;
        h ^= polyHi;
      }
    }
    lo0[n] = l;
    hi0[n] = h;
  }
  for (let n = 0; n < 256; n++) {
    let l = lo0[n] as number;
    let h = hi0[n] as number;
    for (let t = 1; t < 8; t++) {
      const idx = l & 0xff;
      l = ((l >>> 8) | (h << 24)) ^ (lo0[idx] as number);
      h = (h >>> 8) ^ (hi0[idx] as number);
      (lo[t] as Int32Array)[n] = l;
      (hi[t] as Int32Array)[n] = h;
    }
  }
  tables = { lo, hi };
  tableCache.set(algorithm, tables);
  return tables;
}

const wasmCache = new Map<CrcAlgorithm, WasmCrc | undefined>();

/** The slicing tables of a CRC as 64-bit entries, the layout the WebAssembly loop reads. */
export function wasmTables(algorithm: CrcAlgorithm): BigUint64Array {
  const { lo, hi } = tl8(algorithm);
  const t0 = new BigUint64Array(256);
  for (let n = 0; n < 256; n++) {
    t0[n] =
      (BigInt((hi[0] as Int32Array)[n] as number) & 0xffffffffn) * 0x100000000n +
      (BigInt((lo[0] as Int32Array)[n] as number) & 0xffffffffn);
  }
  // Table k: the CRC of byte n followed by k zero bytes.
  const tables = new BigUint64Array(SLICES * 256);
  tables.set(t0, 0);
  for (let t = 1; t < SLICES; t++) {
    for (let n = 0; n < 256; n++) {
      const previous = tables[(t - 1) * 256 + n] as bigint;
      tables[t * 256 + n] = (previous >> 8n) ^ (t0[Number(previous & 0xffn)] as bigint);
    }
  }
  return tables;
}

/** One WebAssembly instance per algorithm, holding its tables. */
function wasmCrc(algorithm: CrcAlgorithm): WasmCrc | undefined {
  if (wasmCache.has(algorithm)) return wasmCache.get(algorithm);
  const instance = instantiateCrc(wasmTables(algorithm));
  wasmCache.set(algorithm, instance);
  return instance;
}

/** (a * b) mod P over GF(2), bit-reflected, as in zlib's crc32_combine. */
function multModP(a: bigint, b: bigint, width: bigint, poly: bigint): bigint {
  let m = 1n << (width - 1n);
  let p = 0n;
  let x = b;
  while (m !== 0n) {
    if (a & m) {
      p ^= x;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    x = x & 1n ? (x >> 1n) ^ poly : x >> 1n;
  }
  return p;
}

/** x^(8 * length) mod P: the operator that moves a CRC past `length` bytes. */
function shiftOperator(length: number, width: bigint, poly: bigint): bigint {
  let p = 1n << (width - 1n); // x^0
  let power = 1n << (width - 2n); // x^1
  for (let n = BigInt(length) * 8n; n > 0n; n >>= 1n) {
    if (n & 1n) p = multModP(power, p, width, poly);
    power = multModP(power, power, width, poly);
  }
  return p;
}

/**
 * The CRC of consecutive pieces from each piece's finished CRC and length, so the ranges
 * of a download can be checked as they stream in, in parallel, without reading them again.
 */
export function combineCrcs(
  algorithm: CrcAlgorithm,
  pieces: readonly { crc: bigint; length: number }[],
): bigint {
  const width = algorithm === "crc64nvme" ? 64n : 32n;
  const poly = POLY[algorithm];
  let crc: bigint | undefined;
  for (const piece of pieces) {
    crc =
      crc === undefined
        ? piece.crc
        : multModP(shiftOperator(piece.length, width, poly), crc, width, poly) ^ piece.crc;
  }
  return crc ?? 0n;
}
