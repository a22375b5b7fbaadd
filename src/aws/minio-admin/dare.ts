// The DARE stream format of secure-io/sio-go, which MinIO's admin API uses for the
// bodies it encrypts. The plaintext is cut into packages of 16 KiB; each package is
// sealed with the AEAD under nonce = stream nonce (8 bytes) ‖ little-endian sequence
// number (4 bytes), starting at 1. Sequence number 0 seals an empty message whose tag
// binds the stream's associated data; every package authenticates a flag byte (0x00,
// or 0x80 for the final package) followed by that tag, so packages can be neither
// reordered, dropped nor cut off at the end without the final check failing.

import {
  type CipherCCM,
  type CipherGCM,
  createCipheriv,
  createDecipheriv,
  type DecipherCCM,
  type DecipherGCM,
} from "node:crypto";

export type DareCipher = "aes-256-gcm" | "chacha20-poly1305";

/** Plaintext bytes per package (sio's BufSize). */
export const PACKAGE_SIZE = 1 << 14;
const TAG_SIZE = 16;
/** Bytes of the nonce the stream carries; the AEAD's 12-byte nonce adds the sequence number. */
export const STREAM_NONCE_SIZE = 8;
const FINAL = 0x80;

export class NotAuthenticError extends Error {
  constructor(message = "the encrypted data is not authentic (wrong key, or modified)") {
    super(message);
    this.name = "NotAuthenticError";
  }
}

function packageNonce(streamNonce: Uint8Array, sequence: number): Buffer {
  const nonce = Buffer.alloc(STREAM_NONCE_SIZE + 4);
  nonce.set(streamNonce, 0);
  nonce.writeUInt32LE(sequence, STREAM_NONCE_SIZE);
  return nonce;
}

function seal(
  cipher: DareCipher,
  key: Uint8Array,
  nonce: Buffer,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Buffer {
  // The AEAD ciphers share this interface; @types/node declares it per mode.
  const c = createCipheriv(cipher as "aes-256-gcm", key, nonce, {
    authTagLength: TAG_SIZE,
  }) as CipherGCM | CipherCCM;
  c.setAAD(aad, { plaintextLength: plaintext.length });
  const body = c.update(plaintext);
  c.final();
  return Buffer.concat([body, c.getAuthTag()]);
}

function open(
  cipher: DareCipher,
  key: Uint8Array,
  nonce: Buffer,
  sealed: Uint8Array,
  aad: Uint8Array,
): Buffer {
  const body = sealed.subarray(0, sealed.length - TAG_SIZE);
  const d = createDecipheriv(cipher as "aes-256-gcm", key, nonce, {
    authTagLength: TAG_SIZE,
  }) as DecipherGCM | DecipherCCM;
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  d.setAAD(aad, { plaintextLength: body.length });
  const out = d.update(body);
  try {
    d.final();
  } catch {
    throw new NotAuthenticError();
  }
  return out;
}

/** Flag byte ‖ the tag that binds the stream's (empty) associated data. */
function associatedData(cipher: DareCipher, key: Uint8Array, streamNonce: Uint8Array): Buffer {
  const ad = Buffer.alloc(1 + TAG_SIZE);
  seal(cipher, key, packageNonce(streamNonce, 0), new Uint8Array(0), new Uint8Array(0)).copy(ad, 1);
  return ad;
}

function checkKey(key: Uint8Array, streamNonce: Uint8Array): void {
  if (key.length !== 32) throw new RangeError("DARE keys are 32 bytes");
  if (streamNonce.length !== STREAM_NONCE_SIZE) {
    throw new RangeError(`DARE stream nonces are ${STREAM_NONCE_SIZE} bytes`);
  }
}

/** Encrypts `plaintext` as one DARE stream (what sio's EncWriter writes for one Write + Close). */
export function dareEncrypt(
  cipher: DareCipher,
  key: Uint8Array,
  streamNonce: Uint8Array,
  plaintext: Uint8Array,
): Buffer {
  checkKey(key, streamNonce);
  const ad = associatedData(cipher, key, streamNonce);
  const out: Buffer[] = [];
  let offset = 0;
  let sequence = 1;
  // Full packages while more than one package's worth remains: the last one, even when
  // it is full, is the final package (sealed with the final flag).
  while (plaintext.length - offset > PACKAGE_SIZE) {
    ad[0] = 0;
    out.push(
      seal(
        cipher,
        key,
        packageNonce(streamNonce, sequence++),
        plaintext.subarray(offset, offset + PACKAGE_SIZE),
        ad,
      ),
    );
    offset += PACKAGE_SIZE;
  }
  ad[0] = FINAL;
  out.push(seal(cipher, key, packageNonce(streamNonce, sequence), plaintext.subarray(offset), ad));
  return Buffer.concat(out);
}

/** Decrypts and verifies a whole DARE stream; throws NotAuthenticError on any change. */
export function dareDecrypt(
  cipher: DareCipher,
  key: Uint8Array,
  streamNonce: Uint8Array,
  ciphertext: Uint8Array,
): Buffer {
  checkKey(key, streamNonce);
  const sealedSize = PACKAGE_SIZE + TAG_SIZE;
  if (ciphertext.length < TAG_SIZE) throw new NotAuthenticError("the encrypted data is cut off");
  const ad = associatedData(cipher, key, streamNonce);
  const out: Buffer[] = [];
  let offset = 0;
  let sequence = 1;
  while (ciphertext.length - offset > sealedSize) {
    ad[0] = 0;
    out.push(
      open(
        cipher,
        key,
        packageNonce(streamNonce, sequence++),
        ciphertext.subarray(offset, offset + sealedSize),
        ad,
      ),
    );
    offset += sealedSize;
  }
  const last = ciphertext.subarray(offset);
  if (last.length < TAG_SIZE) throw new NotAuthenticError("the encrypted data is cut off");
  ad[0] = FINAL;
  out.push(open(cipher, key, packageNonce(streamNonce, sequence), last, ad));
  return Buffer.concat(out);
}
