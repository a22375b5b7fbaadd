import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { runCli } from "../support/cli.js";
import { removeDir, tempDir } from "../support/objects.js";
import { startProxy } from "../support/proxy.js";
import { type SyncServer, syncBackends, syncServer, writeTree } from "../support/sync-backends.js";

async function newBucket(server: SyncServer, name: string): Promise<string> {
  const bucket = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  await server.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

describe.each(syncBackends)("mv on $name: copy, check, then delete the source", ({ endpoint }) => {
  let server: SyncServer;
  let bucket: string;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(endpoint());
    bucket = await newBucket(server, "s3kit-mv");
    dir = tempDir("s3kit-mv-");
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it("moves a file up, checked against the checksum S3 verified", async () => {
    const file = join(dir, "one.txt");
    writeFileSync(file, "one");
    const result = await server.run(["mv", file, `s3://${bucket}/up/`, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).moves).toEqual([
      {
        source: file,
        destination: `s3://${bucket}/up/one.txt`,
        bytes: 3,
        verified: ["size", "crc32"],
      },
    ]);
    expect(existsSync(file)).toBe(false);
    expect(await server.body(bucket, "up/one.txt")).toBe("one");
  });

  it("moves a folder up (filters leave files and their folders), then down, then to another bucket", async () => {
    const folder = join(dir, "folder");
    writeTree(folder, {
      "a.txt": "a",
      "sub/b.txt": "b",
      "sub/deeper/c.txt": "c",
      "keep/x.log": "x",
    });
    const up = await server.run([
      "mv",
      folder,
      `s3://${bucket}/tree/`,
      "--recursive",
      "--exclude",
      "*.log",
    ]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain("Moved 3 files");
    expect(existsSync(join(folder, "sub"))).toBe(false);
    expect(readFileSync(join(folder, "keep", "x.log"), "utf8")).toBe("x");
    expect(await server.keys(bucket, "tree/")).toEqual([
      "tree/a.txt",
      "tree/sub/b.txt",
      "tree/sub/deeper/c.txt",
    ]);

    const target = join(dir, "down");
    const down = await server.run(["mv", `s3://${bucket}/tree/`, target, "--recursive", "--json"]);
    expect(down.code, down.stderr).toBe(0);
    for (const m of JSON.parse(down.stdout).moves) expect(m.verified).toContain("md5");
    expect(await server.keys(bucket, "tree/")).toEqual([]);
    expect(readFileSync(join(target, "sub", "deeper", "c.txt"), "utf8")).toBe("c");

    const other = await newBucket(server, "s3kit-mv-to");
    for (const [key, body] of [
      ["from/a.txt", "a"],
      ["from/b/c.txt", "c"],
    ]) {
      await server.put(bucket, key as string, body as string);
    }
    const across = await server.run([
      "mv",
      `s3://${bucket}/from/`,
      `s3://${other}/to/`,
      "--recursive",
    ]);
    expect(across.code, across.stderr).toBe(0);
    expect(await server.keys(bucket, "from/")).toEqual([]);
    expect(await server.keys(other, "to/")).toEqual(["to/a.txt", "to/b/c.txt"]);
    expect(await server.body(other, "to/b/c.txt")).toBe("c");
  });

  it("--dry-run lists the moves and changes nothing", async () => {
    const folder = join(dir, "dry");
    writeTree(folder, { "a.txt": "a" });
    server.log.clear();
    const result = await server.run([
      "mv",
      folder,
      `s3://${bucket}/dry/`,
      "--recursive",
      "--dry-run",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(
      `(dry run) move: ${join(folder, "a.txt")} → s3://${bucket}/dry/a.txt (1 B)`,
    );
    expect(server.log.writes()).toEqual([]);
    expect(existsSync(join(folder, "a.txt"))).toBe(true);
  });

  it("refuses to move an object onto itself, or onto objects it has yet to move (nothing moved)", async () => {
    await server.put(bucket, "self/x.txt", "x");
    await server.put(bucket, "nest/f", "outer");
    await server.put(bucket, "nest/nest/f", "inner");
    server.log.clear();
    const self = await server.run(["mv", `s3://${bucket}/self/x.txt`, `s3://${bucket}/self/`]);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain("would be moved onto itself");
    const onto = await server.run(["mv", `s3://${bucket}/nest/`, `s3://${bucket}/`, "--recursive"]);
    expect(onto.code).toBe(5);
    expect(onto.stderr).toContain("would overwrite an object this move has yet to move");
    expect(server.log.writes()).toEqual([]);
    expect(await server.body(bucket, "nest/f")).toBe("outer");
  });

  it("a move that fails keeps its source (a destination bucket that does not exist)", async () => {
    const file = join(dir, "kept.txt");
    writeFileSync(file, "kept");
    const result = await server.run(["mv", file, "s3://s3kit-no-such-bucket-mv/kept.txt"]);
    expect(result.code).not.toBe(0);
    expect(readFileSync(file, "utf8")).toBe("kept");
    // A download that cannot be written keeps the object.
    await server.put(bucket, "blocked/sub/x.txt", "x");
    const target = join(dir, "blocked");
    mkdirSync(target);
    writeFileSync(join(target, "sub"), "a file where the folder would go");
    const down = await server.run(["mv", `s3://${bucket}/blocked/`, target, "--recursive"]);
    expect(down.code).toBe(1);
    expect(await server.keys(bucket, "blocked/")).toEqual(["blocked/sub/x.txt"]);
  });
});

describe("mv never deletes a source whose copy is not checked (moto)", () => {
  let server: SyncServer;
  let bucket: string;
  let dir: string;
  beforeAll(async () => {
    server = await syncServer(syncBackends[0].endpoint());
    bucket = await newBucket(server, "s3kit-mv-check");
    dir = tempDir("s3kit-mv-check-");
  });
  afterAll(async () => {
    await server.log.close();
    removeDir(dir);
  });

  it("a file written to while it is uploaded is kept (exit 1); the copy stays for a look", async () => {
    const file = join(dir, "busy.log");
    writeFileSync(file, "first line\n");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    // Between the upload leaving and the server answering, someone appends to the file.
    const proxy = await startProxy({
      target: syncBackends[0].endpoint(),
      inspect: (chunk) => {
        if (chunk.toString("latin1").startsWith("PUT "))
          writeFileSync(file, "first line\nsecond\n");
        return "pass";
      },
    });
    try {
      const result = await runCli(["mv", file, `s3://${bucket}/busy.log`, "--json"], {
        env: localEnv(proxy.endpoint),
      });
      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary.files).toBe(0);
      expect(summary.failures[0]).toMatchObject({
        copied: true,
        error: { code: "MoveNotVerified" },
      });
      expect(summary.failures[0].error.message).toContain("changed while it was being moved");
      expect(readFileSync(file, "utf8")).toBe("first line\nsecond\n");
      await server.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "busy.log" }));
    } finally {
      await proxy.close();
    }
  });
});
