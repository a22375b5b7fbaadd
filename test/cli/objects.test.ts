import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { runAgainstMoto } from "../support/cli.js";
import { createBucket, directS3, removeDir, tempDir } from "../support/objects.js";

const s3 = directS3();

async function put(bucket: string, key: string, body = "x", extra: object = {}) {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }));
}

async function putMany(bucket: string, keys: readonly string[]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < keys.length) await put(bucket, keys[next++] as string);
    }),
  );
}

async function count(bucket: string, prefix = ""): Promise<number> {
  let total = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    total += page.KeyCount ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  return total;
}

describe("ls", () => {
  let bucket: string;
  let dir: string;
  const many = Array.from({ length: 2500 }, (_, i) => `many/item-${String(i).padStart(4, "0")}`);

  beforeAll(async () => {
    bucket = await createBucket(s3, "s3kit-ls");
    dir = tempDir();
    await putMany(bucket, many);
    await put(bucket, "top.txt", "hello");
    await put(bucket, "docs/readme.md", "r".repeat(2048));
    await put(bucket, "docs/guide/intro.md", "i");
  });

  it("lists buckets without a location", async () => {
    const { code, stdout } = await runAgainstMoto(["ls"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${bucket}$`, "m"),
    );
    const json = await runAgainstMoto(["ls", "--json"]);
    const buckets = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(buckets).toContainEqual(expect.objectContaining({ type: "bucket", name: bucket }));
  });

  it("lists one level with PRE lines, names relative to the prefix", async () => {
    const { code, stdout } = await runAgainstMoto(["ls", `s3://${bucket}`]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\s+PRE {2}docs\/$/);
    expect(lines[1]).toMatch(/^\s+PRE {2}many\/$/);
    expect(lines[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {11}5 {2}top\.txt$/);
    const docs = await runAgainstMoto(["ls", `s3://${bucket}/docs/`, "--human"]);
    expect(docs.stdout.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/PRE {2}guide\/$/),
      expect.stringMatching(/ {3}2\.0 KiB {2}readme\.md$/),
    ]);
  });

  it("follows pagination over 2,500 keys (streamed JSON lines)", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "ls",
      `s3://${bucket}/many/`,
      "--recursive",
      "--json",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const entries = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(entries).toHaveLength(2500);
    expect(entries.map((e) => e.key)).toEqual(many);
    expect(entries[0]).toMatchObject({ type: "object", size: 1, storageClass: "STANDARD" });
    expect(entries[0].lastModified).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("stops quietly when the reader goes away (| head -1)", async () => {
    const { execFileSync } = await import("node:child_process");
    const { cleanEnv, motoEnv } = await import("../support/cli.js");
    const { root } = await import("../../scripts/servers.mjs");
    const bin = join(root, "bin", "s3kit");
    for (const format of [[], ["--json"]]) {
      const piped = execFileSync(
        "sh",
        [
          "-c",
          `"${process.execPath}" "${bin}" ls s3://${bucket}/many/ --recursive ${format.join(" ")} 2>"$ERR_FILE" | head -1; cat "$ERR_FILE"`,
        ],
        { env: { ...cleanEnv(), ...motoEnv(), ERR_FILE: join(dir, "ls-err.txt") } as never },
      ).toString();
      expect(piped.split("\n").filter(Boolean)).toHaveLength(1);
      expect(piped).not.toMatch(/EPIPE|Error/);
    }
  });

  it("lists every key with --recursive", async () => {
    const { code, stdout } = await runAgainstMoto(["ls", `s3://${bucket}`, "--recursive"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(2503);
    expect(lines.at(-1)).toMatch(/ top\.txt$/);
    expect(lines).toContainEqual(expect.stringMatching(/ docs\/guide\/intro\.md$/));
  });

  it("fails with exit 3 for a missing bucket and exit 2 for a bad location", async () => {
    const missing = await runAgainstMoto(["ls", "s3://s3kit-no-such-bucket-ls"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/bucket/i);
    const bad = await runAgainstMoto(["ls", "my-bucket/prefix"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"my-bucket/prefix" is not an S3 location.');
    const badName = await runAgainstMoto(["ls", "s3://no such"]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('Invalid bucket name "no such"');
  });
});

describe("rm", () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, "s3kit-rm");
  });

  it("deletes one object, and says so when it does not exist (exit 3)", async () => {
    await put(bucket, "one.txt");
    const { code, stderr } = await runAgainstMoto(["rm", `s3://${bucket}/one.txt`]);
    expect(code).toBe(0);
    expect(stderr).toContain(`✓ Deleted s3://${bucket}/one.txt`);
    expect(await count(bucket, "one.txt")).toBe(0);
    const again = await runAgainstMoto(["rm", `s3://${bucket}/one.txt`]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(`s3://${bucket}/one.txt does not exist.`);
  });

  it("refuses a prefix without --recursive", async () => {
    const { code, stderr } = await runAgainstMoto(["rm", `s3://${bucket}/dir/`]);
    expect(code).toBe(2);
    expect(stderr).toContain("names a prefix, not an object");
  });

  it("deletes a prefix recursively in batches: asks first, --dry-run lists, --yes deletes", async () => {
    const keys = Array.from({ length: 2100 }, (_, i) => `tmp/f${i}`);
    await putMany(bucket, keys);
    await put(bucket, "tmpfile-outside-the-prefix");
    await put(bucket, "keep/me");

    const asked = await runAgainstMoto(["rm", `s3://${bucket}/tmp`, "--recursive"]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain(`Delete 1,000+ objects under s3://${bucket}/tmp/?`);
    expect(asked.stderr).toContain("Pass --yes");
    expect(await count(bucket, "tmp/")).toBe(2100);

    const dry = await runAgainstMoto(["rm", `s3://${bucket}/tmp/`, "--recursive", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout.trim().split("\n")).toHaveLength(2100);
    expect(dry.stdout).toContain(`(dry run) delete: s3://${bucket}/tmp/f0\n`);
    expect(dry.stderr).toContain("would delete 2,100 objects");
    expect(await count(bucket, "tmp/")).toBe(2100);

    const { code, stdout, stderr } = await runAgainstMoto([
      "rm",
      `s3://${bucket}/tmp/`,
      "--recursive",
      "--yes",
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      location: `s3://${bucket}/tmp/`,
      dryRun: false,
      deleted: 2100,
      failed: [],
    });
    expect(stderr).toContain("Deleted 2,100 objects");
    expect(await count(bucket, "tmp/")).toBe(0);
    // `tmp` meant the folder tmp/, not every key starting with "tmp".
    expect(await count(bucket, "tmpfile")).toBe(1);
    expect(await count(bucket, "keep/")).toBe(1);

    const empty = await runAgainstMoto(["rm", `s3://${bucket}/tmp/`, "--recursive", "--yes"]);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain("Nothing to delete");
  });
});

describe("stat and exists", () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, "s3kit-stat");
    await put(bucket, "report.csv", "a,b\n1,2\n", {
      ContentType: "text/csv",
      CacheControl: "max-age=60",
      Metadata: { owner: "alice" },
      ServerSideEncryption: "AES256",
      StorageClass: "STANDARD_IA",
    });
  });

  it("shows an object's metadata", async () => {
    const { code, stdout } = await runAgainstMoto(["stat", `s3://${bucket}/report.csv`]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Location:      s3://${bucket}/report.csv`);
    expect(stdout).toMatch(/Size: +8 bytes/);
    expect(stdout).toMatch(/Content-Type: +text\/csv/);
    expect(stdout).toMatch(/ETag: +"[0-9a-f]{32}"/);
    expect(stdout).toMatch(/Storage class: +STANDARD_IA/);
    expect(stdout).toMatch(/Encryption: +AES256/);
    expect(stdout).toMatch(/Cache-Control: +max-age=60/);
    expect(stdout).toMatch(/Metadata: +owner=alice/);
  });

  it("prints the same as JSON", async () => {
    const { code, stdout } = await runAgainstMoto(["stat", `s3://${bucket}/report.csv`, "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      bucket,
      key: "report.csv",
      size: 8,
      contentType: "text/csv",
      storageClass: "STANDARD_IA",
      encryption: { algorithm: "AES256" },
      metadata: { owner: "alice" },
      cacheControl: "max-age=60",
    });
  });

  it("stat exits 3 for a missing object, naming it", async () => {
    const { code, stderr } = await runAgainstMoto(["stat", `s3://${bucket}/nope.csv`]);
    expect(code).toBe(3);
    expect(stderr).toContain(`s3://${bucket}/nope.csv does not exist.`);
  });

  it("exists: exit 0 or 3, nothing on stdout; {exists} with --json", async () => {
    const yes = await runAgainstMoto(["exists", `s3://${bucket}/report.csv`]);
    expect(yes).toEqual({ code: 0, stdout: "", stderr: "" });
    const no = await runAgainstMoto(["exists", `s3://${bucket}/missing.csv`]);
    expect(no).toEqual({ code: 3, stdout: "", stderr: "" });
    const noBucket = await runAgainstMoto(["exists", "s3://s3kit-no-such-bucket-e/k"]);
    expect(noBucket.code).toBe(3);
    const json = await runAgainstMoto(["exists", `s3://${bucket}/missing.csv`, "--json"]);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ exists: false });
    const jsonYes = await runAgainstMoto(["exists", `s3://${bucket}/report.csv`, "--json"]);
    expect(JSON.parse(jsonYes.stdout)).toEqual({ exists: true });
  });
});

// Buckets created in us-east-1 before March 2018 may have capitals and underscores; S3 still
// serves them, so every command that uses a bucket takes the name (moto keeps such buckets).
describe("a legacy bucket name (us-east-1)", () => {
  const legacy = `Legacy_Bucket_${Date.now().toString(36).toUpperCase()}`;
  let dir: string;
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: legacy }));
    dir = tempDir();
    return () => removeDir(dir);
  });

  it("works with cp, ls, stat, exists, presign and rm", async () => {
    const file = join(dir, "up.txt");
    writeFileSync(file, "legacy bytes");
    const up = await runAgainstMoto(["cp", file, `s3://${legacy}/docs/up.txt`]);
    expect(up.stderr).toContain(`→ s3://${legacy}/docs/up.txt`);
    expect(up.code).toBe(0);

    const ls = await runAgainstMoto(["ls", `s3://${legacy}/`, "--recursive", "--json"]);
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout)).toMatchObject({ key: "docs/up.txt", size: 12 });

    const stat = await runAgainstMoto(["stat", `s3://${legacy}/docs/up.txt`, "--json"]);
    expect(stat.code).toBe(0);
    expect(JSON.parse(stat.stdout)).toMatchObject({ bucket: legacy, size: 12 });
    expect((await runAgainstMoto(["exists", `s3://${legacy}/docs/up.txt`])).code).toBe(0);
    expect((await runAgainstMoto(["exists", `s3://${legacy}/docs/nope.txt`])).code).toBe(3);

    const down = await runAgainstMoto(["cp", `s3://${legacy}/docs/up.txt`, join(dir, "down.txt")]);
    expect(down.code).toBe(0);
    expect(readFileSync(join(dir, "down.txt"), "utf8")).toBe("legacy bytes");

    // Not a DNS name: the bucket goes in the path, as the SDK does it.
    const presign = await runAgainstMoto(["presign", "get", `s3://${legacy}/docs/up.txt`]);
    expect(presign.code).toBe(0);
    expect(new URL(presign.stdout.trim()).pathname).toBe(`/${legacy}/docs/up.txt`);
    const batch = await runAgainstMoto(["presign", "get", "--stdin", "--bucket", legacy], {
      input: "docs/up.txt\n",
    });
    expect(batch.code).toBe(0);
    expect(new URL(batch.stdout.trim()).pathname).toBe(`/${legacy}/docs/up.txt`);

    const rm = await runAgainstMoto(["rm", `s3://${legacy}/docs/up.txt`]);
    expect(rm.code).toBe(0);
    expect(await count(legacy)).toBe(0);
  });

  it("says when a bucket with such a name is not there", async () => {
    const { code, stderr } = await runAgainstMoto(["stat", "s3://No_Such_Legacy_Bucket/k"]);
    expect(code).toBe(3);
    expect(stderr).toContain("The bucket No_Such_Legacy_Bucket does not exist.");
    expect(stderr).toContain("buckets created since 2018 have lowercase names");
  });
});

// Longer keys are refused before any request (test/command/object-keys.test.ts).
describe("keys up to S3's 1,024 bytes", () => {
  it("takes a key of exactly 1,024 bytes", async () => {
    const bucket = await createBucket(s3, "s3kit-longkey");
    const key = `${"é".repeat(511)}ab`;
    await put(bucket, key, "at the limit");
    const { code, stdout } = await runAgainstMoto(["stat", `s3://${bucket}/${key}`, "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).key).toBe(key);
  });
});

// A key can hold anything; printed raw, this one would set the terminal's title, ring its
// bell and reorder the rest of the line. --json must keep it exact.
describe("keys with control characters", () => {
  const hostile = "evil/a\u001b]0;PWNED\u0007b\u202ecod.exe";
  const shown = "evil/a\\u001b]0;PWNED\\u0007b\\u202ecod.exe";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them
  const active = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
  let bucket: string;
  let dir: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, "s3kit-ctrl");
    await put(bucket, hostile, "x");
    dir = tempDir();
    return () => removeDir(dir);
  });

  it("are shown escaped by ls, stat, cp, rm and in errors, and exact in JSON", async () => {
    const env = { FORCE_COLOR: "1" };
    const runs = await Promise.all([
      runAgainstMoto(["ls", `s3://${bucket}/`, "--recursive"], { env }),
      runAgainstMoto(["stat", `s3://${bucket}/${hostile}`], { env }),
      runAgainstMoto(["rm", `s3://${bucket}/${hostile}`, "--dry-run"], { env }),
      runAgainstMoto(["cp", `s3://${bucket}/${hostile}`, `${dir}/`], { env }),
      runAgainstMoto(["stat", `s3://${bucket}/${hostile}.missing`], { env }),
    ]);
    const [ls, stat, rm, cp, missing] = runs;
    for (const run of runs) {
      // Only s3kit's own colours are escape sequences.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: s3kit's colour codes
      expect(`${run.stdout}${run.stderr}`.replace(/\u001b\[\d+m/g, "")).not.toMatch(active);
    }
    expect(ls.stdout).toContain(`  ${shown}\n`);
    expect(stat.stdout).toContain(`Location:      s3://${bucket}/${shown}`);
    expect(rm.stdout).toBe(`(dry run) delete: s3://${bucket}/${shown}\n`);
    expect(cp.stderr).toContain(shown);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`s3://${bucket}/${shown}.missing does not exist.`);

    const json = await runAgainstMoto(["ls", `s3://${bucket}/`, "--recursive", "--json"]);
    expect(json.stdout).not.toMatch(active);
    expect(JSON.parse(json.stdout).key).toBe(hostile);
    const statJson = await runAgainstMoto(["stat", `s3://${bucket}/${hostile}`, "--json"]);
    expect(JSON.parse(statJson.stdout).key).toBe(hostile);
  });
});

// XML 1.0 cannot carry every character a key may hold: a parser turns "\r" into "\n" and
// some servers replace control characters. Listings ask for URL-encoded keys and decode them.
describe("listings keep every key exactly", () => {
  const odd = ["odd/a\rb", "odd/\u0001x", "odd/i+j k", "odd/g%41h", "odd/é ü", "odd/t\tx"];
  let bucket: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, "s3kit-odd");
    for (const key of odd) await put(bucket, key, key);
  });

  it("ls --json", async () => {
    const { code, stdout } = await runAgainstMoto(["ls", `s3://${bucket}/odd/`, "--json"]);
    expect(code).toBe(0);
    const keys = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).key);
    expect(keys.sort()).toEqual([...odd].sort());
  });

  it("cp --recursive downloads each of them", async () => {
    const dir = tempDir();
    try {
      const { code, stderr } = await runAgainstMoto([
        "cp",
        `s3://${bucket}/odd/`,
        dir,
        "--recursive",
      ]);
      expect(stderr).toContain(`Downloaded ${odd.length} files`);
      expect(code).toBe(0);
      for (const key of odd) {
        expect(readFileSync(join(dir, key.slice("odd/".length)), "utf8")).toBe(key);
      }
    } finally {
      removeDir(dir);
    }
  });

  it("rm --recursive deletes each of them", async () => {
    const { code } = await runAgainstMoto(["rm", `s3://${bucket}/odd/`, "--recursive", "--yes"]);
    expect(code).toBe(0);
    expect(await count(bucket, "odd/")).toBe(0);
  });
});
