import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeCacheDir, readCache, writeCache } from "../../src/code-cache.js";

const dir = () => mkdtempSync(join(tmpdir(), "s3kit-code-cache-"));

describe("code cache directory", () => {
  it("is per user, per s3kit version, Node version and CPU", () => {
    const path = codeCacheDir({ XDG_CACHE_HOME: "/home/ana/.cache" }, "1.2.3");
    expect(path).toBe(`/home/ana/.cache/s3kit/1.2.3-node${process.version}-${process.arch}`);
  });

  it("defaults to ~/.cache", () => {
    expect(codeCacheDir({}, "1.2.3")).toMatch(/\/\.cache\/s3kit\/1\.2\.3-node/);
  });

  it.each([
    ["S3KIT_NO_CODE_CACHE", "1"],
    ["NODE_DISABLE_COMPILE_CACHE", "1"],
  ])("is off with %s", (name, value) => {
    expect(codeCacheDir({ [name]: value, XDG_CACHE_HOME: "/tmp/x" }, "1.2.3")).toBeUndefined();
  });
});

describe("code cache files", () => {
  const stamp = { size: 1234, mtimeMs: 1_765_000_000_123.456 };
  const code = Buffer.from("compiled code");

  it("round-trips the code for the same source", () => {
    const file = join(dir(), "nested", "chunk.js.cache");
    writeCache(file, stamp, code);
    expect(readCache(file, stamp)?.equals(code)).toBe(true);
  });

  it.each([
    ["another size", { ...stamp, size: 1235 }],
    ["another mtime", { ...stamp, mtimeMs: stamp.mtimeMs + 1 }],
  ])("is ignored for a source of %s (V8 itself would only compare the length)", (_, other) => {
    const file = join(dir(), "chunk.js.cache");
    writeCache(file, stamp, code);
    expect(readCache(file, other)).toBeUndefined();
  });

  it("is ignored when missing, truncated or only a header", () => {
    const d = dir();
    expect(readCache(join(d, "none.cache"), stamp)).toBeUndefined();
    writeFileSync(join(d, "short.cache"), Buffer.alloc(10));
    expect(readCache(join(d, "short.cache"), stamp)).toBeUndefined();
    writeCache(join(d, "empty.cache"), stamp, Buffer.alloc(0));
    expect(readCache(join(d, "empty.cache"), stamp)).toBeUndefined();
  });

  it("writes nothing, and throws nothing, where it cannot write", () => {
    const d = dir();
    writeFileSync(join(d, "file"), "not a directory");
    expect(() => writeCache(join(d, "file", "chunk.js.cache"), stamp, code)).not.toThrow();
    expect(readFileSync(join(d, "file"), "utf8")).toBe("not a directory");
  });
});
