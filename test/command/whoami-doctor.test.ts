import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

// A closed port: the connection is refused at once, no server needed. Without any
// credentials (the chain reads the process's own environment) they run as the built binary.
const keys = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" };

describe("whoami failures", () => {
  it("exits 1 naming an unreachable endpoint, without hanging", async () => {
    const started = Date.now();
    const { code, stderr } = await runInProcess(
      ["whoami", "--endpoint-url", "http://127.0.0.1:1"],
      { env: keys },
    );
    expect(code).toBe(1);
    expect(stderr).toContain("Could not reach http://127.0.0.1:1");
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("prints the error as JSON on stderr with --json", async () => {
    const { code, stdout, stderr } = await runInProcess(
      ["whoami", "--json", "--endpoint-url", "http://127.0.0.1:1"],
      { env: keys },
    );
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr).error).toMatchObject({ code: "EndpointUnreachable" });
  });
});

describe("doctor", () => {
  it("fails (exit 6) against a closed port, naming the endpoint", async () => {
    const { code, stdout } = await runInProcess(
      ["doctor", "--endpoint-url", "http://127.0.0.1:1"],
      { env: keys },
    );
    expect(code).toBe(6);
    expect(stdout).toContain(
      "✗ Endpoint reachable: Could not reach http://127.0.0.1:1 (ECONNREFUSED).",
    );
  });
});
