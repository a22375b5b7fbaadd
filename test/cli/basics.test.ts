import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/** The source files bundled into the chunks a run of s3kit loaded (from the build's metafile). */
async function loadedSources(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const trace = join(mkdtempSync(join(tmpdir(), "s3kit-trace-")), "loads.txt");
  await runCli(args, {
    env: {
      ...env,
      NODE_OPTIONS: `--import ${join(import.meta.dirname, "../support/trace-loads.mjs")}`,
      S3KIT_TRACE_FILE: trace,
    },
  });
  const meta = JSON.parse(
    readFileSync(join(import.meta.dirname, "../../dist/meta.json"), "utf8"),
  ) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return readFileSync(trace, "utf8")
    .split("\n")
    .filter((url) => url.includes("/dist/"))
    .flatMap((url) => Object.keys(meta.outputs[`dist/${url.split("/dist/")[1]}`]?.inputs ?? {}));
}

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

describe("start-up", () => {
  it("loads only the STS client for whoami", async () => {
    const sources = await loadedSources(["whoami", "--endpoint-url", "http://127.0.0.1:1"], {
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "x",
    });
    expect(sources.some((s) => s.includes("@aws-sdk/client-sts/"))).toBe(true);
    expect(sources.some((s) => s.includes("@aws-sdk/client-s3/"))).toBe(false);
    expect(sources.some((s) => s.includes("@aws-sdk/client-iam/"))).toBe(false);
  });

  it("loads no SDK code for --help", async () => {
    const sources = await loadedSources(["--help"]);
    expect(sources).toContain("src/program.ts");
    expect(sources.filter((s) => s.includes("@aws-sdk/") || s.includes("@smithy/"))).toEqual([]);
  });
});
