import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLineChunks } from "../../src/io/lines.js";

async function collect(input: Readable): Promise<string[][]> {
  const out: string[][] = [];
  for await (const chunk of readLineChunks(input)) out.push(chunk);
  return out;
}

describe("readLineChunks", () => {
  it("splits lines across reads, with LF or CRLF endings and a last line without one", async () => {
    const input = Readable.from([
      Buffer.from("s3://b/one\r\ns3://b/t"),
      Buffer.from("wo\n\ns3://b/thr"),
      Buffer.from("ee"),
    ]);
    expect((await collect(input)).flat()).toEqual(["s3://b/one", "s3://b/two", "", "s3://b/three"]);
  });

  it("keeps a multi-byte character split between reads", async () => {
    const bytes = Buffer.from("s3://b/ünï😀\n", "utf8");
    const input = Readable.from([bytes.subarray(0, 9), bytes.subarray(9, 13), bytes.subarray(13)]);
    expect((await collect(input)).flat()).toEqual(["s3://b/ünï😀"]);
  });

  it("keeps white space inside and around lines", async () => {
    expect((await collect(Readable.from(["  a b \n\t\n"]))).flat()).toEqual(["  a b ", "\t"]);
  });

  it("yields each line as it arrives, before the input ends", async () => {
    const input = new PassThrough();
    const lines = readLineChunks(input);
    input.write("s3://b/first\n");
    expect((await lines.next()).value).toEqual(["s3://b/first"]);
    input.write("s3://b/second\ns3://b/th");
    expect((await lines.next()).value).toEqual(["s3://b/second"]);
    input.end("ird\n");
    expect((await lines.next()).value).toEqual(["s3://b/third"]);
    expect((await lines.next()).done).toBe(true);
  });

  it("hands on a runaway line instead of buffering the whole input", async () => {
    const input = new PassThrough();
    const lines = readLineChunks(input);
    input.write("x".repeat(70_000));
    const first = await lines.next();
    expect(first.value?.[0]).toHaveLength(70_000);
    input.end();
  });
});
