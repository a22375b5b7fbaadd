// End to end with moto's IAM access control on: the keys s3kit hands out work where
// the policy says and nowhere else, rotated keys work, removed keys stop working.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { parseDotenv } from "../support/iam-clients.js";
import { type AuthMoto, startAuthMoto, tryGet, tryPut } from "../support/moto-auth.js";

const bucket = "s3kit-access-main";
const otherBucket = "s3kit-access-other";
let moto: AuthMoto;
const dir = mkdtempSync(join(tmpdir(), "s3kit-access-"));

beforeAll(async () => {
  moto = await startAuthMoto([bucket, otherBucket]);
  await moto.enforce();
});
afterAll(async () => {
  await moto?.stop();
});

const s3kit = (args: string[]) => runCli(args, { env: moto.adminEnv, cwd: dir });
const keysFrom = (text: string) => {
  const vars = parseDotenv(text);
  return {
    accessKeyId: vars.AWS_ACCESS_KEY_ID as string,
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY as string,
  };
};

describe("the developer lifecycle with access control on", () => {
  it("refuses unknown keys once access control is on", async () => {
    const result = await tryPut(
      moto.endpoint,
      {
        accessKeyId: "AKIAS3KITLOCALTEST01",
        secretAccessKey: "s3kit-local-secret-key-not-a-real-one",
      },
      bucket,
      "x",
    );
    expect(result).toBe("InvalidAccessKeyId");
  });

  it("add-dev … --access read-write --prefix uploads/: put and get under uploads/ only, this bucket only", async () => {
    const { code, stderr } = await s3kit([
      "iam",
      "add-dev",
      "dana",
      "--bucket",
      bucket,
      "--access",
      "read-write",
      "--prefix",
      "uploads/",
      "--out",
      ".env",
    ]);
    expect(code, stderr).toBe(0);
    const keys = keysFrom(readFileSync(join(dir, ".env"), "utf8"));
    expect(await tryPut(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe("ok");
    expect(await tryGet(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe("ok");
    expect(await tryPut(moto.endpoint, keys, bucket, "private/photo.jpg")).toBe("AccessDenied");
    expect(await tryGet(moto.endpoint, keys, bucket, "private/photo.jpg")).toBe("AccessDenied");
    expect(await tryPut(moto.endpoint, keys, otherBucket, "uploads/photo.jpg")).toBe(
      "AccessDenied",
    );
  });

  it("after rotate-key the new key works", async () => {
    const { code, stdout } = await s3kit(["iam", "rotate-key", "dana", "--delete-old"]);
    expect(code).toBe(0);
    const fresh = keysFrom(stdout);
    expect(await tryPut(moto.endpoint, fresh, bucket, "uploads/rotated.txt")).toBe("ok");
    expect(await tryGet(moto.endpoint, fresh, bucket, "uploads/rotated.txt")).toBe("ok");
    // The deleted old key is rejected.
    const old = keysFrom(readFileSync(join(dir, ".env"), "utf8"));
    expect(await tryGet(moto.endpoint, old, bucket, "uploads/photo.jpg")).toBe(
      "InvalidAccessKeyId",
    );
  });

  it("after remove-dev the key is rejected", async () => {
    const { stdout } = await s3kit([
      "iam",
      "add-dev",
      "eli",
      "--bucket",
      bucket,
      "--access",
      "read",
    ]);
    const keys = keysFrom(stdout);
    expect(await tryGet(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe("ok");
    expect(await tryPut(moto.endpoint, keys, bucket, "uploads/nope.txt")).toBe("AccessDenied");
    const removed = await s3kit(["iam", "remove-dev", "eli", "--yes"]);
    expect(removed.code).toBe(0);
    expect(await tryGet(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe(
      "InvalidAccessKeyId",
    );
  });
});
