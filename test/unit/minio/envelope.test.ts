import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { argon2id } from "../../../src/aws/minio-admin/argon2.js";
import {
  dareDecrypt,
  dareEncrypt,
  NotAuthenticError,
  PACKAGE_SIZE,
} from "../../../src/aws/minio-admin/dare.js";
import {
  decryptFromMinio,
  EnvelopeError,
  encryptForMinio,
  looksEncrypted,
} from "../../../src/aws/minio-admin/envelope.js";

// Vectors written by secure-io/sio-go v0.3.1 (the DARE library MinIO's admin client and
// server use) with golang.org/x/crypto's Argon2id and PBKDF2, keyed exactly as madmin's
// EncryptData keys them, from a fixed salt and nonce: bytes(i) = i*7+3, password below.
const password = "s3kit-local-secret-key-not-a-real-one";
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
const salt = bytes(32);
const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const fixedRandom = (size: number) => (size === 32 ? salt : nonce);
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const hex = (s: string) => Buffer.from(s, "hex");

// PBKDF2 + AES-256-GCM (id 0x02): what s3kit sends. [plaintext length, envelope length, sha256]
const pbkdf2Vectors: [number, number, string][] = [
  [0, 57, "cde92c8113ed63379ada018310e1b2c9fe558a9b50b0abb8808d9f8bfb5a73ce"],
  [5, 62, "8084cb637816e9982af6cfa1eeafbf7c863ac5cc2d6f693f98b160e25bdcdaff"],
  [16384, 16441, "7601c26cfe0e96caf0ca7ee187d11b53d730a22e91a1216cc9b6cd9a168358bc"],
  [16385, 16458, "7798a02168e014643b92bfa6dfc57034cde3d0bafc5f074d670319e49a61d834"],
  [40000, 40089, "ce7e62820f619d324bd67b0033632f4b241f8f50170836d287f06f3e0c170559"],
];
const emptyVector =
  "030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc0201020304050607086d6a616cc40029095e1ab52052dcf967";
// Argon2id + AES-256-GCM (id 0x00) and Argon2id + ChaCha20-Poly1305 (id 0x01), 21 bytes each:
// what MinIO sends back.
const argonAesVector =
  "030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc000102030405060708c6bd1570984d41a9b40ccf84edeae6fd1132e5e0a0f9d37cfcf6fc1cba10b5a5fe6a4d16ec";
const argonChachaVector =
  "030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc010102030405060708988fd608f6e65673b44f4c3ac3be9cf05d77cde1d4737aa81b6026797572757625a0c04b36";

describe("MinIO's encrypted bodies", () => {
  it.each(pbkdf2Vectors)(
    "encrypts %i bytes exactly as sio-go does (PBKDF2 + AES-256-GCM)",
    async (length, envelopeLength, digest) => {
      const envelope = encryptForMinio(password, bytes(length), fixedRandom);
      expect(envelope.length).toBe(envelopeLength);
      expect(sha256(envelope)).toBe(digest);
      expect(await decryptFromMinio(password, envelope)).toEqual(Buffer.from(bytes(length)));
    },
  );

  it("writes an empty body as one final package (a tag and nothing else)", () => {
    expect(encryptForMinio(password, new Uint8Array(0), fixedRandom).toString("hex")).toBe(
      emptyVector,
    );
  });

  it("decrypts what MinIO encrypts with Argon2id, whichever AEAD it chose", async () => {
    expect(await decryptFromMinio(password, hex(argonAesVector))).toEqual(Buffer.from(bytes(21)));
    expect(await decryptFromMinio(password, hex(argonChachaVector))).toEqual(
      Buffer.from(bytes(21)),
    );
  });

  it("derives MinIO's Argon2id key with hash-wasm and, where Node has it, natively", async () => {
    // Two full packages and a partial one, keyed by Argon2id: the whole layout at once.
    const key = await argon2id(
      password,
      salt,
      { passes: 1, memory: 65536, parallelism: 4, tagLength: 32 },
      "hash-wasm",
    );
    const stream = dareEncrypt("aes-256-gcm", key, nonce, bytes(2 * PACKAGE_SIZE + 100));
    const envelope = Buffer.concat([salt, Buffer.of(0), nonce, stream]);
    expect(envelope.length).toBe(32957);
    expect(sha256(envelope)).toBe(
      "b685e498bf9f498251ff754573d3fba94c0cc230ba11ae998ed7715a00d15424",
    );
    const native = await argon2id(
      password,
      salt,
      { passes: 1, memory: 65536, parallelism: 4, tagLength: 32 },
      "node",
    );
    expect(Buffer.from(native)).toEqual(Buffer.from(key));
  });

  it("rejects a flipped bit anywhere: header, first, middle and final package", async () => {
    const plain = bytes(40000);
    const envelope = encryptForMinio(password, plain, fixedRandom);
    for (const at of [0, 40, 41, 100, 16_441 + 50, envelope.length - 1]) {
      const bad = Buffer.from(envelope);
      bad[at] = (bad[at] as number) ^ 1;
      await expect(decryptFromMinio(password, bad), `bit flipped at ${at}`).rejects.toThrow(
        NotAuthenticError,
      );
    }
  });

  it("rejects the wrong password, reordered, dropped and cut-off packages", async () => {
    const plain = bytes(3 * PACKAGE_SIZE + 10);
    const envelope = encryptForMinio(password, plain, fixedRandom);
    await expect(decryptFromMinio("another-secret-key", envelope)).rejects.toThrow(
      NotAuthenticError,
    );
    const header = envelope.subarray(0, 41);
    const sealed = PACKAGE_SIZE + 16;
    const pkgs = [0, 1, 2, 3].map((i) => envelope.subarray(41 + i * sealed, 41 + (i + 1) * sealed));
    const [p0, p1, p2, p3] = pkgs as [Buffer, Buffer, Buffer, Buffer];
    const variants = {
      reordered: [p1, p0, p2, p3],
      "final dropped": [p0, p1, p2],
      "middle dropped": [p0, p2, p3],
      "final cut short": [p0, p1, p2, p3.subarray(0, 20)],
      "tag cut off": [p0, p1, p2, p3.subarray(0, 10)],
    };
    for (const [name, parts] of Object.entries(variants)) {
      await expect(
        decryptFromMinio(password, Buffer.concat([header, ...parts])),
        name,
      ).rejects.toThrow(NotAuthenticError);
    }
  });

  it("rejects an unknown algorithm and a header that is cut off", async () => {
    const envelope = encryptForMinio(password, bytes(10), fixedRandom);
    const unknown = Buffer.from(envelope);
    unknown[32] = 7;
    await expect(decryptFromMinio(password, unknown)).rejects.toThrow(EnvelopeError);
    await expect(decryptFromMinio(password, envelope.subarray(0, 40))).rejects.toThrow(
      EnvelopeError,
    );
    expect(looksEncrypted(envelope)).toBe(true);
    expect(looksEncrypted(Buffer.from('{"Code":"AccessDenied"}'))).toBe(false);
  });

  it("round-trips every length around the package boundary with both AEADs", () => {
    const key = bytes(32);
    for (const length of [1, PACKAGE_SIZE - 1, PACKAGE_SIZE, PACKAGE_SIZE + 1, 2 * PACKAGE_SIZE]) {
      for (const cipher of ["aes-256-gcm", "chacha20-poly1305"] as const) {
        const sealed = dareEncrypt(cipher, key, nonce, bytes(length));
        expect(sealed.length).toBe(length + 16 * Math.max(1, Math.ceil(length / PACKAGE_SIZE)));
        expect(dareDecrypt(cipher, key, nonce, sealed)).toEqual(Buffer.from(bytes(length)));
      }
    }
  });
});
