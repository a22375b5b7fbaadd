import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { localEnv, root } from "../../scripts/servers.mjs";
import { type CliResult, cleanEnv } from "../support/cli.js";
import { removeDir, tempDir } from "../support/objects.js";
import {
  copiedKeys,
  downloadedKeys,
  type SyncServer,
  syncBackends,
  syncServer,
  uploadedKeys,
  writeTree,
} from "../support/sync-backends.js";

const HOUR_AGO = Math.floor(Date.now() / 1000) - 3600;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A site with names whose order UTF-16 and S3 disagree on, and a-b beside a/. */
const SITE: Record<string, string> = {
  "index.html": "<h1>home</h1>",
  "about/index.html": "<h1>about</h1>",
  "a-b.txt": "dash",
  "a/b.txt": "slash",
  "a0.txt": "zero",
  "css/site.css": "body{}",
  "img/😀.svg": "<svg/>",
  // Above U+E000 (UTF-16 sorts it before 😀; S3 after). U+FFFF itself is no XML character:
  // versitygw lists it as U+FFFD.
  "img/\uff5a.txt": "fullwidth z",
  "docs/ünïcødé.md": "# ü",
};

async function newBucket(server: SyncServer, name: string): Promise<string> {
  const bucket = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  await server.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

describe.each(syncBackends)("sync up to $name", ({ endpoint }) => {
  let server: SyncServer;
  let bucket: string;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(endpoint());
    bucket = await newBucket(server, "s3kit-sync-up");
    dir = tempDir("s3kit-sync-");
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it("uploads everything once, then nothing, then only what changed (counted PUTs)", async () => {
    const site = join(dir, "site");
    writeTree(site, SITE, HOUR_AGO);
    const first = await server.run(["sync", site, `s3://${bucket}/site/`, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      kind: "upload",
      dryRun: false,
      files: 9,
      failed: 0,
      unchanged: 0,
    });
    expect(uploadedKeys(server.log, bucket)).toEqual(
      Object.keys(SITE)
        .map((k) => `site/${k}`)
        .sort(),
    );
    expect(await server.keys(bucket, "site/")).toHaveLength(9);

    server.log.clear();
    const again = await server.run(["sync", site, `s3://${bucket}/site/`, "--delete"]);
    expect(again.code, again.stderr).toBe(0);
    expect(server.log.writes()).toEqual([]);
    expect(again.stderr).toContain("uploaded 0 files");
    expect(again.stderr).toContain("9 files unchanged");

    // One file grows; one is edited after its upload (newer, same size).
    await pause(1100);
    writeFileSync(join(site, "css/site.css"), "body{color:red}");
    writeFileSync(join(site, "a0.txt"), "ZERO");
    server.log.clear();
    const changed = await server.run(["sync", site, `s3://${bucket}/site/`, "--json"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(uploadedKeys(server.log, bucket)).toEqual(["site/a0.txt", "site/css/site.css"]);
    const reasons = JSON.parse(changed.stdout).transfers.map((t: { reason: string }) => t.reason);
    expect(reasons.sort()).toEqual(["newer", "size"]);
    expect(await server.body(bucket, "site/a0.txt")).toBe("ZERO");
  });

  it("--delete deletes exactly the keys not in the source, nothing outside the prefix, nothing excluded", async () => {
    const site = join(dir, "del");
    writeTree(site, { "keep.txt": "k", "sub/keep.txt": "k2" }, HOUR_AGO);
    for (const key of [
      "del/extra.txt",
      "del/sub/extra.txt",
      "del/zz/deep/extra.txt",
      "del/server.log",
      "delx/not-under-the-prefix.txt",
      "other/keep.txt",
    ]) {
      await server.put(bucket, key, "x");
    }
    const result = await server.run([
      "sync",
      site,
      `s3://${bucket}/del`,
      "--delete",
      "--exclude",
      "*.log",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.deleted).toBe(3);
    expect(summary.deletions.map((d: { location: string }) => d.location)).toEqual([
      `s3://${bucket}/del/extra.txt`,
      `s3://${bucket}/del/sub/extra.txt`,
      `s3://${bucket}/del/zz/deep/extra.txt`,
    ]);
    expect(await server.keys(bucket, "del")).toEqual([
      "del/keep.txt",
      "del/server.log",
      "del/sub/keep.txt",
      "delx/not-under-the-prefix.txt",
    ]);
    expect(await server.keys(bucket, "other/")).toEqual(["other/keep.txt"]);
  });

  it("--dry-run prints exactly the plan with sizes, changes nothing and exits 0", async () => {
    const site = join(dir, "dry");
    writeTree(site, { "same.txt": "same", "grown.txt": "grown!", "new.txt": "new" }, HOUR_AGO);
    await server.put(bucket, "dry/same.txt", "same");
    await server.put(bucket, "dry/grown.txt", "gr");
    await server.put(bucket, "dry/gone.txt", "gone!!");
    server.log.clear();
    const human = await server.run(["sync", site, `s3://${bucket}/dry/`, "--delete", "--dry-run"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout.trim().split("\n")).toEqual([
      `(dry run) upload: ${join(site, "grown.txt")} → s3://${bucket}/dry/grown.txt (6 B, size differs)`,
      `(dry run) upload: ${join(site, "new.txt")} → s3://${bucket}/dry/new.txt (3 B, new)`,
      `(dry run) delete: s3://${bucket}/dry/gone.txt (6 B)`,
    ]);
    expect(human.stderr).toContain(
      "Dry run: would upload 2 files (9 B) and delete 1 file (6 B); 1 file unchanged. Nothing was changed.",
    );
    const json = await server.run([
      "sync",
      site,
      `s3://${bucket}/dry/`,
      "--delete",
      "--dry-run",
      "--json",
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      files: 2,
      bytes: 9,
      unchanged: 1,
      transfers: [
        { destination: `s3://${bucket}/dry/grown.txt`, bytes: 6, reason: "size" },
        { destination: `s3://${bucket}/dry/new.txt`, bytes: 3, reason: "new" },
      ],
      deletions: [{ location: `s3://${bucket}/dry/gone.txt`, bytes: 6 }],
    });
    expect(server.log.writes()).toEqual([]);
    expect(await server.keys(bucket, "dry/")).toEqual([
      "dry/gone.txt",
      "dry/grown.txt",
      "dry/same.txt",
    ]);
  });

  it("refuses to empty the destination from an empty source, and more deletions than --max-delete (exit 5, nothing changed)", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const site = join(dir, "maxdel");
    writeTree(site, { "new.txt": "new" });
    for (const key of ["guard/a.txt", "guard/b.txt", "guard/c.txt"])
      await server.put(bucket, key, "x");
    server.log.clear();

    const fromEmpty = await server.run(["sync", empty, `s3://${bucket}/guard/`, "--delete"]);
    expect(fromEmpty.code).toBe(5);
    expect(fromEmpty.stderr).toContain("is empty (or nothing in it matches the filters)");
    expect(fromEmpty.stderr).toContain("--allow-empty-source");
    // A source where nothing matches the filters is as empty (the destination has matches).
    writeTree(join(dir, "md-only"), { "readme.md": "md" });
    const filtered = await server.run([
      "sync",
      join(dir, "md-only"),
      `s3://${bucket}/guard/`,
      "--delete",
      "--include",
      "*.txt",
    ]);
    expect(filtered.code).toBe(5);
    expect(filtered.stderr).toContain("nothing in it matches the filters");
    const tooMany = await server.run([
      "sync",
      site,
      `s3://${bucket}/guard/`,
      "--delete",
      "--max-delete",
      "2",
      "--json",
    ]);
    expect(tooMany.code).toBe(5);
    expect(JSON.parse(tooMany.stderr).error.code).toBe("TooManyDeletes");
    // Refused means refused: not even the upload went ahead.
    expect(server.log.writes()).toEqual([]);
    expect(await server.keys(bucket, "guard/")).toEqual([
      "guard/a.txt",
      "guard/b.txt",
      "guard/c.txt",
    ]);

    const allowed = await server.run([
      "sync",
      empty,
      `s3://${bucket}/guard/`,
      "--delete",
      "--allow-empty-source",
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await server.keys(bucket, "guard/")).toEqual([]);
  });

  it("--checksum: fresh mtimes with the same content upload nothing; other content of the same size is found", async () => {
    const site = join(dir, "sum");
    writeTree(site, { "a.txt": "aaaa", "b.txt": "bbbb", "c.txt": "cccc" }, HOUR_AGO);
    const first = await server.run(["sync", site, `s3://${bucket}/sum/`]);
    expect(first.code, first.stderr).toBe(0);
    // A fresh checkout: every mtime is now, after the upload.
    await pause(1100);
    const now = Date.now() / 1000;
    for (const f of ["a.txt", "b.txt", "c.txt"]) utimesSync(join(site, f), now, now);
    writeFileSync(join(site, "b.txt"), "BBBB");
    utimesSync(join(site, "b.txt"), now, now);

    server.log.clear();
    const byTime = await server.run(["sync", site, `s3://${bucket}/sum/`, "--dry-run", "--json"]);
    expect(JSON.parse(byTime.stdout).files).toBe(3);
    const bySize = await server.run(["sync", site, `s3://${bucket}/sum/`, "--size-only", "--json"]);
    expect(JSON.parse(bySize.stdout).files).toBe(0);
    expect(uploadedKeys(server.log, bucket)).toEqual([]);
    const byContent = await server.run([
      "sync",
      site,
      `s3://${bucket}/sum/`,
      "--checksum",
      "--json",
    ]);
    expect(byContent.code, byContent.stderr).toBe(0);
    expect(JSON.parse(byContent.stdout)).toMatchObject({
      files: 1,
      unchanged: 2,
      compare: "checksum",
      transfers: [{ destination: `s3://${bucket}/sum/b.txt`, reason: "content" }],
    });
    expect(uploadedKeys(server.log, bucket)).toEqual(["sum/b.txt"]);
  });

  it("--checksum recognises multipart objects: s3kit's own, and another tool's with 5 MiB parts", async () => {
    const site = join(dir, "big");
    mkdirSync(site);
    const bytes = Buffer.alloc(6 * 1024 * 1024 + 123);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    writeFileSync(join(site, "ours.bin"), bytes);
    writeFileSync(join(site, "theirs.bin"), bytes);
    const ours = await server.run([
      "sync",
      site,
      `s3://${bucket}/big/`,
      "--exclude",
      "theirs.bin",
      "--multipart-threshold",
      "5MiB",
      "--part-size",
      "5MiB",
    ]);
    expect(ours.code, ours.stderr).toBe(0);
    // Another tool: a multipart upload in 5 MiB parts, no checksum.
    const { CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand } =
      await import("@aws-sdk/client-s3");
    const key = "big/theirs.bin";
    const { UploadId } = await server.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    const parts = [];
    for (let n = 1, at = 0; at < bytes.length; n++, at += 5 * 1024 * 1024) {
      const out = await server.s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: n,
          Body: bytes.subarray(at, at + 5 * 1024 * 1024),
        }),
      );
      parts.push({ PartNumber: n, ETag: out.ETag });
    }
    await server.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const head = await server.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ETag).toMatch(/-2"$/);
    await pause(1100);
    const now = Date.now() / 1000;
    for (const f of ["ours.bin", "theirs.bin"]) utimesSync(join(site, f), now, now);
    server.log.clear();
    const check = await server.run(["sync", site, `s3://${bucket}/big/`, "--checksum", "--json"]);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ files: 0, unchanged: 2 });
    expect(server.log.writes()).toEqual([]);
  });
});

describe.each(syncBackends)("sync down from $name", ({ endpoint }) => {
  let server: SyncServer;
  let bucket: string;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(endpoint());
    bucket = await newBucket(server, "s3kit-sync-down");
    dir = tempDir("s3kit-sync-down-");
    for (const [rel, body] of Object.entries(SITE)) await server.put(bucket, `site/${rel}`, body);
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it("downloads everything once (with the objects' times), then nothing, then what changed; --delete removes local extras", async () => {
    const target = join(dir, "site");
    const first = await server.run(["sync", `s3://${bucket}/site/`, target]);
    expect(first.code, first.stderr).toBe(0);
    for (const [rel, body] of Object.entries(SITE)) {
      expect(readFileSync(join(target, ...rel.split("/")), "utf8")).toBe(body);
    }
    const head = await server.s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: "site/index.html" }),
    );
    expect(Math.floor(statSync(join(target, "index.html")).mtimeMs / 1000)).toBe(
      Math.floor((head.LastModified as Date).getTime() / 1000),
    );

    server.log.clear();
    writeFileSync(join(target, "local-only.txt"), "mine");
    mkdirSync(join(target, "drafts"));
    writeFileSync(join(target, "drafts", "note.md"), "draft");
    writeFileSync(join(target, "keep.log"), "log");
    const again = await server.run([
      "sync",
      `s3://${bucket}/site/`,
      target,
      "--delete",
      "--exclude",
      "*.log",
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(downloadedKeys(server.log, bucket)).toEqual([]);
    expect(existsSync(join(target, "local-only.txt"))).toBe(false);
    expect(existsSync(join(target, "drafts", "note.md"))).toBe(false);
    // Folders stay; excluded files stay.
    expect(existsSync(join(target, "drafts"))).toBe(true);
    expect(existsSync(join(target, "keep.log"))).toBe(true);

    // A local edit (newer than the object) is undone.
    await pause(1100);
    writeFileSync(join(target, "a0.txt"), "edit");
    server.log.clear();
    const restore = await server.run(["sync", `s3://${bucket}/site/`, target]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(downloadedKeys(server.log, bucket)).toEqual(["site/a0.txt"]);
    expect(readFileSync(join(target, "a0.txt"), "utf8")).toBe("zero");
  });

  it("an object rewritten with the same size: missed by default (the AWS CLI's rule), found by --exact-timestamps and --checksum", async () => {
    const target = join(dir, "same-size");
    expect((await server.run(["sync", `s3://${bucket}/site/`, target])).code).toBe(0);
    await pause(1100);
    await server.put(bucket, "site/a-b.txt", "DASH");
    const plain = await server.run(["sync", `s3://${bucket}/site/`, target, "--json"]);
    expect(JSON.parse(plain.stdout).files).toBe(0);
    const exact = await server.run([
      "sync",
      `s3://${bucket}/site/`,
      target,
      "--exact-timestamps",
      "--dry-run",
      "--json",
    ]);
    expect(JSON.parse(exact.stdout).transfers).toMatchObject([
      { source: `s3://${bucket}/site/a-b.txt`, reason: "time" },
    ]);
    const content = await server.run(["sync", `s3://${bucket}/site/`, target, "--checksum"]);
    expect(content.code, content.stderr).toBe(0);
    expect(readFileSync(join(target, "a-b.txt"), "utf8")).toBe("DASH");
    await server.put(bucket, "site/a-b.txt", "dash");
  });

  it("keys that are no file path are reported and left alone with the file they would land on; collisions stop the run (exit 5)", async () => {
    const b = await newBucket(server, "s3kit-sync-keys");
    for (const key of ["k/a/b", "k/x//y", "k/./c", "k/ok.txt"]) await server.put(b, key, key);
    const target = join(dir, "keys");
    writeTree(target, { "x/y": "local y", c: "local c" });
    const result = await server.run(["sync", `s3://${b}/k/`, target, "--delete", "--json"]);
    if (result.code === 0) {
      // (A server that normalises keys may not store the odd ones at all.)
      const summary = JSON.parse(result.stdout);
      const skipped = summary.skipped.map((s: { location: string }) => s.location);
      const stored = await server.keys(b, "k/");
      if (stored.includes("k/x//y")) {
        expect(skipped).toContain(`s3://${b}/k/x//y`);
        expect(readFileSync(join(target, "x", "y"), "utf8")).toBe("local y");
      }
      if (stored.includes("k/./c")) {
        expect(skipped).toContain(`s3://${b}/k/./c`);
        expect(readFileSync(join(target, "c"), "utf8")).toBe("local c");
      }
      expect(readFileSync(join(target, "a", "b"), "utf8")).toBe("k/a/b");
      expect(readFileSync(join(target, "ok.txt"), "utf8")).toBe("k/ok.txt");
    } else {
      throw new Error(`sync failed: ${result.stderr}`);
    }
  });
});

describe("sync down: keys that need a name as a file and as a folder (moto)", () => {
  let server: SyncServer;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(syncBackends[0].endpoint());
    dir = tempDir("s3kit-sync-col-");
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it("exits 5 and writes nothing; --on-collision skip syncs the rest and keeps the colliding name's file", async () => {
    const b = await newBucket(server, "s3kit-sync-col");
    for (const key of ["p/e", "p/e/f", "p/ok.txt"]) await server.put(b, key, key);
    const target = join(dir, "col");
    const stopped = await server.run(["sync", `s3://${b}/p/`, target]);
    expect(stopped.code).toBe(5);
    expect(stopped.stderr).toContain(
      `e ← s3://${b}/p/e is a file, but s3://${b}/p/e/f needs e as a folder`,
    );
    expect(existsSync(target)).toBe(false);
    writeTree(target, { "e/f": "local, longer", "e/g": "extra" });
    const skipped = await server.run([
      "sync",
      `s3://${b}/p/`,
      target,
      "--on-collision",
      "skip",
      "--delete",
    ]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain(`skipped s3://${b}/p/e: it is a file, but`);
    expect(readFileSync(join(target, "ok.txt"), "utf8")).toBe("p/ok.txt");
    expect(readFileSync(join(target, "e", "f"), "utf8")).toBe("p/e/f");
    expect(existsSync(join(target, "e", "g"))).toBe(false);
  });
});

describe.each(syncBackends)("sync between buckets on $name (server-side)", ({ endpoint }) => {
  let server: SyncServer;
  beforeAll(async () => {
    server = await syncServer(endpoint());
  });
  afterAll(() => server.log.close());

  it("copies once, then nothing, then what was rewritten; --delete removes the destination's extras", async () => {
    const from = await newBucket(server, "s3kit-sync-from");
    const to = await newBucket(server, "s3kit-sync-to");
    for (const key of ["a.txt", "b/c.txt", "d.txt"]) await server.put(from, `src/${key}`, key);
    await server.put(to, "dst/extra.txt", "extra");
    const first = await server.run(["sync", `s3://${from}/src/`, `s3://${to}/dst/`]);
    expect(first.code, first.stderr).toBe(0);
    expect(copiedKeys(server.log, to)).toEqual(["dst/a.txt", "dst/b/c.txt", "dst/d.txt"]);
    expect(downloadedKeys(server.log, from)).toEqual([]);
    server.log.clear();
    expect((await server.run(["sync", `s3://${from}/src/`, `s3://${to}/dst/`])).code).toBe(0);
    expect(server.log.writes()).toEqual([]);
    await pause(1100);
    await server.put(from, "src/d.txt", "D.tx");
    server.log.clear();
    const changed = await server.run(["sync", `s3://${from}/src/`, `s3://${to}/dst/`, "--delete"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(copiedKeys(server.log, to)).toEqual(["dst/d.txt"]);
    expect(await server.keys(to, "dst/")).toEqual(["dst/a.txt", "dst/b/c.txt", "dst/d.txt"]);
    expect(await server.body(to, "dst/d.txt")).toBe("D.tx");
  });
});

describe("sync: symbolic links and unreadable names (moto)", () => {
  let server: SyncServer;
  let bucket: string;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(syncBackends[0].endpoint());
    bucket = await newBucket(server, "s3kit-sync-links");
    dir = tempDir("s3kit-sync-links-");
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it("follows links by default, reports a loop once, and --no-follow-symlinks leaves links and their keys alone", async () => {
    const site = join(dir, "site");
    writeTree(site, { "real/page.html": "page", "file.txt": "file" });
    const outside = join(dir, "outside");
    writeTree(outside, { "shared.css": "css" });
    symlinkSync(outside, join(site, "linked"));
    symlinkSync(join(site, "file.txt"), join(site, "alias.txt"));
    symlinkSync(site, join(site, "real", "loop"));
    const result = await server.run(["sync", site, `s3://${bucket}/l/`, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(await server.keys(bucket, "l/")).toEqual([
      "l/alias.txt",
      "l/file.txt",
      "l/linked/shared.css",
      "l/real/page.html",
    ]);
    expect(result.stderr).toContain(
      `skipped ${join(site, "real", "loop")}: a link to a folder that contains it`,
    );

    await pause(1100);
    writeFileSync(join(outside, "shared.css"), "changed css");
    const noFollow = await server.run([
      "sync",
      site,
      `s3://${bucket}/l/`,
      "--no-follow-symlinks",
      "--delete",
      "--json",
    ]);
    expect(noFollow.code, noFollow.stderr).toBe(0);
    expect(JSON.parse(noFollow.stdout)).toMatchObject({ files: 0, deleted: 0 });
    expect(await server.keys(bucket, "l/")).toHaveLength(4);
    expect(noFollow.stderr).toContain(
      `skipped ${join(site, "linked")}: a symbolic link (--no-follow-symlinks)`,
    );
  });

  it("a file name that is not UTF-8 is reported and left out (exit 1); the rest syncs, deletions too", async () => {
    const site = join(dir, "badname");
    writeTree(site, { "good.txt": "good" });
    writeFileSync(Buffer.concat([Buffer.from(`${site}/`), Buffer.from([0x62, 0xff, 0x2e])]), "x");
    await server.put(bucket, "bad/extra.txt", "x");
    const result = await server.run(["sync", site, `s3://${bucket}/bad/`, "--delete"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("could not sync");
    expect(result.stderr).toContain("not valid UTF-8");
    expect(await server.keys(bucket, "bad/")).toEqual(["bad/good.txt"]);
    rmSync(site, { recursive: true, force: true });
  });

  it("a source folder that cannot be read holds every deletion back; the transfers go ahead (exit 1)", async () => {
    const site = join(dir, "locked");
    writeTree(site, { "open/new.txt": "new", "secret/inside.txt": "x" });
    chmodSync(dir, 0o755);
    await server.put(bucket, "locked/secret/inside.txt", "x");
    await server.put(bucket, "locked/extra.txt", "x");
    chmodSync(join(site, "secret"), 0o000);
    try {
      const result = await runUnprivileged(
        ["sync", site, `s3://${bucket}/locked/`, "--delete"],
        server.log.endpoint,
      );
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(
        `could not sync ${join(site, "secret")}: the folder cannot be read`,
      );
      expect(result.stderr).toContain("1 object not in the source was kept: part of");
      expect(await server.keys(bucket, "locked/")).toEqual([
        "locked/extra.txt",
        "locked/open/new.txt",
        "locked/secret/inside.txt",
      ]);
    } finally {
      chmodSync(join(site, "secret"), 0o755);
    }
  });
});

/**
 * Runs s3kit as a user without privileges (nobody, when the tests run as root), for whom
 * a folder with mode 000 really cannot be read.
 */
function runUnprivileged(args: readonly string[], endpoint: string): Promise<CliResult> {
  const asRoot = process.getuid?.() === 0;
  const home = mkdtempSync(join(tmpdir(), "s3kit-nobody-"));
  chmodSync(home, 0o777);
  const env: Record<string, string | undefined> = {
    ...cleanEnv(),
    ...localEnv(endpoint),
    HOME: home,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "bin", "s3kit"), ...args], {
      env: env as NodeJS.ProcessEnv,
      cwd: home,
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

describe("sync bad input: a clear error, exit 2, and no request sent", () => {
  let server: SyncServer;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(syncBackends[0].endpoint());
    dir = tempDir("s3kit-sync-bad-");
    writeTree(dir, { "file.txt": "x" });
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it.each([
    [["sync", "a", "b"], /Neither "a" nor "b" is an S3 location/],
    [["sync", "-", "s3://my-bucket/p/"], /cannot use - \(stdin or stdout\)/],
    [["sync", "FILE", "s3://my-bucket/p/"], /is a file; sync mirrors a folder/],
    [
      ["sync", "DIR", "s3://my-bucket/p/", "--checksum", "--size-only"],
      /--checksum and --size-only/,
    ],
    [["sync", "DIR", "s3://my-bucket/p/", "--delete", "--max-delete", "ten"], /--max-delete "ten"/],
    [
      ["sync", "DIR", "s3://my-bucket/p/", "--max-delete", "10"],
      /--max-delete applies with --delete/,
    ],
    [["sync", "DIR", "s3://my-bucket/p/", "--allow-empty-source"], /applies with --delete/],
    [["sync", "s3://my-bucket/p/", "s3://my-bucket/p/q/"], /is inside/],
    [["sync", "s3://my-bucket/p/", "s3://my-bucket/p"], /the same prefix/],
    [
      ["sync", "s3://my-bucket/p/", "DIR/down", "--cache-control", "x"],
      /applies to uploads and copies/,
    ],
    [
      ["sync", "DIR", "s3://my-bucket/p/", "--on-collision", "skip"],
      /--on-collision applies to downloads/,
    ],
    [
      ["sync", "DIR", "s3://my-bucket/p/", "--checksum-algorithm", "md7"],
      /not a checksum algorithm/,
    ],
  ])("%j", async (args, message) => {
    const resolved = args.map((a) =>
      a === "FILE" ? join(dir, "file.txt") : a.replace(/^DIR/, dir),
    );
    server.log.clear();
    const { code, stderr } = await server.run(resolved);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
    expect(server.log.requests).toEqual([]);
  });

  it("a missing source folder is exit 3", async () => {
    const { code, stderr } = await server.run(["sync", join(dir, "missing"), "s3://my-bucket/p/"]);
    expect(code).toBe(3);
    expect(stderr).toContain("does not exist");
  });
});

describe("sync against MinIO (another server's listing XML)", () => {
  let server: SyncServer;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(inject("minioEndpoint"));
    dir = tempDir("s3kit-sync-minio-");
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it("uploads once, then nothing; --delete removes exactly the extra keys", async () => {
    const bucket = await newBucket(server, "s3kit-sync-minio");
    const site = join(dir, "site");
    writeTree(site, SITE, HOUR_AGO);
    const first = await server.run(["sync", site, `s3://${bucket}/site/`]);
    expect(first.code, first.stderr).toBe(0);
    await server.put(bucket, "site/extra &amp; <odd>.txt", "x");
    server.log.clear();
    const again = await server.run(["sync", site, `s3://${bucket}/site/`, "--delete", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ files: 0, unchanged: 9, deleted: 1 });
    expect(uploadedKeys(server.log, bucket)).toEqual([]);
    expect(await server.keys(bucket, "site/")).toHaveLength(9);
  });
});
