// The in-process harness itself: runs are independent of each other and of the test process.
import { describe, expect, it } from "vitest";
import { runProgram } from "../support/run-program.js";

const red = "\u001b[31m";

describe("runProgram", () => {
  it("decides colour per run, from that run's terminal and environment", async () => {
    const argv = ["presign", "get", "not-a-location"];
    const onTerminal = await runProgram({ argv, tty: { stderr: true } });
    expect(onTerminal.code).toBe(2);
    expect(onTerminal.stderr.startsWith(`${red}error:`)).toBe(true);
    const piped = await runProgram({ argv });
    expect(piped.stderr).toMatch(/^error: /);
    const noColor = await runProgram({ argv, tty: { stderr: true }, env: { NO_COLOR: "1" } });
    expect(noColor.stderr).toMatch(/^error: /);
  });

  it("gives each run its own environment and leaves the process's alone", async () => {
    const before = { ...process.env };
    const argv = ["presign", "get", "s3://my-bucket/k", "--json"];
    const keys = { AWS_ACCESS_KEY_ID: "AKIAFIRSTRUN", AWS_SECRET_ACCESS_KEY: "x" };
    const first = await runProgram({ argv, env: { ...keys, AWS_REGION: "eu-west-1" } });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).url).toContain("eu-west-1");
    const second = await runProgram({
      argv,
      env: { ...keys, AWS_ACCESS_KEY_ID: "AKIASECONDRUN", AWS_REGION: "ap-south-1" },
    });
    expect(JSON.parse(second.stdout).url).toContain("ap-south-1");
    expect(JSON.parse(second.stdout).url).toContain("AKIASECONDRUN");
    expect(process.env).toEqual(before);
  });

  it("gives the same output for the same run, whatever ran before", async () => {
    const argv = ["policy", "generate", "--bucket", "app-uploads", "--access", "read"];
    const first = await runProgram({ argv });
    await runProgram({ argv: ["policy", "generate", "--bucket", "other", "--access", "admin"] });
    expect(await runProgram({ argv })).toEqual(first);
  });

  it("reads standard input from the buffer it is given", async () => {
    const policy = await runProgram({
      argv: ["policy", "generate", "--bucket", "app-uploads", "--access", "read"],
    });
    const lint = await runProgram({ argv: ["policy", "lint", "-"], stdin: policy.stdout });
    expect(lint).toEqual({ code: 0, stdout: "", stderr: "✓ No findings in stdin.\n" });
  });
});
