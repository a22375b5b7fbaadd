import { describe, expect, it } from "vitest";
import { type BatchRequest, type LineError, signBatch } from "../../../src/core/presign/batch.js";
import { createPresigner } from "../../../src/core/presign/presigner.js";
import type { PresignedRequest, PresignerConfig } from "../../../src/core/presign/types.js";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "FwoGZXIvYXdzEJr//////////wEaDHVzLWVhc3QtMSJHMEUCIQD+6/ab==",
};
const signingDate = new Date("2026-01-02T23:59:59.900Z");
const config: PresignerConfig = { credentials, region: "eu-west-1", signingDate };

type Line = string | { unreadable: "invalid-utf8" | "too-long"; text: string };

async function* chunks(...groups: Line[][]): AsyncGenerator<Line[]> {
  for (const group of groups) yield group;
}

const urlLine = (r: PresignedRequest): string => `${r.url}\n`;
const errorLine = (e: LineError): string => `error: line ${e.line}: ${e.code}: ${e.message}\n`;

async function run(
  overrides: Partial<BatchRequest> & Pick<BatchRequest, "lines">,
): Promise<{ output: string[]; writes: number; summary: Awaited<ReturnType<typeof signBatch>> }> {
  const output: string[] = [];
  let writes = 0;
  const summary = await signBatch({
    presigner: createPresigner(config),
    method: "GET",
    render: urlLine,
    renderError: errorLine,
    write: (text) => {
      writes++;
      output.push(text);
      return undefined;
    },
    ...overrides,
  });
  return { output: output.join("").split("\n").slice(0, -1), writes, summary };
}

describe("signBatch", () => {
  const keys = Array.from({ length: 300 }, (_, i) => `photos/2026/${i} ünï+ (${i}).jpg`);

  it("prints exactly what single signing gives, in input order, for s3:// lines", async () => {
    const single = createPresigner(config);
    const expected = await Promise.all(keys.map((k) => single.get("my-bucket", k)));
    const { output, summary } = await run({
      lines: chunks(
        keys.slice(0, 100).map((k) => `s3://my-bucket/${k}`),
        keys.slice(100).map((k) => `s3://my-bucket/${k}`),
      ),
    });
    expect(output).toEqual(expected.map((r) => r.url));
    expect(summary).toEqual({ signed: 300, lines: 300, failed: 0, failures: [], completed: true });
  });

  it("takes keys with --bucket, and PUT options for every line", async () => {
    const options = {
      expiresIn: 600,
      contentType: "image/jpeg",
      metadata: { owner: "alice" },
      sse: "AES256" as const,
    };
    const single = createPresigner(config);
    const expected = await Promise.all(keys.map((k) => single.put("uploads", k, options)));
    const json: string[] = [];
    await signBatch({
      presigner: createPresigner(config),
      method: "PUT",
      options,
      bucket: "uploads",
      lines: chunks(keys),
      render: (r) => `${JSON.stringify(r)}\n`,
      renderError: errorLine,
      write: (text) => {
        json.push(text);
        return undefined;
      },
    });
    const records = json
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records).toEqual(expected);
    expect(records[0].headers).toEqual({
      "content-type": "image/jpeg",
      "x-amz-meta-owner": "alice",
      "x-amz-server-side-encryption": "AES256",
    });
  });

  it("derives the signing key once for the whole batch, with one signing time", async () => {
    const presigner = createPresigner({ ...config, signingDate: new Date() });
    const { output } = await run({
      presigner,
      lines: chunks(
        Array.from({ length: 2000 }, (_, i) => `s3://bucket-${i % 3}-x/k${i}`),
        ["s3://other-bucket/last"],
      ),
    });
    expect(output).toHaveLength(2001);
    expect(presigner.keyDerivations).toBe(1);
    const dates = new Set(output.map((u) => new URL(u).searchParams.get("X-Amz-Date")));
    expect(dates.size).toBe(1);
  });

  // Output line N always answers input line N: a line that cannot be signed gets an error
  // line in its place, and the batch goes on.
  it("answers every line in its place: an error line for one it cannot sign", async () => {
    const { output, summary } = await run({
      lines: chunks(
        ["s3://my-bucket/one", "", "s3://my-bucket/two"],
        [
          "s3://my-bucket/three",
          "s3://bad bucket/four",
          "   ",
          { unreadable: "invalid-utf8", text: "s3://my-bucket/caf\ufffd" },
          { unreadable: "too-long", text: "xxxx" },
          "s3://my-bucket/five",
        ],
      ),
    });
    expect(output).toHaveLength(9);
    expect(output.map((l) => (l.startsWith("error:") ? l : new URL(l).pathname))).toEqual([
      "/one",
      "error: line 2: MissingKey: The line is empty.",
      "/two",
      "/three",
      'error: line 5: InvalidBucketName: Invalid bucket name "bad bucket": it contains " ", which no bucket name can hold. (input: "s3://bad bucket/four")',
      'error: line 6: InvalidLocation: "   " is not an S3 location.',
      'error: line 7: InvalidEncoding: The line is not valid UTF-8 (it reads as "s3://my-bucket/caf\ufffd").',
      "error: line 8: InvalidKey: The line is longer than 64 KiB; no key is that long.",
      "/five",
    ]);
    expect(summary).toMatchObject({ signed: 4, lines: 9, failed: 5, completed: true });
    expect(summary.failures.map((f) => f.line)).toEqual([2, 5, 6, 7, 8]);
    expect(summary.failures[0]).toMatchObject({ code: "MissingKey", hint: expect.any(String) });
  });

  it("takes every other line verbatim as a key with --bucket, white space and all", async () => {
    const keys = ["\u00a0", "\u3000", "   ", " lead", "trail ", "\ttab"];
    const single = createPresigner(config);
    const expected = await Promise.all(keys.map((k) => single.get("my-bucket", k)));
    const { output, summary } = await run({ bucket: "my-bucket", lines: chunks(keys) });
    expect(output).toEqual(expected.map((r) => r.url));
    expect(summary.failed).toBe(0);
  });

  it("takes s3:// lines verbatim: spaces belong to the key", async () => {
    const { output } = await run({
      lines: chunks([" s3://my-bucket/a", "s3://my-bucket/trailing space "]),
    });
    expect(output[0]).toBe(
      'error: line 1: InvalidLocation: " s3://my-bucket/a" is not an S3 location.',
    );
    expect(new URL(output[1] as string).pathname).toBe("/trailing%20space%20");
  });

  it.each([
    ["not-a-location", "InvalidLocation", /^"not-a-location" is not an S3 location/],
    ["s3://my-bucket", "MissingKey", /^"s3:\/\/my-bucket" names a bucket but no object key/],
    [`s3://my-bucket/${"k".repeat(1100)}`, "InvalidKey", /^The key in .* 1024 bytes/],
  ])("names the problem of %j", async (line, code, message) => {
    const { summary } = await run({ lines: chunks([line]) });
    expect(summary.failures[0]?.code).toBe(code);
    expect(summary.failures[0]?.message).toMatch(message);
    expect(summary.failures[0]?.hint).toBeTruthy();
  });

  it("answers an s3:// line with an error when --bucket makes every line a key", async () => {
    const { output } = await run({ bucket: "my-bucket", lines: chunks(["s3://my-bucket/k", "k"]) });
    expect(output[0]).toMatch(
      /^error: line 1: InvalidLocation: "s3:\/\/my-bucket\/k" is an s3:\/\/ location/,
    );
    expect(new URL(output[1] as string).pathname).toBe("/k");
  });

  it("keeps only the first failures for the summary, and counts them all", async () => {
    const { summary, output } = await run({ lines: chunks(Array.from({ length: 50 }, () => "")) });
    expect(output).toHaveLength(50);
    expect(summary.failed).toBe(50);
    expect(summary.failures).toHaveLength(10);
  });

  it("checks the shared options and --bucket before reading any input", async () => {
    let read = false;
    async function* lines(): AsyncGenerator<string[]> {
      read = true;
      yield ["k"];
    }
    await expect(run({ bucket: "not a bucket", lines: lines() })).rejects.toMatchObject({
      code: "InvalidBucketName",
    });
    await expect(
      run({ method: "PUT", options: { contentType: "bad\ntype" }, lines: lines() }),
    ).rejects.toMatchObject({ code: "InvalidOption" });
    expect(read).toBe(false);
  });

  it("waits for a slow writer before signing the next chunk", async () => {
    const events: string[] = [];
    async function* lines(): AsyncGenerator<string[]> {
      for (let i = 0; i < 3; i++) {
        events.push(`read ${i}`);
        yield [`s3://my-bucket/k${i}`];
      }
    }
    await signBatch({
      presigner: createPresigner(config),
      method: "GET",
      render: urlLine,
      renderError: errorLine,
      lines: lines(),
      write: (text) => {
        events.push(`write ${new URL(text).pathname}`);
        return new Promise((resolve) =>
          setTimeout(() => {
            events.push("drained");
            resolve(true);
          }, 5),
        );
      },
    });
    expect(events).toEqual([
      "read 0",
      "write /k0",
      "drained",
      "read 1",
      "write /k1",
      "drained",
      "read 2",
      "write /k2",
      "drained",
    ]);
  });

  it("stops quietly when the reader has gone", async () => {
    let chunksRead = 0;
    async function* lines(): AsyncGenerator<string[]> {
      for (let i = 0; i < 10; i++) {
        chunksRead++;
        yield [`s3://my-bucket/k${i}`];
      }
    }
    const summary = await signBatch({
      presigner: createPresigner(config),
      method: "GET",
      render: urlLine,
      renderError: errorLine,
      lines: lines(),
      write: () => Promise.resolve(false),
    });
    expect(summary).toMatchObject({ signed: 1, lines: 1, completed: false });
    expect(chunksRead).toBe(1);
  });

  it("stops between chunks when interrupted", async () => {
    const controller = new AbortController();
    const { summary } = await run({
      signal: controller.signal,
      lines: (async function* () {
        yield ["s3://my-bucket/a"];
        controller.abort();
        yield ["s3://my-bucket/b"];
      })(),
    });
    expect(summary).toMatchObject({ signed: 1, lines: 1, completed: false });
  });

  it("stops when input arrives after the batch's URLs have expired", async () => {
    let clock = Date.parse("2026-01-03T00:00:00Z");
    const writes: string[] = [];
    const attempt = signBatch({
      presigner: createPresigner(config),
      method: "GET",
      render: urlLine,
      renderError: errorLine,
      write: (text) => {
        writes.push(text);
        return undefined;
      },
      expiresAt: new Date("2026-01-03T00:15:00Z"),
      now: () => clock,
      lines: (async function* () {
        yield ["s3://my-bucket/a", "s3://my-bucket/b"];
        clock += 15 * 60 * 1000; // the input pauses for 15 minutes
        yield ["s3://my-bucket/c"];
      })(),
    });
    await expect(attempt).rejects.toMatchObject({
      code: "BatchExpired",
      exitCode: 1,
      message: expect.stringMatching(/expired at 2026-01-03T00:15:00.000Z .*line 3 and later/),
    });
    expect(writes.join("").trim().split("\n")).toHaveLength(2);
  });

  it("signs through the SDK where the fast path declines (a -global region)", async () => {
    const special: PresignerConfig = { ...config, region: "aws-global" };
    const single = await createPresigner(special).get("my-bucket", "a b");
    const { output } = await run({
      presigner: createPresigner(special),
      lines: chunks(["s3://my-bucket/a b"]),
    });
    expect(output).toEqual([single.url]);
  });
});
