// Argon2id, which MinIO uses to derive the key of the bodies it encrypts for a client.
// Node 24.7+ has it built in (crypto.argon2); older Node uses hash-wasm (MIT, WebAssembly,
// no install scripts), imported on first use so that only the MinIO path loads it.
// One derivation with MinIO's parameters (64 MiB) takes ~0.1 s built in and ~0.2 s with
// hash-wasm on a laptop core; @noble/hashes (pure JavaScript) took ~0.55 s.

import * as crypto from "node:crypto";

export interface Argon2Params {
  passes: number;
  /** KiB. */
  memory: number;
  parallelism: number;
  tagLength: number;
}

type NativeArgon2 = (
  algorithm: "argon2id",
  parameters: {
    message: Uint8Array | string;
    nonce: Uint8Array;
    parallelism: number;
    tagLength: number;
    memory: number;
    passes: number;
  },
  callback: (err: Error | null, key: Buffer) => void,
) => void;

function nativeArgon2(): NativeArgon2 | undefined {
  const fn = (crypto as unknown as { argon2?: NativeArgon2 }).argon2;
  return typeof fn === "function" ? fn : undefined;
}

/** Which implementation derives keys here: "node" (built in) or "hash-wasm". */
export function argon2Implementation(): "node" | "hash-wasm" {
  return nativeArgon2() ? "node" : "hash-wasm";
}

export async function argon2id(
  password: string,
  salt: Uint8Array,
  params: Argon2Params,
  implementation = argon2Implementation(),
): Promise<Uint8Array> {
  const native = nativeArgon2();
  if (implementation === "node" && native) {
    return new Promise((resolve, reject) =>
      native(
        "argon2id",
        {
          message: password,
          nonce: salt,
          parallelism: params.parallelism,
          tagLength: params.tagLength,
          memory: params.memory,
          passes: params.passes,
        },
        (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
      ),
    );
  }
  const { argon2id: wasm } = await import("hash-wasm");
  return wasm({
    password,
    salt,
    parallelism: params.parallelism,
    iterations: params.passes,
    memorySize: params.memory,
    hashLength: params.tagLength,
    outputType: "binary",
  });
}
