import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { runTracingLoads } from "../support/loaded-sources.js";

describe("help and version", () => {
  it("prints the version", async () => {
    const { code, stdout, stderr } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(stderr).toBe("");
  });

  it("prints help with every global option and examples", async () => {
    const { code, stdout, stderr } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const flag of [
      "--profile",
      "--region",
      "--endpoint-url",
      "--path-style",
      "--json",
      "--quiet",
      "--no-color",
      "--yes",
      "--debug",
      "--version",
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain("Examples:");
    expect(stdout).toMatch(/Exit codes:/);
  });

  it("shows examples in the help of every command", async () => {
    const visit = async (path: string[]): Promise<string[]> => {
      const { stdout, code } = await runCli([...path, "--help"]);
      expect(code, `${path.join(" ")} --help`).toBe(0);
      const commands = [
        ...stdout.matchAll(/^ {2}([a-z][a-z0-9-]*)(?: \[options\]| \[?[A-Za-z<]|\s{2,}|$)/gm),
      ]
        .map((m) => m[1] as string)
        .filter((name) => name !== "help");
      const section = stdout.includes("Commands:");
      if (!section) {
        expect(stdout, `${path.join(" ")} has examples`).toMatch(/Examples:\n {2}\$ .*s3kit /);
        return [path.join(" ")];
      }
      const names = stdout.split("Commands:")[1]?.split("\n\n")[0] ?? "";
      const subcommands = commands.filter((c) => new RegExp(`^ {2}${c}\\b`, "m").test(names));
      const leaves: string[] = [];
      for (const sub of subcommands) leaves.push(...(await visit([...path, sub])));
      return leaves;
    };
    const leaves = await visit([]);
    expect(leaves).toContain("whoami");
    expect(leaves).toContain("doctor");
  });

  it("takes `help COMMAND`", async () => {
    const { code, stdout } = await runCli(["help", "doctor"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--bucket");
  });
});

describe("usage errors exit 2 before any API call", () => {
  it("suggests the nearest command", async () => {
    const { code, stdout, stderr } = await runCli(["whoam"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("unknown command 'whoam'");
    expect(stderr).toContain("Did you mean whoami?");
  });

  it("rejects an unknown flag", async () => {
    const { code, stderr } = await runCli(["whoami", "--frobnicate"]);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--frobnicate'");
  });

  it("rejects a malformed endpoint URL with the fix", async () => {
    const { code, stderr } = await runCli(["whoami", "--endpoint-url", "localhost:9000"], {
      env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid endpoint URL "localhost:9000"');
    expect(stderr).toContain("http://localhost:9000");
  });

  it("rejects an invalid region", async () => {
    const { code, stderr } = await runCli(["--region", "mars-1", "whoami"], {
      env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid region "mars-1"');
  });

  it("rejects an unknown profile", async () => {
    const { code, stderr } = await runCli(["whoami", "--profile", "nope"]);
    expect(code).toBe(2);
    expect(stderr).toContain('The profile "nope" is not in the AWS config or credentials files.');
  });

  it("prints usage errors as JSON with --json", async () => {
    const { code, stdout, stderr } = await runCli(["whoami", "--json", "--region", "x"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    const parsed = JSON.parse(stderr);
    expect(parsed.error.code).toBe("InvalidRegion");
    expect(parsed.error.message).toContain('"x"');
    expect(typeof parsed.error.hint).toBe("string");
  });

  it("exits 2 for a command group without a subcommand", async () => {
    const { code } = await runCli(["nope-command"]);
    expect(code).toBe(2);
  });
});

describe("colour", () => {
  const red = "\u001b[31m";
  const generate = ["policy", "generate", "--bucket", "my-app-uploads", "--access", "read"];

  it("is off when the output is not a terminal", async () => {
    const ok = await runCli(generate);
    expect(ok.stdout).not.toContain("\u001b[");
    const failed = await runCli(["presign", "get", "not-a-location"]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^error: /);
  });

  it("is on with FORCE_COLOR, for errors too, and NO_COLOR and --no-color win", async () => {
    const failed = await runCli(["presign", "get", "not-a-location"], {
      env: { FORCE_COLOR: "1" },
    });
    expect(failed.code).toBe(2);
    expect(failed.stderr.startsWith(`${red}error:`)).toBe(true);
    const usage = await runCli(["no-such-command"], { env: { FORCE_COLOR: "1" } });
    expect(usage.stderr.startsWith(`${red}error:`)).toBe(true);
    for (const off of [
      runCli(["presign", "get", "x"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }),
      runCli(["--no-color", "presign", "get", "x"], { env: { FORCE_COLOR: "1" } }),
    ]) {
      expect((await off).stderr).toMatch(/^error: /);
    }
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
