import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildCurlCommand, shellQuote } from "../../../src/core/presign/curl-command.js";
import { createPresigner } from "../../../src/core/presign/presigner.js";

/** Runs `printf '%s\n' WORDS` in a real POSIX shell and returns the words it received. */
function wordsAsShellSeesThem(command: string): string[] {
  const out = execFileSync("sh", ["-c", `printf '%s\\0' ${command}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("shellQuote", () => {
  it.each([
    "plain",
    "file.txt",
    "with space",
    "it's",
    "'",
    "''",
    "",
    "$HOME",
    "`id`",
    "$(id)",
    "a\\b",
    'double"quote',
    "semi;colon&amp|pipe",
    "*glob?[x]",
    "~tilde",
    "new\nline",
    "tab\there",
    "ünïcode 😀",
    "-dash",
    "!bang",
    "https://b.s3.amazonaws.com/k?X-Amz-Signature=abc&x=1",
  ])("%j reaches the command unchanged", (word) => {
    expect(wordsAsShellSeesThem(shellQuote(word))).toEqual([word]);
  });

  it("leaves simple words alone and single-quotes the rest", () => {
    expect(shellQuote("report.pdf")).toBe("report.pdf");
    expect(shellQuote("my file.pdf")).toBe("'my file.pdf'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe("buildCurlCommand", () => {
  const presigner = createPresigner({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    region: "us-east-1",
    signingDate: new Date("2026-01-02T03:04:05Z"),
  });

  it("uploads with every signed header and the URL quoted", async () => {
    const put = await presigner.put("my-bucket", "it's a file.txt", {
      contentType: "text/plain; charset=utf-8",
      contentLength: 5,
      sse: "AES256",
    });
    const command = buildCurlCommand(put, "./it's a file.txt");
    expect(command).toBe(
      `curl -X PUT -T './it'\\''s a file.txt' -H 'Content-Type: text/plain; charset=utf-8' ` +
        `-H 'X-Amz-Server-Side-Encryption: AES256' '${put.url}'`,
    );
    expect(wordsAsShellSeesThem(command)).toEqual([
      "curl",
      "-X",
      "PUT",
      "-T",
      "./it's a file.txt",
      "-H",
      "Content-Type: text/plain; charset=utf-8",
      "-H",
      "X-Amz-Server-Side-Encryption: AES256",
      put.url,
    ]);
  });

  it("sends an empty metadata value with curl's Name; syntax", async () => {
    const put = await presigner.put("my-bucket", "k", { metadata: { note: "", owner: "bob" } });
    expect(buildCurlCommand(put, "f")).toBe(
      `curl -X PUT -T f -H 'X-Amz-Meta-Note;' -H 'X-Amz-Meta-Owner: bob' '${put.url}'`,
    );
  });

  it("uses a FILE placeholder when no file is given", async () => {
    const put = await presigner.put("my-bucket", "k");
    expect(buildCurlCommand(put)).toBe(`curl -X PUT -T FILE '${put.url}'`);
  });

  it("downloads with -o for a GET", async () => {
    const get = await presigner.get("my-bucket", "k");
    expect(buildCurlCommand(get, "out.bin")).toBe(`curl -o out.bin '${get.url}'`);
    expect(buildCurlCommand(get)).toBe(`curl '${get.url}'`);
  });
});
