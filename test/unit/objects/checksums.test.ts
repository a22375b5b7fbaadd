import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  combineCrcs,
  crcDigest,
  createCrc,
  createHasher,
  wasmTables,
} from "../../../src/core/objects/checksums.js";
import { crcModuleBytes, instantiateCrc } from "../../../src/core/objects/crc-wasm.js";

// The standard check value of each CRC: the CRC of the ASCII bytes "123456789".
const CHECK = Buffer.from("123456789");

describe("CRCs", () => {
  it.each([
    ["crc32", 0xcbf43926n],
    ["crc32c", 0xe3069283n],
    ["crc64nvme", 0xae8b14860a799888n],
  ] as const)("%s has the standard check value", (algorithm, value) => {
    const crc = createCrc(algorithm);
    crc.update(CHECK);
    expect(crc.value()).toBe(value);
  });

  it("formats CRCs as S3 does: base64 of the big-endian bytes", () => {
    expect(crcDigest("crc32", 0xcbf43926n)).toBe(Buffer.from("cbf43926", "hex").toString("base64"));
    expect(crcDigest("crc64nvme", 0xae8b14860a799888n)).toBe(
      Buffer.from("ae8b14860a799888", "hex").toString("base64"),
    );
  });

  it("gives the same value however the input is split and aligned", () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    for (const algorithm of ["crc32", "crc32c", "crc64nvme"] as const) {
      const whole = createCrc(algorithm);
      whole.update(data);
      const pieces = createCrc(algorithm, { wasm: false });
      // Odd sizes and offsets exercise the unaligned head and tail of the word loop.
      for (let i = 0, step = 1; i < data.length; i += step, step = (step * 7 + 3) % 70_001) {
        pieces.update(data.subarray(i, i + step));
      }
      expect(pieces.digest(), algorithm).toBe(whole.digest());
    }
  });

  it.each([true, false])("matches a bit-at-a-time reference (WebAssembly: %s)", (wasm) => {
    const data = Buffer.alloc(64 * 1024 + 3);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    expect(instantiateCrc(wasmTables("crc64nvme")), "WebAssembly runs under Node").toBeDefined();
    const cases = [
      ["crc32", referenceCrc32],
      ["crc32c", referenceCrc32c],
      ["crc64nvme", referenceCrc64],
    ] as const;
    for (const [algorithm, reference] of cases) {
      const crc = createCrc(algorithm, { wasm });
      crc.update(data.subarray(1));
      expect(crc.digest(), algorithm).toBe(reference(data.subarray(1)));
    }
  });

  it("combines the CRCs of consecutive pieces into the CRC of the whole", () => {
    const data = Buffer.alloc(200_003);
    for (let i = 0; i < data.length; i++) data[i] = (i * 40503) & 0xff;
    for (const algorithm of ["crc32", "crc32c", "crc64nvme"] as const) {
      const whole = createCrc(algorithm);
      whole.update(data);
      const pieces = [0, 1, 65_536, 100_000, 200_003].slice(1).map((end, i, ends) => {
        const start = i === 0 ? 0 : (ends[i - 1] as number);
        const crc = createCrc(algorithm);
        crc.update(data.subarray(start, end));
        return { crc: crc.value(), length: end - start };
      });
      expect(crcDigest(algorithm, combineCrcs(algorithm, pieces)), algorithm).toBe(whole.digest());
    }
  });

  it("builds a valid WebAssembly module", () => {
    const wasm = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm?.validate(crcModuleBytes())).toBe(true);
  });
});

describe("hashes", () => {
  it.each(["md5", "sha1", "sha256"] as const)("%s matches node:crypto", (algorithm) => {
    const hasher = createHasher(algorithm);
    hasher.update(Buffer.from("hello "));
    hasher.update(Buffer.from("world"));
    const expected = createHash(algorithm)
      .update("hello world")
      .digest(algorithm === "md5" ? "hex" : "base64");
    expect(hasher.digest()).toBe(expected);
  });
});

// Bit-at-a-time reference implementations (slow, obviously correct).
function reference32(poly: number, data: Uint8Array): bigint {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
  }
  return BigInt(~crc >>> 0);
}
const referenceCrc32 = (data: Uint8Array) => crcDigest("crc32", reference32(0xedb88320, data));
const referenceCrc32c = (data: Uint8Array) => crcDigest("crc32c", reference32(0x82f63b78, data));

function referenceCrc64(data: Uint8Array): string {
  const poly = 0x9a6c9329ac4bc9b5n;
  const mask = 0xffffffffffffffffn;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crcDigest("crc64nvme", ~crc & mask);
}
