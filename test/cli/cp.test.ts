import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoEnv, runAgainstMoto, runAgainstVersitygw, versitygwEnv } from "../support/cli.js";
import {
  createBucket,
  directS3,
  randomFile,
  removeDir,
  runBinary,
  sha256,
  tempDir,
} from "../support/objects.js";
import { startProxy } from "../support/proxy.js";

const MiB = 1024 * 1024;
const s3 = directS3();
const versityS3 = directS3({}, versitygwEnv());
let bucket: string;
let versityBucket: string;
let dir: string;

beforeAll(async () => {
  bucket = await createBucket(s3, "s3kit-cp");
  versityBucket = await createBucket(versityS3, "s3kit-cp");
  dir = tempDir();
});
afterAll(() => removeDir(dir));

async function objectBytes(key: string, b = bucket): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: b, Key: key }));
  return Buffer.from(
    await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

async function keys(prefix: string, b = bucket): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key as string).sort();
}

async function openUploads(b = bucket): Promise<number> {
  const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: b }));
  return out.Uploads?.length ?? 0;
}

describe("cp round trips, byte for byte", () => {
  // Threshold 8 MiB (the default): just below is one PUT, just above is multipart.
  it.each([
    ["empty", 0],
    ["one byte", 1],
    ["just below the threshold", 8 * MiB - 1],
    ["exactly the threshold", 8 * MiB],
    ["just above the threshold", 8 * MiB + 1],
    ["64 MiB", 64 * MiB],
  ])("%s (%d bytes): up, read back independently, down", async (_name, size) => {
    const file = randomFile(dir, `round-${size}.bin`, size);
    const key = `round/${size}.bin`;
    const up = await runAgainstMoto(["cp", file, `s3://${bucket}/${key}`]);
    expect(up.stderr).toMatch(/✓ Uploaded .*round-\d+\.bin → s3:\/\/s3kit-cp-\w+\/round\/\d+\.bin/);
    expect(up.code).toBe(0);
    expect(up.stdout).toBe("");
    const stored = await objectBytes(key);
    expect(stored.length).toBe(size);
    expect(sha256(stored)).toBe(sha256(file));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(/-\d+"$/.test(head.ETag ?? ""), "multipart ETag").toBe(size >= 8 * MiB);

    const target = join(dir, `down-${size}.bin`);
    const down = await runAgainstMoto(["cp", `s3://${bucket}/${key}`, target, "--json"]);
    expect(down.code).toBe(0);
    const summary = JSON.parse(down.stdout);
    expect(summary).toMatchObject({ kind: "download", files: 1, bytes: size, failed: 0 });
    expect(summary.transfers[0].verified).toContain("size");
    expect(sha256(readFileSync(target))).toBe(sha256(file));
    // No temporary file is left next to the target.
    expect(readdirSync(dir).filter((f) => f.includes(".s3kit-"))).toEqual([]);
  });

  it("uses --part-size and --concurrency, grows nothing it need not, and leaves no upload open", async () => {
    const file = randomFile(dir, "parts.bin", 23 * MiB);
    const { code, stdout } = await runAgainstMoto([
      "cp",
      file,
      `s3://${bucket}/parts.bin`,
      "--part-size",
      "5MiB",
      "--multipart-threshold",
      "5MiB",
      "--concurrency",
      "3",
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).transfers[0].parts).toBe(5);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "parts.bin" }));
    expect(head.ETag).toMatch(/-5"$/);
    expect(sha256(await objectBytes("parts.bin"))).toBe(sha256(file));
    expect(await openUploads()).toBe(0);
  });

  it("verifies a single-part download against its MD5 ETag", async () => {
    const body = Buffer.from("checked against the ETag\n");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "md5.txt", Body: body }));
    const { code, stdout } = await runAgainstMoto([
      "cp",
      `s3://${bucket}/md5.txt`,
      join(dir, "md5.txt"),
      "--json",
    ]);
    expect(code).toBe(0);
    // The test's client stored a CRC32 too (the SDK's default), which is checked as well.
    expect(JSON.parse(stdout).transfers[0].verified).toEqual(["size", "md5", "crc32"]);
  });
});

// Transfers send object data with s3kit's own requests (signed in-process, raw sockets);
// S3KIT_OBJECT_REQUESTS=sdk sends them with the SDK (as for ARNs and FIPS endpoints). Both
// must move the same bytes and check them the same way, on a server that verifies every
// signature (versitygw) as on moto.
describe.each([
  ["s3kit's own requests", {}],
  ["the SDK's requests", { S3KIT_OBJECT_REQUESTS: "sdk" }],
] as const)("object data through %s", (_name, extraEnv) => {
  it.each([
    ["moto", runAgainstMoto, () => s3, () => bucket],
    ["versitygw", runAgainstVersitygw, () => versityS3, () => versityBucket],
  ] as const)(
    "round trips on %s: one PUT, parts, a folder, with checksums checked",
    async (_server, run, client, target) => {
      const env = { env: extraEnv };
      const folder = join(dir, `paths-${_server}-${Object.keys(extraEnv).length}`);
      mkdirSync(folder);
      const small = randomFile(folder, "small.bin", 70_000);
      const large = randomFile(folder, "large.bin", 9 * MiB + 3);
      const prefix = `paths/${_server}/${Object.keys(extraEnv).length}/`;
      const up = await run(
        ["cp", folder, `s3://${target()}/${prefix}`, "--recursive", "--json"],
        env,
      );
      expect(up.stderr).toMatch(/^✓ Uploaded 2 files/);
      expect(up.code).toBe(0);
      const uploaded = JSON.parse(up.stdout).transfers;
      expect(uploaded.map((t: { parts: number }) => t.parts)).toEqual([2, 1]);
      const head = await client().send(
        new HeadObjectCommand({
          Bucket: target(),
          Key: `${prefix}large.bin`,
          ChecksumMode: "ENABLED",
        }),
      );
      expect(head.ChecksumCRC32).toBeDefined();
      const back = join(dir, `back-${_server}-${Object.keys(extraEnv).length}`);
      const down = await run(
        ["cp", `s3://${target()}/${prefix}`, back, "--recursive", "--json"],
        env,
      );
      expect(down.code).toBe(0);
      const downloaded = JSON.parse(down.stdout).transfers;
      expect(downloaded.map((t: { verified: string[] }) => t.verified)).toEqual([
        ["size", "crc32"],
        ["size", "md5", "crc32"],
      ]);
      expect(sha256(readFileSync(join(back, "small.bin")))).toBe(sha256(small));
      expect(sha256(readFileSync(join(back, "large.bin")))).toBe(sha256(large));
      const one = join(dir, `one-${_server}-${Object.keys(extraEnv).length}.bin`);
      const single = await run(["cp", `s3://${target()}/${prefix}small.bin`, one], env);
      expect(single.code).toBe(0);
      expect(sha256(readFileSync(one))).toBe(sha256(small));
      const missing = await run(["cp", `s3://${target()}/${prefix}nope.bin`, one], env);
      expect(missing.code).toBe(3);
    },
  );
});

describe("downloads are verified", () => {
  // A client that adds no checksum of its own: the object has only its MD5 ETag.
  const plain = directS3({ requestChecksumCalculation: "WHEN_REQUIRED" });

  it.each([
    ["CRC32", "crc32"],
    ["CRC32C", "crc32c"],
    ["CRC64NVME", "crc64nvme"],
  ] as const)("checks a large object's full %s as its ranges arrive", async (algorithm, name) => {
    const body = readFileSync(randomFile(dir, `ranges-${name}.bin`, 20 * MiB + 7));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `verify/${name}.bin`,
        Body: body,
        ChecksumAlgorithm: algorithm,
      }),
    );
    const target = join(dir, `verify-${name}.bin`);
    const { code, stdout } = await runAgainstMoto([
      "cp",
      `s3://${bucket}/verify/${name}.bin`,
      target,
      "--json",
    ]);
    expect(code).toBe(0);
    const [transfer] = JSON.parse(stdout).transfers;
    expect(transfer.parts).toBe(2); // 16 MiB ranges
    expect(transfer.verified).toEqual(["size", name]);
    expect(sha256(readFileSync(target))).toBe(sha256(body));
  });

  it("checks a large single-part object's MD5 ETag", async () => {
    const body = readFileSync(randomFile(dir, "md5-ranges.bin", 9 * MiB));
    await plain.send(new PutObjectCommand({ Bucket: bucket, Key: "verify/md5.bin", Body: body }));
    const { code, stdout } = await runAgainstMoto([
      "cp",
      `s3://${bucket}/verify/md5.bin`,
      join(dir, "verify-md5.bin"),
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).transfers[0].verified).toEqual(["size", "md5"]);
  });

  it.each([
    ["small (one GET)", 64 * 1024],
    ["large (ranges)", 9 * MiB],
  ])("refuses a %s object damaged on the way, leaving no file", async (_name, size) => {
    const body = readFileSync(randomFile(dir, `damaged-${size}.bin`, size));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `verify/damaged-${size}.bin`,
        Body: body,
        ChecksumAlgorithm: "CRC32",
      }),
    );
    // Every response has one bit flipped, past the headers.
    const proxy = await startProxy({
      target: motoEnv().AWS_ENDPOINT_URL as string,
      corruptAt: 8192,
    });
    const target = join(dir, `damaged-down-${size}.bin`);
    try {
      const { code, stderr } = await runAgainstMoto(
        ["cp", `s3://${bucket}/verify/damaged-${size}.bin`, target],
        { env: { AWS_ENDPOINT_URL: proxy.endpoint } },
      );
      expect(stderr).toMatch(
        /the downloaded data does not match the object's crc32 \(expected \S+, got \S+\); the partial file was removed/,
      );
      expect(code).toBe(1);
    } finally {
      await proxy.close();
    }
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(".s3kit-"))).toEqual([]);
  });
});

describe("cp object settings", () => {
  it("sets the content type from the file name, or --content-type", async () => {
    const page = join(dir, "index.html");
    writeFileSync(page, "<h1>hi</h1>");
    expect((await runAgainstMoto(["cp", page, `s3://${bucket}/site/`])).code).toBe(0);
    const guessed = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: "site/index.html" }),
    );
    expect(guessed.ContentType).toBe("text/html");
    expect(
      (
        await runAgainstMoto([
          "cp",
          page,
          `s3://${bucket}/site/raw`,
          "--content-type",
          "text/plain",
        ])
      ).code,
    ).toBe(0);
    const given = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "site/raw" }));
    expect(given.ContentType).toBe("text/plain");
  });

  it("sets metadata, cache-control, storage class, encryption and a checksum", async () => {
    const file = randomFile(dir, "settings.bin", 1000);
    const { code, stderr } = await runAgainstMoto([
      "cp",
      file,
      `s3://${bucket}/settings.bin`,
      "--metadata",
      "owner=alice",
      "--metadata",
      "Build=42",
      "--cache-control",
      "public, max-age=60",
      "--storage-class",
      "STANDARD_IA",
      "--sse",
      "AES256",
      "--checksum",
      "sha256",
    ]);
    expect(stderr).toContain("Uploaded");
    expect(code).toBe(0);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: "settings.bin", ChecksumMode: "ENABLED" }),
    );
    expect(head.Metadata).toEqual({ owner: "alice", build: "42" });
    expect(head.CacheControl).toBe("public, max-age=60");
    expect(head.StorageClass).toBe("STANDARD_IA");
    expect(head.ServerSideEncryption).toBe("AES256");
    expect(head.ChecksumSHA256).toBe(Buffer.from(sha256(file), "hex").toString("base64"));
  });

  it("sends a CRC32 by default (full-object for multipart), and none with --checksum none", async () => {
    const file = randomFile(dir, "default-checksum.bin", 9 * MiB);
    expect((await runAgainstMoto(["cp", file, `s3://${bucket}/ck/default.bin`])).code).toBe(0);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: "ck/default.bin", ChecksumMode: "ENABLED" }),
    );
    expect(head.ChecksumType).toBe("FULL_OBJECT");
    const { code, stdout } = await runAgainstMoto([
      "cp",
      `s3://${bucket}/ck/default.bin`,
      join(dir, "default-checksum-down.bin"),
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).transfers[0].verified).toEqual(["size", "crc32"]);

    expect(
      (await runAgainstMoto(["cp", file, `s3://${bucket}/ck/none.bin`, "--checksum", "none"])).code,
    ).toBe(0);
    const bare = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: "ck/none.bin", ChecksumMode: "ENABLED" }),
    );
    expect(bare.ChecksumCRC32).toBeUndefined();
  });

  it("applies the settings to each part of a multipart upload", async () => {
    const file = randomFile(dir, "multi.json", 9 * MiB);
    const { code } = await runAgainstMoto([
      "cp",
      file,
      `s3://${bucket}/multi.json`,
      "--metadata",
      "kind=big",
      "--checksum",
      "crc32",
    ]);
    expect(code).toBe(0);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "multi.json" }));
    expect(head.ContentType).toBe("application/json");
    expect(head.Metadata).toEqual({ kind: "big" });
    expect(sha256(await objectBytes("multi.json"))).toBe(sha256(file));
  });
});

describe("cp --recursive", () => {
  let tree: string;
  beforeAll(() => {
    tree = join(dir, "tree");
    for (const [path, text] of [
      ["a.txt", "a"],
      ["b.log", "b"],
      ["img/c.jpg", "c"],
      ["img/deep/d.png", "d"],
      ["node_modules/pkg/e.js", "e"],
      ["empty.txt", ""],
    ] as const) {
      mkdirSync(join(tree, path, ".."), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
  });

  it("uploads a folder, keeping its layout", async () => {
    const { code, stderr } = await runAgainstMoto([
      "cp",
      tree,
      `s3://${bucket}/all`,
      "--recursive",
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/✓ Uploaded 6 files to s3:\/\/s3kit-cp-\w+\/all\//);
    expect(await keys("all/")).toEqual([
      "all/a.txt",
      "all/b.log",
      "all/empty.txt",
      "all/img/c.jpg",
      "all/img/deep/d.png",
      "all/node_modules/pkg/e.js",
    ]);
    expect((await objectBytes("all/img/deep/d.png")).toString()).toBe("d");
  });

  it("honours --exclude and --include in order", async () => {
    const excluded = await runAgainstMoto([
      "cp",
      tree,
      `s3://${bucket}/ex/`,
      "--recursive",
      "--exclude",
      "node_modules",
      "--exclude",
      "*.log",
    ]);
    expect(excluded.code).toBe(0);
    expect(await keys("ex/")).toEqual([
      "ex/a.txt",
      "ex/empty.txt",
      "ex/img/c.jpg",
      "ex/img/deep/d.png",
    ]);

    const images = await runAgainstMoto([
      "cp",
      tree,
      `s3://${bucket}/img-only/`,
      "--recursive",
      "--exclude",
      "*",
      "--include",
      "img/**",
      "--exclude",
      "*.png",
    ]);
    expect(images.code).toBe(0);
    expect(await keys("img-only/")).toEqual(["img-only/img/c.jpg"]);
  });

  it("downloads a prefix with filters, into a new folder", async () => {
    const target = join(dir, "down-tree");
    const { code } = await runAgainstMoto([
      "cp",
      `s3://${bucket}/all/`,
      target,
      "--recursive",
      "--include",
      "*.txt",
      "--include",
      "img/**",
    ]);
    expect(code).toBe(0);
    const files = readdirSync(target, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(target.length + 1))
      .sort();
    expect(files).toEqual(["a.txt", "empty.txt", "img/c.jpg", "img/deep/d.png"]);
    expect(readFileSync(join(target, "img/deep/d.png"), "utf8")).toBe("d");
  });

  it("lists what it would do with --dry-run, and transfers nothing", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "cp",
      tree,
      `s3://${bucket}/dry/`,
      "--recursive",
      "--exclude",
      "node_modules",
      "--dry-run",
    ]);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(5);
    expect(stdout).toMatch(
      /\(dry run\) upload: .*a\.txt → s3:\/\/s3kit-cp-\w+\/dry\/a\.txt \(1 B\)/,
    );
    expect(stderr).toContain("Dry run: would upload 5 files");
    expect(await keys("dry/")).toEqual([]);
  });

  it("says so when the filters match nothing", async () => {
    const { code, stderr } = await runAgainstMoto([
      "cp",
      tree,
      `s3://${bucket}/none/`,
      "--recursive",
      "--include",
      "*.nothing",
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain("nothing to upload");
    expect(await keys("none/")).toEqual([]);
  });

  it("uploads nothing when a file's key would be over 1,024 bytes", async () => {
    const deep = join(dir, "deep-tree");
    const long = join(deep, ...Array.from({ length: 5 }, (_, i) => `${i}${"d".repeat(249)}`));
    mkdirSync(long, { recursive: true });
    writeFileSync(join(long, "a.txt"), "a");
    writeFileSync(join(long, "b.txt"), "b");
    writeFileSync(join(deep, "short.txt"), "s");
    const { code, stderr } = await runAgainstMoto([
      "cp",
      deep,
      `s3://${bucket}/deep/`,
      "--recursive",
    ]);
    expect(stderr).toMatch(/2 of the keys this copy would create are not valid S3 keys/);
    expect(stderr).toContain("Nothing was transferred.");
    expect(code).toBe(2);
    expect(await keys("deep/")).toEqual([]);
  });

  it("skips keys that would escape the target folder", async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "evil/../../escape.txt", Body: "x" }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "evil/ok.txt", Body: "ok" }));
    const target = join(dir, "evil-down");
    const { code, stderr } = await runAgainstMoto([
      "cp",
      `s3://${bucket}/evil/`,
      target,
      "--recursive",
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /skipped s3:\/\/.*evil\/\.\.\/\.\.\/escape\.txt: the key is not a safe file name/,
    );
    expect(readdirSync(target)).toEqual(["ok.txt"]);
    expect(existsSync(join(dir, "escape.txt"))).toBe(false);
  });
});

// Keys are strings, local paths are not: several keys can name one file, or need one name
// as a file and a folder at once. Written one after the other, one would be lost silently.
describe("cp --recursive download: keys that would land on one file", () => {
  const keysAndBodies: [string, string][] = [
    ["col/a/b", "a/b"],
    ["col/a//b", "a//b"],
    ["col/./c", "./c"],
    ["col/c", "c"],
    ["col/d", "d"],
    ["col/d/", "d/ with data"],
    ["col/e", "e"],
    ["col/e/f", "e/f"],
    ["col/x/../y", "x/../y"],
    ["col/y", "y"],
    ["col/ok.txt", "ok"],
    ["col/folder/", ""], // an empty folder marker, as the S3 console makes
    ["col/folder/z.txt", "z"],
  ];
  let b: string;
  beforeAll(async () => {
    b = await createBucket(s3, "s3kit-collide");
    for (const [key, body] of keysAndBodies) {
      await s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: body }));
    }
  });

  it("lists every collision, writes nothing and exits 5 (dry run too)", async () => {
    const target = join(dir, "collide-none");
    for (const extra of [[], ["--dry-run"]]) {
      const { code, stdout, stderr } = await runAgainstMoto([
        "cp",
        `s3://${b}/col/`,
        target,
        "--recursive",
        ...extra,
      ]);
      expect(stderr).toContain("5 local paths would each receive more than one key");
      expect(stderr).toContain(`  a/b ← s3://${b}/col/a//b, s3://${b}/col/a/b`);
      expect(stderr).toContain(`  c ← s3://${b}/col/./c, s3://${b}/col/c`);
      expect(stderr).toContain(`  d ← s3://${b}/col/d, s3://${b}/col/d/`);
      expect(stderr).toContain(
        `  e ← s3://${b}/col/e is a file, but s3://${b}/col/e/f needs e as a folder`,
      );
      expect(stderr).toContain(`  y ← s3://${b}/col/x/../y, s3://${b}/col/y`);
      expect(stderr).toContain("--on-collision skip");
      expect(code).toBe(5);
      expect(stdout).toBe("");
      expect(existsSync(target)).toBe(false);
    }
  });

  it("gives the collisions as data with --json", async () => {
    const { code, stderr } = await runAgainstMoto([
      "cp",
      `s3://${b}/col/`,
      join(dir, "collide-json"),
      "--recursive",
      "--json",
    ]);
    expect(code).toBe(5);
    const { error } = JSON.parse(stderr);
    expect(error.code).toBe("KeyCollision");
    expect(error.details).toHaveLength(5);
    expect(error.details[0]).toBe(`a/b ← s3://${b}/col/a//b, s3://${b}/col/a/b`);
  });

  it("--on-collision skip downloads the rest and names each key it skipped", async () => {
    const target = join(dir, "collide-skip");
    const { code, stdout, stderr } = await runAgainstMoto([
      "cp",
      `s3://${b}/col/`,
      target,
      "--recursive",
      "--on-collision",
      "skip",
      "--json",
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.files).toBe(3);
    expect(summary.skipped.map((s: { source: string }) => s.source).sort()).toEqual(
      ["col/a/b", "col/a//b", "col/./c", "col/c", "col/d", "col/d/", "col/e", "col/x/../y", "col/y"]
        .map((k) => `s3://${b}/${k}`)
        .sort(),
    );
    expect(summary.skipped[0].reason).toMatch(/same local path|needs .* as a folder/);
    const files = readdirSync(target, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(target.length + 1))
      .sort();
    expect(files).toEqual(["e/f", "folder/z.txt", "ok.txt"]);
    expect(stderr).toContain(`skipped s3://${b}/col/a//b`);

    const human = await runAgainstMoto([
      "cp",
      `s3://${b}/col/`,
      join(dir, "collide-skip-2"),
      "--recursive",
      "--on-collision",
      "skip",
    ]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain(
      `warning: skipped s3://${b}/col/a/b: it maps to the same local path (a/b) as s3://${b}/col/a//b`,
    );
    expect(human.stderr).toContain(
      `warning: skipped s3://${b}/col/e: it is a file, but s3://${b}/col/e/f needs e as a folder`,
    );
    expect(human.stderr).toContain("Downloaded 3 files");
  });

  it("--on-collision is refused where no collision can happen", async () => {
    const { code, stderr } = await runAgainstMoto([
      "cp",
      join(dir, "md5.txt"),
      `s3://${b}/x`,
      "--on-collision",
      "skip",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--on-collision applies to recursive downloads");
  });
});

describe("cp between buckets (server-side)", () => {
  it("copies one object, keeping its headers, or replacing them when asked", async () => {
    const other = await createBucket(s3, "s3kit-cp-dst");
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "copy/src.css",
        Body: "body{}",
        ContentType: "text/css",
        Metadata: { origin: "test" },
      }),
    );
    const kept = await runAgainstMoto(["cp", `s3://${bucket}/copy/src.css`, `s3://${other}/`]);
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain("✓ Copied");
    const head = await s3.send(new HeadObjectCommand({ Bucket: other, Key: "src.css" }));
    expect(head.ContentType).toBe("text/css");
    expect(head.Metadata).toEqual({ origin: "test" });

    const replaced = await runAgainstMoto([
      "cp",
      `s3://${bucket}/copy/src.css`,
      `s3://${other}/renamed.css`,
      "--cache-control",
      "no-cache",
    ]);
    expect(replaced.code).toBe(0);
    const after = await s3.send(new HeadObjectCommand({ Bucket: other, Key: "renamed.css" }));
    expect(after.CacheControl).toBe("no-cache");
    // Headers not given keep the source's.
    expect(after.ContentType).toBe("text/css");
    expect(after.Metadata).toEqual({ origin: "test" });
    expect((await objectBytes("renamed.css", other)).toString()).toBe("body{}");
  });

  it("copies a prefix recursively, large objects included", async () => {
    const other = await createBucket(s3, "s3kit-cp-rdst");
    const big = randomFile(dir, "big-copy.bin", 12 * MiB);
    expect((await runAgainstMoto(["cp", big, `s3://${bucket}/rcopy/big.bin`])).code).toBe(0);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "rcopy/sub/small.txt", Body: "s" }));
    const { code, stderr } = await runAgainstMoto([
      "cp",
      `s3://${bucket}/rcopy`,
      `s3://${other}/backup/`,
      "--recursive",
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain("Copied 2 files");
    expect(await keys("", other)).toEqual(["backup/big.bin", "backup/sub/small.txt"]);
    expect(sha256(await objectBytes("backup/big.bin", other))).toBe(sha256(big));
  });
});

describe("cp with stdin and stdout", () => {
  it("streams stdin up and stdout down (small)", async () => {
    const data = Buffer.from("line one\nline two\n");
    const up = await runBinary(["cp", "-", `s3://${bucket}/stream/small.txt`], { input: data });
    expect(up.code).toBe(0);
    expect(await objectBytes("stream/small.txt")).toEqual(data);
    const down = await runBinary(["cp", `s3://${bucket}/stream/small.txt`, "-"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toEqual(data);
    // Nothing but the data: a pipe gets clean output and stderr stays quiet.
    expect(down.stderr).toBe("");
  });

  it("streams 20 MiB of stdin up in parts, and back out byte for byte", async () => {
    const data = readFileSync(randomFile(dir, "stream.bin", 20 * MiB + 12345));
    const up = await runBinary(
      ["cp", "-", `s3://${bucket}/stream/big.bin`, "--part-size", "5MiB", "--json"],
      { input: data },
    );
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout.toString()).transfers[0]).toMatchObject({
      bytes: data.length,
      parts: 5,
    });
    expect(sha256(await objectBytes("stream/big.bin"))).toBe(sha256(data));
    const down = await runBinary(["cp", `s3://${bucket}/stream/big.bin`, "-"]);
    expect(down.code).toBe(0);
    expect(sha256(down.stdout)).toBe(sha256(data));
    expect(await openUploads()).toBe(0);
  });
});

describe("cp with stdin and a large threshold", () => {
  it("does not hold more than its memory budget before deciding to go multipart", async () => {
    const data = readFileSync(randomFile(dir, "stream-threshold.bin", 70 * MiB));
    const up = await runBinary(
      ["cp", "-", `s3://${bucket}/stream/threshold.bin`, "--multipart-threshold", "1GiB", "--json"],
      { input: data, timeoutMs: 60_000 },
    );
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout.toString()).transfers[0].parts).toBeGreaterThan(1);
    expect(sha256(await objectBytes("stream/threshold.bin"))).toBe(sha256(data));
  });
});

describe("cp bad input: a clear error and nothing transferred", () => {
  it.each([
    [["cp", "missing-file.txt", "s3://BUCKET/x"], 3, /missing-file\.txt does not exist/],
    [
      ["cp", "s3:/BUCKET/x", "out"],
      2,
      /"s3:\/s3kit-cp-\w+\/x" is not an S3 location or a local path/,
    ],
    [["cp", "FILE", "s3://bad bucket/x"], 2, /Invalid bucket name "bad bucket"/],
    [["cp", "DIR", "s3://BUCKET/x"], 2, /is a folder\./],
    [["cp", "FILE", "s3://BUCKET/x", "--concurrency", "0"], 2, /--concurrency "0"/],
    [["cp", "FILE", "s3://BUCKET/x", "--part-size", "-5MiB"], 2, /--part-size "-5MiB" is negative/],
    [["cp", "FILE", "s3://BUCKET/x", "--multipart-threshold", "huge"], 2, /is not a size/],
    [["cp", "FILE", "s3://BUCKET/x", "--part-size", "1MiB"], 2, /outside S3's limits/],
    [["cp", "FILE", "s3://BUCKET/x", "--storage-class", "CHEAP"], 2, /not an S3 storage class/],
    [["cp", "FILE", "s3://BUCKET/x", "--exclude", "*.log"], 2, /work with --recursive/],
    [["cp", "FILE", "other-file"], 2, /Neither .* is an S3 location/],
    [["cp", "s3://BUCKET/dir/", "out"], 2, /names a prefix, not an object/],
    [["cp", "-", "s3://BUCKET/"], 2, /names no object key/],
    [["cp", "s3://BUCKET/x", "out", "--content-type", "text/plain"], 2, /applies to uploads/],
  ])("%j exits %d", async (args, code, message) => {
    const file = join(dir, "bad-input.txt");
    writeFileSync(file, "x");
    mkdirSync(join(dir, "a-dir"), { recursive: true });
    const resolved = args.map((a) =>
      a
        .replace("BUCKET", bucket)
        .replace(/^FILE$/, file)
        .replace(/^DIR$/, join(dir, "a-dir")),
    );
    const result = await runAgainstMoto(resolved, { cwd: dir });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(await keys("x")).toEqual([]);
  });

  it("names a missing object (exit 3) and a missing bucket", async () => {
    const key = await runAgainstMoto(["cp", `s3://${bucket}/no/such.txt`, join(dir, "n.txt")]);
    expect(key.code).toBe(3);
    expect(key.stderr).toContain(`s3://${bucket}/no/such.txt does not exist.`);
    expect(existsSync(join(dir, "n.txt"))).toBe(false);
    const noBucket = await runAgainstMoto([
      "cp",
      "s3://s3kit-no-such-bucket-x/k",
      join(dir, "n.txt"),
    ]);
    expect(noBucket.code).toBe(3);
    expect(noBucket.stderr).toContain("The bucket s3kit-no-such-bucket-x does not exist.");
  });

  it("prints errors as JSON with --json", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "cp",
      join(dir, "nope.bin"),
      `s3://${bucket}/nope`,
      "--json",
    ]);
    expect(code).toBe(3);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr).error).toMatchObject({ code: "SourceNotFound" });
  });
});
