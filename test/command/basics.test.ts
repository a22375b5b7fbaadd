import { describe, expect, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { runInProcess } from "../support/run-program.js";

describe("help and version", () => {
  it("prints the version", async () => {
    const { code, stdout, stderr } = await runInProcess(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(stderr).toBe("");
  });

  it("prints help with every global option and examples", async () => {
    const { code, stdout, stderr } = await runInProcess(["--help"]);
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
      const { stdout, code } = await runInProcess([...path, "--help"]);
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
    const { code, stdout } = await runInProcess(["help", "doctor"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--bucket");
  });
});

describe("usage errors exit 2 before any API call", () => {
  it("suggests the nearest command", async () => {
    const { code, stdout, stderr } = await runInProcess(["whoam"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("unknown command 'whoam'");
    expect(stderr).toContain("Did you mean whoami?");
  });

  it("rejects an unknown flag", async () => {
    const { code, stderr } = await runInProcess(["whoami", "--frobnicate"]);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--frobnicate'");
  });

  it("rejects a malformed endpoint URL with the fix", async () => {
    const { code, stderr } = await runInProcess(["whoami", "--endpoint-url", "localhost:9000"], {
      env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid endpoint URL "localhost:9000"');
    expect(stderr).toContain("http://localhost:9000");
  });

  it("rejects an endpoint URL with a line break, from the flag or the environment", async () => {
    const keys = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" };
    const flag = await runInProcess(["ls", "--endpoint-url", "http://127.0.0.1:9\r\nX-Evil: 1"], {
      env: keys,
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("control character, U+000D (carriage return), at position 19");
    const env = await runInProcess(["ls", "--json"], {
      env: { ...keys, AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9\n" },
    });
    expect(env.code).toBe(2);
    expect(JSON.parse(env.stderr).error).toMatchObject({ code: "InvalidEndpoint" });
    expect(JSON.parse(env.stderr).error.message).toContain("(from AWS_ENDPOINT_URL_S3)");
  });

  // commander alone lets the last occurrence win and takes '' as a value; an endpoint nobody
  // listens on proves that the refusal comes before any request.
  it.each([
    [
      ["bucket", "create", "my-app-x", "--tls-policy", "--no-tls-policy"],
      "--tls-policy and --no-tls-policy contradict each other.",
    ],
    [
      ["bucket", "create", "my-app-x", "--no-tls-policy", "--tls-policy", "--dry-run"],
      "--no-tls-policy and --tls-policy contradict each other.",
    ],
    [
      ["--region", "eu-west-1", "ls", "--region", "us-east-1"],
      '--region was given more than once, with different values ("eu-west-1", then "us-east-1").',
    ],
    [
      ["presign", "get", "s3://my-bucket/k", "--expires", "1h", "--expires", "7d"],
      "--expires was given more than once",
    ],
    [
      ["bucket", "create", "my-app-x", "--cors-origin", ""],
      "--cors-origin was given an empty value.",
    ],
    [
      ["bucket", "create", "my-app-x", "--cors-origin", "https://app.example.com", ""],
      "--cors-origin was given an empty value.",
    ],
    [["ls", "--profile", ""], "--profile was given an empty value."],
    [["ls", "--region="], "--region was given an empty value."],
    [["--endpoint-url", "", "ls"], "--endpoint-url was given an empty value."],
    [
      ["cp", "package.json", "s3://my-bucket/k", "--content-type", ""],
      "--content-type was given an empty value.",
    ],
    [["presign", "get", "--stdin", "--bucket", ""], "--bucket was given an empty value."],
  ])("refuses %j with exit 2", async (args, message) => {
    const { code, stdout, stderr } = await runInProcess(args, {
      env: localEnv("http://127.0.0.1:9"),
    });
    expect(stderr).toContain(message);
    expect(code).toBe(2);
    expect(stdout).toBe("");
  });

  it("takes a repeated flag or value when it says the same, and repeatable options", async () => {
    const env = localEnv("http://127.0.0.1:9");
    const same = await runInProcess(
      [
        "--region",
        "eu-west-1",
        "presign",
        "get",
        "s3://my-bucket/k",
        "--region",
        "eu-west-1",
        "--json",
        "--json",
      ],
      { env },
    );
    expect(same.code).toBe(0);
    const repeated = await runInProcess(
      ["presign", "put", "s3://my-bucket/k", "--metadata", "a=1", "--metadata", "b=2", "--json"],
      { env },
    );
    expect(repeated.code).toBe(0);
    expect(JSON.parse(repeated.stdout).headers).toMatchObject({
      "x-amz-meta-a": "1",
      "x-amz-meta-b": "2",
    });
  });

  it("rejects an invalid region", async () => {
    const { code, stderr } = await runInProcess(["--region", "mars-1", "whoami"], {
      env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid region "mars-1"');
  });

  it("rejects an unknown profile", async () => {
    const { code, stderr } = await runInProcess(["whoami", "--profile", "nope"]);
    expect(code).toBe(2);
    expect(stderr).toContain('The profile "nope" is not in the AWS config or credentials files.');
  });

  it("prints usage errors as JSON with --json", async () => {
    const { code, stdout, stderr } = await runInProcess(["whoami", "--json", "--region", "x"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    const parsed = JSON.parse(stderr);
    expect(parsed.error.code).toBe("InvalidRegion");
    expect(parsed.error.message).toContain('"x"');
    expect(typeof parsed.error.hint).toBe("string");
  });

  it("exits 2 for a command group without a subcommand", async () => {
    const { code } = await runInProcess(["nope-command"]);
    expect(code).toBe(2);
  });
});

describe("colour", () => {
  const red = "\u001b[31m";
  const generate = ["policy", "generate", "--bucket", "my-app-uploads", "--access", "read"];

  it("is off when the output is not a terminal", async () => {
    const ok = await runInProcess(generate);
    expect(ok.stdout).not.toContain("\u001b[");
    const failed = await runInProcess(["presign", "get", "not-a-location"]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^error: /);
  });

  it("is on with FORCE_COLOR, for errors too, and NO_COLOR and --no-color win", async () => {
    const failed = await runInProcess(["presign", "get", "not-a-location"], {
      env: { FORCE_COLOR: "1" },
    });
    expect(failed.code).toBe(2);
    expect(failed.stderr.startsWith(`${red}error:`)).toBe(true);
    const usage = await runInProcess(["no-such-command"], { env: { FORCE_COLOR: "1" } });
    expect(usage.stderr.startsWith(`${red}error:`)).toBe(true);
    for (const off of [
      runInProcess(["presign", "get", "x"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }),
      runInProcess(["--no-color", "presign", "get", "x"], { env: { FORCE_COLOR: "1" } }),
    ]) {
      expect((await off).stderr).toMatch(/^error: /);
    }
  });
});
