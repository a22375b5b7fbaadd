// MinIO's admin envelope for encrypted request and response bodies (madmin's
// EncryptData/DecryptData): salt (32) ‖ algorithm id (1) ‖ stream nonce (8) ‖ DARE stream,
// keyed with a key derived from the caller's secret access key.
//   0x00  Argon2id (t=1, m=64 MiB, p=4) + AES-256-GCM        what MinIO usually sends
//   0x01  Argon2id + ChaCha20-Poly1305                       MinIO on CPUs without AES
//   0x02  PBKDF2-SHA256 (8192 rounds) + AES-256-GCM          FIPS mode
// s3kit encrypts with 0x02: Node derives that natively and fast, and every MinIO server
// decrypts all three.

import { pbkdf2Sync, randomBytes } from "node:crypto";
import { argon2id } from "./argon2.js";
import { type DareCipher, dareDecrypt, dareEncrypt, STREAM_NONCE_SIZE } from "./dare.js";

const SALT_SIZE = 32;
const HEADER_SIZE = SALT_SIZE + 1 + STREAM_NONCE_SIZE;

export const ARGON2ID_AES_GCM = 0x00;
export const ARGON2ID_CHACHA20_POLY1305 = 0x01;
export const PBKDF2_AES_GCM = 0x02;

const ARGON2_PARAMS = { passes: 1, memory: 64 * 1024, parallelism: 4, tagLength: 32 };
const PBKDF2_ROUNDS = 8192;

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvelopeError";
  }
}

function pbkdf2Key(password: string, salt: Uint8Array): Buffer {
  return pbkdf2Sync(password, salt, PBKDF2_ROUNDS, 32, "sha256");
}

/** Encrypts a request body the way MinIO's admin client does (PBKDF2 + AES-256-GCM). */
export function encryptForMinio(
  password: string,
  plaintext: Uint8Array,
  random: (size: number) => Uint8Array = randomBytes,
): Buffer {
  const salt = random(SALT_SIZE);
  const nonce = random(STREAM_NONCE_SIZE);
  const key = pbkdf2Key(password, salt);
  return Buffer.concat([
    salt,
    Buffer.of(PBKDF2_AES_GCM),
    nonce,
    dareEncrypt("aes-256-gcm", key, nonce, plaintext),
  ]);
}

/** True when `data` starts like an envelope (what madmin's IsEncrypted checks). */
export function looksEncrypted(data: Uint8Array): boolean {
  return data.length > HEADER_SIZE && [0, 1, 2].includes(data[SALT_SIZE] as number);
}

/** Decrypts a body MinIO encrypted with the caller's secret key. */
export async function decryptFromMinio(password: string, data: Uint8Array): Promise<Buffer> {
  if (data.length < HEADER_SIZE) throw new EnvelopeError("the encrypted body is cut off");
  const salt = data.subarray(0, SALT_SIZE);
  const id = data[SALT_SIZE];
  const nonce = data.subarray(SALT_SIZE + 1, HEADER_SIZE);
  const body = data.subarray(HEADER_SIZE);
  let cipher: DareCipher;
  let key: Uint8Array;
  switch (id) {
    case ARGON2ID_AES_GCM:
      cipher = "aes-256-gcm";
      key = await argon2id(password, salt, ARGON2_PARAMS);
      break;
    case ARGON2ID_CHACHA20_POLY1305:
      cipher = "chacha20-poly1305";
      key = await argon2id(password, salt, ARGON2_PARAMS);
      break;
    case PBKDF2_AES_GCM:
      cipher = "aes-256-gcm";
      key = pbkdf2Key(password, salt);
      break;
    default:
      throw new EnvelopeError(`unknown encryption algorithm id ${id}`);
  }
  return dareDecrypt(cipher, key, nonce, body);
}
