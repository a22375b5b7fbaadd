import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type InputLine, readLineChunks } from "../../src/io/lines.js";

async function collect(input: Readable): Promise<InputLine[][]> {
  const out: InputLine[][] = [];
  for await (const chunk of readLineChunks(input)) out.push([...chunk]);
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

  it("gives an invalid UTF-8 line as unreadable, in its place, and keeps the others", async () => {
    const input = Readable.from([Buffer.from("caf\xe9\nok\n\xff\xfe\r\nlast é", "latin1")]);
    expect((await collect(input)).flat()).toEqual([
      { unreadable: "invalid-utf8", text: "caf\ufffd" },
      "ok",
      { unreadable: "invalid-utf8", text: "\ufffd\ufffd" },
      { unreadable: "invalid-utf8", text: "last \ufffd" },
    ]);
  });

  it("keeps a U+FFFD that was in the input (valid UTF-8)", async () => {
    expect((await collect(Readable.from([Buffer.from("a\ufffdb\n")]))).flat()).toEqual([
      "a\ufffdb",
    ]);
  });

  it("gives a runaway line as one unreadable line, without buffering it, and goes on", async () => {
    const input = new PassThrough();
    const lines = readLineChunks(input);
    input.write("x".repeat(70_000));
    const first = lines.next();
    await new Promise((r) => setTimeout(r, 10));
    input.write("y".repeat(70_000));
    input.end("\nnext\n");
    const all: InputLine[] = [...((await first).value ?? [])];
    for await (const chunk of lines) all.push(...chunk);
    expect(all).toEqual([{ unreadable: "too-long", text: "x".repeat(80) }, "next"]);
  });

  it("gives a runaway line that came in one read as one unreadable line too", async () => {
    const all = (await collect(Readable.from([`${"z".repeat(70_000)}\nnext`]))).flat();
    expect(all).toEqual([{ unreadable: "too-long", text: "z".repeat(80) }, "next"]);
  });
});
