import { describe, expect, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { runInProcess } from "../support/run-program.js";

// Nothing listens on the endpoint: any call would fail differently.
const offline = { env: localEnv("http://127.0.0.1:1") };

describe("cdn create with a custom domain", () => {
  it("refuses a certificate outside us-east-1 before any API call (exit 2)", async () => {
    const run = await runInProcess(
      [
        "cdn",
        "create",
        "cdn-region-check",
        "--domain",
        "cdn.example.com",
        "--certificate-arn",
        "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
      ],
      offline,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "is in eu-west-1, but CloudFront accepts certificates from ACM in us-east-1 only",
    );
    expect(run.stderr).toContain("aws acm request-certificate --region us-east-1");
  });
});

describe("cdn create: bad input and failures", () => {
  it("cdn delete: exits 2 for a bad --timeout, naming that flag, before any API call", async () => {
    const long = await runInProcess(["cdn", "delete", "some-bucket", "--timeout", "2d"], offline);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("--timeout 2d is longer than a day");
    const bad = await runInProcess(["cdn", "delete", "some-bucket", "--timeout", "soon"], offline);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timeout is not a duration: "soon"');
    expect(bad.stderr).not.toContain("--expires");
  });

  it("exits 2 for a prefix that would widen the policy, before any API call", async () => {
    const run = await runInProcess(["cdn", "create", "some-bucket", "--prefix", "img"], offline);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("End the prefix with a slash: --prefix img/");
  });
});
