import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join, sep } from "node:path";
import { Script } from "node:vm";

// A command like `presign get` spends a fifth of its start-up compiling s3kit's own
// JavaScript, the same way on every run. V8 can hand out the compiled code (a code cache)
// and take it back next time. Node 22 does this itself (module.enableCompileCache); on
// Node 20, s3kit compiles the files of its bundle through vm.Script with a cache of its own.

type Env = Readonly<Record<string, string | undefined>>;

interface Stamp {
  size: number;
  mtimeMs: number;
}

interface CompilableModule {
  exports: unknown;
  _compile(content: string, filename: string, ...rest: unknown[]): unknown;
}

/** Size and mtime of the source, at the start of each cache file; 16 bytes. */
const HEADER_BYTES = 16;

/**
 * Where compiled code is kept: per user (a code cache is code, so never in a directory
 * others can write to), and per s3kit, Node and CPU, since V8 accepts only its own.
 * Undefined when switched off.
 */
export function codeCacheDir(env: Env, version: string): string | undefined {
  if (env.S3KIT_NO_CODE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === "win32" ? env.LOCALAPPDATA : undefined) ||
    join(homedir(), ".cache");
  return join(base, "s3kit", `${version}-node${process.version}-${process.arch}`);
}

/**
 * Compiles the files under `bundleDir` with a code cache kept in `cacheDir`. Caches are
 * written when the process exits, for the files that had none (or a stale one), and hold
 * every function the run compiled. Any failure to read or write one only costs speed.
 */
export function enableCodeCache(bundleDir: string, cacheDir: string): void {
  const node = Module as { enableCompileCache?: (dir: string) => unknown };
  if (typeof node.enableCompileCache === "function") {
    // Node creates the folder readable by all; compiled code belongs to its user alone.
    try {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    } catch {
      // Node then reports nothing and runs without a cache
    }
    node.enableCompileCache(cacheDir);
    return;
  }
  const prefix = bundleDir.endsWith(sep) ? bundleDir : `${bundleDir}${sep}`;
  const fresh: { script: Script; file: string; stamp: Stamp }[] = [];
  const proto = Module.prototype as unknown as CompilableModule;
  const compile = proto._compile;
  // Positions in stack traces stay those of the file (and of its source map): the wrapper
  // goes before the first line, so that line starts that much further left.
  const columnOffset = -Module.wrap("").indexOf("\n");
  proto._compile = function compileWithCache(this: CompilableModule, content, filename, ...rest) {
    if (!filename.startsWith(prefix)) return compile.call(this, content, filename, ...rest);
    const stamp = stampOf(filename);
    const file = join(cacheDir, `${basename(filename)}.cache`);
    const cachedData = stamp && readCache(file, stamp);
    const script = new Script(Module.wrap(content), { filename, cachedData, columnOffset });
    if (stamp && (!cachedData || script.cachedDataRejected)) fresh.push({ script, file, stamp });
    const wrapper = script.runInThisContext() as (...args: unknown[]) => unknown;
    return wrapper.call(
      this.exports,
      this.exports,
      createRequire(filename),
      this,
      filename,
      dirname(filename),
    );
  };
  process.once("exit", () => {
    for (const { script, file, stamp } of fresh) writeCache(file, stamp, script.createCachedData());
  });
}

function stampOf(filename: string): Stamp | undefined {
  try {
    const { size, mtimeMs } = statSync(filename);
    return { size, mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * The cached code if it was made from this very file. V8 itself checks only the source's
 * length, so a rebuilt file of the same length would run stale code without the stamp.
 */
export function readCache(file: string, stamp: Stamp): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    if (size <= HEADER_BYTES) return undefined;
    const data = Buffer.allocUnsafe(size);
    if (readSync(fd, data, 0, size, 0) !== size) return undefined;
    if (data.readDoubleLE(0) !== stamp.size || data.readDoubleLE(8) !== stamp.mtimeMs) {
      return undefined;
    }
    return data.subarray(HEADER_BYTES);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Written beside and renamed into place, so a reader never sees half a file. */
export function writeCache(file: string, stamp: Stamp, code: Buffer): void {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeDoubleLE(stamp.size, 0);
  header.writeDoubleLE(stamp.mtimeMs, 8);
  const partial = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(partial, Buffer.concat([header, code]), { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // a read-only home or a full disk: the next run compiles again
  }
}
