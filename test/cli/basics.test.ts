import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../../scripts/servers.mjs";
import { runCli } from "../support/cli.js";
import { runTracingLoads } from "../support/loaded-sources.js";

// Help, usage errors and colour are tested in-process (test/command/basics.test.ts); the built
// binary is checked here for what only a real process shows: its exit codes and streams.
describe("the built binary", () => {
  it("prints the version of the package and help on stdout, exit 0", async () => {
    const version = await runCli(["--version"]);
    expect(version).toEqual({
      code: 0,
      stdout: `${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`,
      stderr: "",
    });
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stderr).toBe("");
  });

  it("exits 2 on a usage error, with the error on stderr only", async () => {
    const { code, stdout, stderr } = await runCli(["whoam"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Did you mean whoami?");
  });
});

describe("start-up", () => {
  it("loads only the STS client for whoami", async () => {
    const { sources } = await runTracingLoads(["whoami", "--endpoint-url", "http://127.0.0.1:1"], {
      env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" },
    });
    expect(sources.some((s) => s.includes("@aws-sdk/client-sts/"))).toBe(true);
    expect(sources.some((s) => s.includes("@aws-sdk/client-s3/"))).toBe(false);
    expect(sources.some((s) => s.includes("@aws-sdk/client-iam/"))).toBe(false);
  });

  it("loads no SDK code for --help", async () => {
    const { sources } = await runTracingLoads(["--help"]);
    expect(sources).toContain("src/program.ts");
    expect(sources.filter((s) => s.includes("@aws-sdk/") || s.includes("@smithy/"))).toEqual([]);
  });
});

describe("code cache", () => {
  const args = ["policy", "generate", "--bucket", "my-app-uploads", "--access", "read-write"];
  // Node 22+ keeps the cache itself (module.enableCompileCache), in its own layout below
  // s3kit's folder; on Node 20 s3kit writes one `<file>.cache` per bundle file.
  const nodeCaches =
    typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";
  const cacheFiles = (home: string): string[] => {
    const dirs = readdirSync(join(home, "s3kit"));
    expect(dirs).toHaveLength(1);
    const dir = join(home, "s3kit", dirs[0] as string);
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  };

  it("keeps compiled code per user and gives the same results with it, or with a bad one", async () => {
    const home = mkdtempSync(join(tmpdir(), "s3kit-xdg-"));
    const env = { XDG_CACHE_HOME: home };
    const first = await runCli(args, { env });
    expect(first.code, first.stderr).toBe(0);
    const files = cacheFiles(home);
    expect(files.length).toBeGreaterThan(2);
    if (!nodeCaches) expect(files.every((f) => f.endsWith(".js.cache"))).toBe(true);
    expect(statSync(join(home, "s3kit")).mode & 0o777).toBe(0o700);
    expect(files.every((f) => (statSync(f).mode & 0o777) === 0o600)).toBe(true);
    const written = files.map((f) => statSync(f).mtimeMs);

    const second = await runCli(args, { env });
    expect(second).toEqual(first);
    // Accepted caches are not written again.
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(written);

    // Garbage after a valid header: V8 refuses it, s3kit compiles and writes a good one.
    for (const f of files) {
      const data = readFileSync(f);
      data.fill(0x5a, 16);
      writeFileSync(f, data);
    }
    const third = await runCli(args, { env });
    expect(third).toEqual(first);
    expect(
      files.some((f) =>
        readFileSync(f)
          .subarray(16)
          .some((b) => b !== 0x5a),
      ),
    ).toBe(true);
  });

  it("writes nothing with S3KIT_NO_CODE_CACHE", async () => {
    const home = mkdtempSync(join(tmpdir(), "s3kit-xdg-"));
    const result = await runCli(args, { env: { XDG_CACHE_HOME: home, S3KIT_NO_CODE_CACHE: "1" } });
    expect(result.code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });
});
