import { describe, expect, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { runCli } from "../support/cli.js";
import { runTracingLoads } from "../support/loaded-sources.js";

// Credentials and an endpoint nobody listens on: signing needs no server.
const offline = localEnv("http://127.0.0.1:9");

// The credential chain reads the process's own environment and home: a real process.
describe("presign credentials", () => {
  it("needs credentials to sign, and says so (exit 4)", async () => {
    const { code, stderr } = await runCli(["presign", "get", "s3://my-bucket/k"]);
    expect(code).toBe(4);
    expect(stderr).toContain("No AWS credentials found");
  });
});

describe("presign start-up", () => {
  it("loads neither the S3 client nor the SDK presigner", async () => {
    const { code, sources } = await runTracingLoads(["presign", "get", "s3://my-bucket/k"], {
      env: offline,
    });
    expect(code).toBe(0);
    expect(sources).toContain("src/core/presign/presigner.ts");
    expect(
      sources.filter((s) => /@aws-sdk\/(client-s3|s3-request-presigner|signature-v4)/.test(s)),
    ).toEqual([]);
    expect(sources).not.toContain("src/core/presign/sdk-presigner.ts");
  });
});
