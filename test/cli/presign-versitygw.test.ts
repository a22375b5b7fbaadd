/**
 * Presigned URLs from the built binary, used through versitygw, which verifies
 * SigV4 signatures (of presigned URLs too), expiry and POST policies. A URL that
 * works against moto proves nothing: moto checks none of that.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { localCredentials } from "../../scripts/servers.mjs";
import { runAgainstVersitygw } from "../support/cli.js";

const bucket = "s3kit-presign-cli";
const s3 = new S3Client({
  endpoint: inject("versitygwEndpoint"),
  region: "us-east-1",
  forcePathStyle: true,
  credentials: localCredentials,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
const work = mkdtempSync(join(tmpdir(), "s3kit-presign-"));

async function sign(args: string[], input?: string): Promise<string> {
  const { code, stdout, stderr } = await runAgainstVersitygw(
    ["presign", ...args],
    input === undefined ? {} : { input },
  );
  expect(stderr, `stderr of presign ${args.join(" ")}`).not.toMatch(/error/i);
  expect(code).toBe(0);
  return stdout;
}

async function head(key: string) {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

async function put(key: string, body: string | Uint8Array, contentType = "text/plain") {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
  );
}

/** Changes one character of the signature (a hex digit to another one). */
function tamper(url: string): string {
  const u = new URL(url);
  const signature = u.searchParams.get("X-Amz-Signature") as string;
  const last = signature.at(-1) === "0" ? "1" : "0";
  return url.replace(
    `X-Amz-Signature=${signature}`,
    `X-Amz-Signature=${signature.slice(0, -1)}${last}`,
  );
}

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

describe("presign put through a server that checks signatures", () => {
  it("uploads with the signed content type, and the object keeps it", async () => {
    const url = (
      await sign(["put", `s3://${bucket}/put/hello world.txt`, "--content-type", "text/plain"])
    ).trim();
    expect(url).not.toMatch(/x-id=|checksum/i);
    const res = await fetch(url, {
      method: "PUT",
      body: "hello, versitygw",
      headers: { "Content-Type": "text/plain" },
    });
    expect(res.status).toBe(200);
    const object = await head("put/hello world.txt");
    expect(object.ContentType).toBe("text/plain");
    expect(object.ContentLength).toBe(16);
  });

  it("is refused with another content type than the signed one", async () => {
    const url = (
      await sign(["put", `s3://${bucket}/put/typed.png`, "--content-type", "image/png"])
    ).trim();
    const res = await fetch(url, {
      method: "PUT",
      body: "not a png",
      headers: { "Content-Type": "text/html" },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("SignatureDoesNotMatch");
    await expect(head("put/typed.png")).rejects.toMatchObject({ name: "NotFound" });
  });

  it("is refused when one character of the signature is changed", async () => {
    const url = (await sign(["put", `s3://${bucket}/put/tampered.txt`])).trim();
    const res = await fetch(tamper(url), { method: "PUT", body: "x" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("SignatureDoesNotMatch");
    // The untouched URL works, so the refusal was the changed character.
    expect((await fetch(url, { method: "PUT", body: "x" })).status).toBe(200);
  });

  it("signs length, metadata and encryption, and --json lists the headers to send", async () => {
    const body = "exactly 24 bytes of data";
    const out = await sign([
      "put",
      `s3://${bucket}/put/meta.csv`,
      "--content-type",
      "text/csv",
      "--content-length",
      String(body.length),
      "--metadata",
      "owner=alice",
      "Project=web app",
      "--expires",
      "15m",
      "--json",
    ]);
    const signed = JSON.parse(out);
    expect(Object.keys(signed)).toEqual(["url", "method", "headers", "expiresAt"]);
    expect(signed.method).toBe("PUT");
    expect(signed.headers).toEqual({
      "content-type": "text/csv",
      "content-length": "24",
      "x-amz-meta-owner": "alice",
      "x-amz-meta-project": "web app",
    });
    const date = new URL(signed.url).searchParams.get("X-Amz-Date") as string;
    const signedAt = Date.parse(
      `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
    );
    expect(Date.parse(signed.expiresAt) - signedAt).toBe(15 * 60 * 1000);

    const res = await fetch(signed.url, { method: "PUT", body, headers: signed.headers });
    expect(res.status).toBe(200);
    const object = await head("put/meta.csv");
    expect(object.ContentType).toBe("text/csv");
    expect(object.Metadata).toEqual({ owner: "alice", project: "web app" });

    // Without the signed metadata header the upload is refused.
    const { "x-amz-meta-owner": _, ...fewer } = signed.headers;
    expect((await fetch(signed.url, { method: "PUT", body, headers: fewer })).status).toBe(403);
  });

  it("prints a curl command that uploads the file when run", async () => {
    const file = join(work, "report's copy.txt");
    writeFileSync(file, "uploaded by curl\n");
    const command = (
      await sign([
        "put",
        `s3://${bucket}/put/curl upload.txt`,
        "--content-type",
        "text/plain",
        "--metadata",
        "via=curl",
        "--curl",
        file,
      ])
    ).trim();
    expect(command).toMatch(/^curl /);
    execFileSync("sh", ["-c", `${command} --fail --silent --show-error`]);
    const object = await head("put/curl upload.txt");
    expect(object.ContentType).toBe("text/plain");
    expect(object.Metadata).toEqual({ via: "curl" });
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "put/curl upload.txt" }));
    expect(await got.Body?.transformToString()).toBe("uploaded by curl\n");
  });

  // curl removes "." and ".." segments unless told --path-as-is: the request would name
  // another path than the signed one, and versitygw (checking the signature) answers 403.
  // (Its file-system back end then stores d/./a.txt as d/a.txt, and d/e/. as d/e.)
  it.each([
    ["dots/./a.txt", "dots/a.txt"],
    ["dots/x/../b.txt", "dots/b.txt"],
    ["dots/e/.", "dots/e"],
  ])("prints a curl command that works for the key %j", async (key, stored) => {
    const file = join(work, "dots.txt");
    writeFileSync(file, `body of ${key}\n`);
    const upload = (await sign(["put", `s3://${bucket}/${key}`, "--curl", file])).trim();
    expect(upload).toMatch(/^curl --path-as-is -X PUT /);
    // The same command without --path-as-is is refused: the option is what makes it work.
    expect(() =>
      execFileSync("sh", ["-c", `${upload.replace("--path-as-is ", "")} --fail --silent`]),
    ).toThrow();
    execFileSync("sh", ["-c", `${upload} --fail --silent --show-error`]);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: stored }));
    expect(await got.Body?.transformToString()).toBe(`body of ${key}\n`);

    const out = join(work, "dots-down.txt");
    const download = (await sign(["get", `s3://${bucket}/${key}`, "--curl", out])).trim();
    expect(download).toMatch(/^curl --path-as-is -o /);
    execFileSync("sh", ["-c", `${download} --fail --silent --show-error`]);
    expect(readFileSync(out, "utf8")).toBe(`body of ${key}\n`);
  });

  it("tells a person which headers the upload must send (stderr), keeping stdout to the URL", async () => {
    const { code, stdout, stderr } = await runAgainstVersitygw([
      "presign",
      "put",
      `s3://${bucket}/put/x.png`,
      "--content-type",
      "image/png",
    ]);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("Content-Type: image/png");
  });
});

describe("presign get through a server that checks signatures", () => {
  const bytes = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));

  beforeAll(async () => {
    await put("get/data.bin", bytes, "application/octet-stream");
  });

  it("downloads the same bytes", async () => {
    const url = (await sign(["get", `s3://${bucket}/get/data.bin`])).trim();
    expect([...new URL(url).searchParams.keys()].sort()).toEqual([
      "X-Amz-Algorithm",
      "X-Amz-Content-Sha256",
      "X-Amz-Credential",
      "X-Amz-Date",
      "X-Amz-Expires",
      "X-Amz-Signature",
      "X-Amz-SignedHeaders",
    ]);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it("is refused when one character of the signature is changed", async () => {
    const url = (await sign(["get", `s3://${bucket}/get/data.bin`])).trim();
    const res = await fetch(tamper(url));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("SignatureDoesNotMatch");
  });

  it("is refused once expired", async () => {
    const url = (await sign(["get", `s3://${bucket}/get/data.bin`, "--expires", "1"])).trim();
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("1");
    // X-Amz-Date has whole seconds: two full seconds later the URL is over for sure.
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/expired/i);
  });

  it("applies the response overrides", async () => {
    const url = (
      await sign([
        "get",
        `s3://${bucket}/get/data.bin`,
        "--response-content-type",
        "image/png",
        "--response-content-disposition",
        'attachment; filename="picture.png"',
      ])
    ).trim();
    expect(url).toContain(
      "response-content-disposition=attachment%3B%20filename%3D%22picture.png%22",
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="picture.png"');
  });

  it("prints a curl command that downloads to the file when run", async () => {
    const file = join(work, "downloaded.bin");
    const command = (await sign(["get", `s3://${bucket}/get/data.bin`, "--curl", file])).trim();
    execFileSync("sh", ["-c", `${command} --fail --silent --show-error`]);
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
  });

  it("answers 404 for a missing key with a valid signature, 403 with a forged one", async () => {
    const url = (await sign(["get", `s3://${bucket}/get/missing.bin`])).trim();
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(tamper(url))).status).toBe(403);
  });
});

describe("presign post (browser form upload) through a server that checks policies", () => {
  function form(fields: Record<string, string>, file: Blob, extra: Record<string, string> = {}) {
    const data = new FormData();
    for (const [name, value] of Object.entries({ ...fields, ...extra })) data.append(name, value);
    data.append("file", file, "picture.png");
    return data;
  }

  it("uploads within the policy and refuses what breaks it", async () => {
    const out = await sign([
      "post",
      `s3://${bucket}/avatars/`,
      "--max-size",
      "1KB",
      "--content-type-prefix",
      "image/",
      "--expires",
      "10m",
      "--json",
    ]);
    const post = JSON.parse(out);
    expect(post.url).toBe(`${inject("versitygwEndpoint")}/${bucket}`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's placeholder for the file name
    expect(post.fields.key).toBe("avatars/${filename}");
    const policy = JSON.parse(Buffer.from(post.fields.Policy, "base64").toString("utf8"));
    expect(policy.expiration).toBe(post.expiresAt);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ["content-length-range", 0, 1024],
        ["starts-with", "$Content-Type", "image/"],
        ["starts-with", "$key", "avatars/"],
        { bucket },
      ]),
    );
    expect(post.conditions).toEqual(policy.conditions);

    const png = new Blob([new Uint8Array(600)]);
    // versitygw does not substitute ${filename}; a browser app names the key itself
    // under the prefix, which the policy allows.
    const ok = await fetch(post.url, {
      method: "POST",
      body: form(post.fields, png, { key: "avatars/42.png", "Content-Type": "image/png" }),
    });
    expect(ok.status).toBe(204);
    expect((await head("avatars/42.png")).ContentType).toBe("image/png");

    const outside = await fetch(post.url, {
      method: "POST",
      body: form(post.fields, png, { key: "elsewhere/42.png", "Content-Type": "image/png" }),
    });
    expect(outside.status).toBe(403);

    const wrongType = await fetch(post.url, {
      method: "POST",
      body: form(post.fields, png, { key: "avatars/43.png", "Content-Type": "text/html" }),
    });
    expect(wrongType.status).toBe(403);

    const tooBig = await fetch(post.url, {
      method: "POST",
      body: form(post.fields, new Blob([new Uint8Array(1025)]), {
        key: "avatars/44.png",
        "Content-Type": "image/png",
      }),
    });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain("EntityTooLarge");

    const signature = post.fields["X-Amz-Signature"] as string;
    const forged = await fetch(post.url, {
      method: "POST",
      body: form(post.fields, png, {
        key: "avatars/45.png",
        "Content-Type": "image/png",
        "X-Amz-Signature": `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`,
      }),
    });
    expect(forged.status).toBe(403);
    await expect(head("avatars/45.png")).rejects.toMatchObject({ name: "NotFound" });
  });

  it("reads --max-size 1MB as the AWS CLI does: 1 MiB uploads, 1 MiB + 1 byte is refused", async () => {
    const post = JSON.parse(
      await sign(["post", `s3://${bucket}/mib/`, "--max-size", "1MB", "--json"]),
    );
    const policy = JSON.parse(Buffer.from(post.fields.Policy, "base64").toString("utf8"));
    expect(policy.conditions).toContainEqual(["content-length-range", 0, 1024 * 1024]);
    const upload = (key: string, size: number) =>
      fetch(post.url, {
        method: "POST",
        body: form(post.fields, new Blob([new Uint8Array(size)]), { key }),
      });
    const exact = await upload("mib/exact.bin", 1024 * 1024);
    expect(exact.status).toBe(204);
    expect((await head("mib/exact.bin")).ContentLength).toBe(1024 * 1024);
    const over = await upload("mib/over.bin", 1024 * 1024 + 1);
    expect(over.status).toBe(400);
    expect(await over.text()).toContain("EntityTooLarge");
    await expect(head("mib/over.bin")).rejects.toMatchObject({ name: "NotFound" });
  });

  it("prints an HTML form that uploads when submitted as a browser would", async () => {
    const { code, stdout } = await runAgainstVersitygw([
      "presign",
      "post",
      `s3://${bucket}/forms/report.pdf`,
      "--content-type",
      "application/pdf",
      "--max-size",
      "10MB",
      "--html",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!doctype html>/);
    const action = /<form action="([^"]+)" method="post" enctype="multipart\/form-data">/.exec(
      stdout,
    )?.[1];
    expect(action).toBe(`${inject("versitygwEndpoint")}/${bucket}`);
    const fields = Object.fromEntries(
      [...stdout.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1] as string,
        (m[2] as string).replace(/&quot;/g, '"').replace(/&amp;/g, "&"),
      ]),
    );
    expect(fields).toMatchObject({ key: "forms/report.pdf", "Content-Type": "application/pdf" });
    // The file input comes after every field, as S3 requires.
    expect(stdout.indexOf('type="file"')).toBeGreaterThan(stdout.lastIndexOf('type="hidden"'));
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    data.append("file", new Blob(["%PDF-1.7 …"]), "report.pdf");
    const res = await fetch(action as string, { method: "POST", body: data });
    expect(res.status).toBe(204);
    expect((await head("forms/report.pdf")).ContentType).toBe("application/pdf");
  });
});

describe("presign --stdin", () => {
  const keys = Array.from({ length: 40 }, (_, i) => `batch/${i} ünï (${i}).txt`);

  beforeAll(async () => {
    await Promise.all(keys.map((key) => put(key, `body of ${key}`)));
  });

  it("prints one working URL per line, in input order, all signed at one time", async () => {
    const input = `${keys.map((k) => `s3://${bucket}/${k}`).join("\n")}\n`;
    const urls = (await sign(["get", "--stdin"], input)).trim().split("\n");
    expect(urls).toHaveLength(keys.length);
    expect(new Set(urls.map((u) => new URL(u).searchParams.get("X-Amz-Date"))).size).toBe(1);
    const bodies = await Promise.all(urls.map(async (u) => (await fetch(u)).text()));
    expect(bodies).toEqual(keys.map((k) => `body of ${k}`));
  });

  it("takes keys with --bucket and signs uploads with the same headers", async () => {
    const out = await sign(
      ["put", "--stdin", "--bucket", bucket, "--content-type", "text/plain", "--json"],
      "upload/a.txt\r\nupload/b c.txt\r\n",
    );
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.headers)).toEqual([
      { "content-type": "text/plain" },
      { "content-type": "text/plain" },
    ]);
    for (const [i, line] of lines.entries()) {
      const res = await fetch(line.url, {
        method: "PUT",
        body: `upload ${i}`,
        headers: line.headers,
      });
      expect(res.status).toBe(200);
    }
    expect((await head("upload/b c.txt")).ContentType).toBe("text/plain");
  });

  it("gives byte for byte what single signing gives at the same time", async () => {
    const picked = [keys[0], keys[7], keys[39]] as string[];
    const locations = picked.map((k) => `s3://${bucket}/${k}`);
    const options = ["--expires", "2h", "--response-content-type", "text/plain"];
    const dateOf = (url: string) => new URL(url).searchParams.get("X-Amz-Date");
    // Signing has one-second resolution: run the batch and the single calls side by
    // side until they land in the same second, then they must agree exactly.
    for (let attempt = 1; ; attempt++) {
      const [batch, batchJson, ...singles] = await Promise.all([
        runAgainstVersitygw(["presign", "get", "--stdin", ...options], {
          input: locations.join("\n"),
        }),
        runAgainstVersitygw(["presign", "get", "--stdin", "--json", ...options], {
          input: locations.join("\n"),
        }),
        ...locations.map((l) => runAgainstVersitygw(["presign", "get", l, "--json", ...options])),
      ]);
      const batchUrls = (batch?.stdout ?? "").trim().split("\n");
      const batchRecords = (batchJson?.stdout ?? "")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const singleRecords = singles.map((s) => JSON.parse(s.stdout));
      const dates = new Set([
        ...batchUrls.map(dateOf),
        ...batchRecords.map((r) => dateOf(r.url)),
        ...singleRecords.map((r) => dateOf(r.url)),
      ]);
      if (dates.size > 1 && attempt < 10) continue;
      expect(dates.size).toBe(1);
      expect(batchUrls).toEqual(singleRecords.map((r) => r.url));
      expect(batchRecords).toEqual(singleRecords);
      break;
    }
  });

  it("keeps line N for input line N: white-space keys work, bad lines get an error line", async () => {
    const input = "ws/\u00a0\n\nws/\u3000\nws/ \n";
    const put = await runAgainstVersitygw(["presign", "put", "--stdin", "--bucket", bucket], {
      input,
    });
    expect(put.code).toBe(2);
    const lines = put.stdout.split("\n").slice(0, -1);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe("error: line 2: The line is empty.");
    const keysSigned = ["ws/\u00a0", "ws/\u3000", "ws/ "];
    for (const [i, url] of [lines[0], lines[2], lines[3]].entries()) {
      const res = await fetch(url as string, { method: "PUT", body: `white ${i}` });
      expect(res.status, keysSigned[i]).toBe(200);
    }
    const get = await runAgainstVersitygw(["presign", "get", "--stdin", "--bucket", bucket], {
      input: `${keysSigned.join("\n")}\n`,
    });
    expect(get.code).toBe(0);
    const bodies = await Promise.all(
      get.stdout
        .trim()
        .split("\n")
        .map(async (u) => (await fetch(u)).text()),
    );
    expect(bodies).toEqual(["white 0", "white 1", "white 2"]);
  });

  it("streams: answers a line before the input has ended", async () => {
    const { spawn } = await import("node:child_process");
    const { cleanEnv, versitygwEnv } = await import("../support/cli.js");
    const { root } = await import("../../scripts/servers.mjs");
    const child = spawn(
      process.execPath,
      [join(root, "bin", "s3kit"), "presign", "get", "--stdin"],
      {
        env: { ...cleanEnv(), ...versitygwEnv() } as NodeJS.ProcessEnv,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    const lines: string[] = [];
    let buffered = "";
    const nextLine = () =>
      new Promise<string>((resolve) => {
        const onData = (d: Buffer) => {
          buffered += d.toString();
          const nl = buffered.indexOf("\n");
          if (nl !== -1) {
            child.stdout.off("data", onData);
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            resolve(line);
          }
        };
        child.stdout.on("data", onData);
      });
    child.stdin.write(`s3://${bucket}/${keys[1]}\n`);
    lines.push(await nextLine());
    child.stdin.write(`s3://${bucket}/${keys[2]}\n`);
    lines.push(await nextLine());
    child.stdin.end();
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(await (await fetch(lines[0] as string)).text()).toBe(`body of ${keys[1]}`);
    expect(await (await fetch(lines[1] as string)).text()).toBe(`body of ${keys[2]}`);
  });
});

describe("temporary credentials", () => {
  it("warn on stderr when they expire before the URL", async () => {
    const expiresAt = new Date(Date.now() + 20 * 60 * 1000).toISOString();
    const { code, stdout, stderr } = await runAgainstVersitygw(
      ["presign", "get", `s3://${bucket}/get/data.bin`, "--expires", "6h"],
      {
        env: {
          AWS_SESSION_TOKEN: "FwoGZXIvYXdzEXAMPLETOKEN",
          AWS_CREDENTIAL_EXPIRATION: expiresAt,
        },
      },
    );
    expect(code).toBe(0);
    expect(new URL(stdout.trim()).searchParams.get("X-Amz-Security-Token")).toBe(
      "FwoGZXIvYXdzEXAMPLETOKEN",
    );
    expect(stderr).toContain("warning:");
    expect(stderr).toContain(`expire at ${expiresAt.replace(/\.\d{3}Z$/, "Z")}`);
    expect(stderr).toMatch(/it will stop working then, in (19m\d+s|20m)/);
  });

  it("stay quiet when they outlive the URL", async () => {
    const { code, stderr } = await runAgainstVersitygw(
      ["presign", "get", `s3://${bucket}/get/data.bin`, "--expires", "5m"],
      {
        env: {
          AWS_SESSION_TOKEN: "FwoGZXIvYXdzEXAMPLETOKEN",
          AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 3_600_000).toISOString(),
        },
      },
    );
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });
});
