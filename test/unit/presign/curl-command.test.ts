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

  // curl, like browsers, removes "." and ".." segments from a URL's path before sending it:
  // the request then names another key than the one signed, and S3 answers 403.
  it.each([
    ["d/./x.txt", true],
    ["d/../y.txt", true],
    ["./f", true],
    ["../f", true],
    ["e/.", true],
    ["e/..", true],
    ["a.b/c..d/.e/f.", false],
    ["plain/key.txt", false],
  ])("adds --path-as-is for the key %j: %s", async (key, needed) => {
    const get = await presigner.get("my-bucket", key);
    const command = buildCurlCommand(get, "out");
    expect(command.startsWith("curl --path-as-is -o out ")).toBe(needed);
    expect(wordsAsShellSeesThem(command).at(-1)).toBe(get.url);
  });

  // With -T, curl appends the file's name to a URL whose path ends in "/" (after removing
  // dot segments): the upload would go to another key.
  it.each(["folder/", "e/.", "e/.."])("uploads to %j with --data-binary, not -T", async (key) => {
    const put = await presigner.put("my-bucket", key);
    expect(buildCurlCommand(put, "my file")).toBe(
      `curl${key.endsWith(".") ? " --path-as-is" : ""} -X PUT --data-binary '@my file' -H 'Content-Type;' '${put.url}'`,
    );
    const typed = await presigner.put("my-bucket", key, { contentType: "text/plain" });
    expect(buildCurlCommand(typed, "f")).toContain(
      "--data-binary @f -H 'Content-Type: text/plain' ",
    );
  });
});
