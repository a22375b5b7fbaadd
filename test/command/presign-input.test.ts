import { describe, expect, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { runInProcess } from "../support/run-program.js";

// Credentials and an endpoint nobody listens on: signing needs no server.
const offline = localEnv("http://127.0.0.1:9");

describe("presign refuses bad input with exit 2 before looking up credentials", () => {
  it.each([
    [
      ["get", "https://my-bucket.s3.amazonaws.com/k"],
      "InvalidLocation",
      /is a https URL, not an S3 location/,
    ],
    [["get", "my-bucket/key.txt"], "InvalidLocation", /"my-bucket\/key.txt" is not an S3 location/],
    [["get", "s3://my-bucket"], "MissingKey", /names a bucket but no object key/],
    [["get", "s3://my bucket/k"], "InvalidBucketName", /Invalid bucket name "my bucket"/],
    [["put", "s3://ab/k"], "InvalidBucketName", /at least 3 are needed/],
    [["post", "s3://bad|name/"], "InvalidBucketName", /"\|", which no bucket name can hold/],
    [
      ["get", "s3://my-bucket/k", "--expires", "8d"],
      "ExpiresTooLong",
      /longer than the maximum of 7d/,
    ],
    [["put", "s3://my-bucket/k", "--expires", "0"], "InvalidDuration", /greater than zero/],
    [
      ["post", "s3://my-bucket/u/", "--expires", "soon"],
      "InvalidDuration",
      /Invalid duration "soon"/,
    ],
    [
      ["post", "s3://my-bucket/u/", "--max-size", "-1"],
      "InvalidSize",
      /--max-size "-1" is negative/,
    ],
    [["post", "s3://my-bucket/u/", "--max-size", "0"], "InvalidSize", /only empty files/],
    [
      ["post", "s3://my-bucket/u/", "--max-size", "6GiB"],
      "InvalidSize",
      /not valid for a POST upload/,
    ],
    [
      [
        "post",
        "s3://my-bucket/u/",
        "--content-type",
        "image/png",
        "--content-type-prefix",
        "image/",
      ],
      "InvalidOption",
      /--content-type and --content-type-prefix cannot be used together/,
    ],
    [
      ["put", "s3://my-bucket/k", "--content-length", "ten"],
      "InvalidOption",
      /not a whole number of bytes/,
    ],
    [
      ["put", "s3://my-bucket/k", "--metadata", "owner"],
      "InvalidOption",
      /"owner" is not key=value/,
    ],
    [
      ["put", "s3://my-bucket/k", "--content-type", "tëxt/plain"],
      "InvalidOption",
      /cannot be sent as an HTTP header/,
    ],
    [
      ["put", "s3://my-bucket/k", "--checksum-sha256", "abc"],
      "InvalidOption",
      /not a base64 SHA-256/,
    ],
    [["put", "s3://my-bucket/k", "--sse-kms-key-id", "k1"], "InvalidOption", /needs --sse aws:kms/],
    [["get"], "MissingLocation", /No location given/],
    [
      ["get", "s3://my-bucket/k", "--stdin"],
      "InvalidOption",
      /--stdin reads the locations from standard input/,
    ],
    [
      ["get", "s3://my-bucket/k", "--bucket", "my-bucket"],
      "InvalidOption",
      /--bucket goes with --stdin/,
    ],
    [["get", "--stdin", "--bucket", "bad~bucket"], "InvalidBucketName", /Invalid bucket name/],
    [["put", "--stdin", "--curl", "f.txt"], "InvalidOption", /--curl goes with one location/],
    [["post", "s3://my-bucket/u/", "--html", "--json"], "InvalidOption", /--html and --json/],
  ])("presign %j → %s", async (args, code, message) => {
    // No credentials at all: a lookup would fail with exit 4, not 2.
    const result = await runInProcess(["presign", ...args, "--json"]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    const { error } = JSON.parse(result.stderr);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(typeof error.hint).toBe("string");
  });

  it("prints a message and a hint for people", async () => {
    const { code, stdout, stderr } = await runInProcess([
      "presign",
      "get",
      "s3://my-bucket/k",
      "--expires",
      "8d",
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'error: Expiry "8d" (691200 s) is longer than the maximum of 7d (604800 s).\n' +
        "hint: SigV4 presigned URLs are valid for at most 7 days: use --expires 7d or less.\n",
    );
  });

  it("rejects an unknown --sse value through the option's choices", async () => {
    const { code, stderr } = await runInProcess([
      "presign",
      "put",
      "s3://my-bucket/k",
      "--sse",
      "DES",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("Allowed choices are AES256, aws:kms");
  });
});

// Output line N answers input line N, always: a script can paste the two side by side.
describe("presign --stdin: one output line per input line", () => {
  const pathOrError = (line: string) => (line.startsWith("error:") ? line : new URL(line).pathname);

  it("answers a line it cannot sign with an error line in its place, and exits 2 at the end", async () => {
    const { code, stdout, stderr } = await runInProcess(["presign", "get", "--stdin"], {
      env: offline,
      input: "s3://my-bucket/one\n\ns3://my-bucket/two\nnot a location\ns3://my-bucket/three\n",
    });
    expect(stdout.split("\n").slice(0, -1).map(pathOrError)).toEqual([
      "/my-bucket/one",
      "error: line 2: The line is empty.",
      "/my-bucket/two",
      'error: line 4: "not a location" is not an S3 location.',
      "/my-bucket/three",
    ]);
    expect(stderr).toContain(
      "error: 2 of 5 input lines could not be signed; each has an error line in its place in the output:",
    );
    expect(stderr).toContain("  line 2: The line is empty.");
    expect(stderr).toContain('  line 4: "not a location" is not an S3 location.');
    expect(code).toBe(2);
  });

  // printf 'a\n\xc2\xa0\nb\n': S3 keys may be made of white space (U+00A0, U+3000, spaces).
  it("signs a line of Unicode white space as the key it is", async () => {
    const { code, stdout, stderr } = await runInProcess(
      ["presign", "get", "--stdin", "--bucket", "my-bucket"],
      {
        env: offline,
        input: "a\n\u00a0\n\u3000\n  \nb\n",
      },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n").slice(0, -1).map(pathOrError)).toEqual([
      "/my-bucket/a",
      "/my-bucket/%C2%A0",
      "/my-bucket/%E3%80%80",
      "/my-bucket/%20%20",
      "/my-bucket/b",
    ]);
  });

  // printf 'caf\xe9\n': read as U+FFFD, it would sign a key nobody has.
  it("refuses a line that is not UTF-8, for that line only", async () => {
    const { code, stdout, stderr } = await runInProcess(
      ["presign", "get", "--stdin", "--bucket", "my-bucket"],
      { env: offline, input: Buffer.from("caf\xe9\ncaf\xc3\xa9\n", "latin1") },
    );
    const lines = stdout.toString().split("\n").slice(0, -1);
    expect(lines[0]).toBe('error: line 1: The line is not valid UTF-8 (it reads as "caf\ufffd").');
    expect(new URL(lines[1] as string).pathname).toBe("/my-bucket/caf%C3%A9");
    expect(lines).toHaveLength(2);
    expect(stderr).toContain("1 of 2 input lines could not be signed");
    expect(stderr).toContain("iconv");
    expect(code).toBe(2);
  });

  it("gives error lines as JSON lines with --json, and the summary as the error", async () => {
    const { code, stdout, stderr } = await runInProcess(["presign", "put", "--stdin", "--json"], {
      env: offline,
      input: "s3://my-bucket/ok\ns3://my-bucket\n",
    });
    expect(code).toBe(2);
    const [ok, bad] = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(ok.method).toBe("PUT");
    expect(bad).toEqual({
      line: 2,
      error: {
        code: "MissingKey",
        message: '"s3://my-bucket" names a bucket but no object key.',
        hint: expect.any(String),
      },
    });
    expect(JSON.parse(stderr).error).toMatchObject({
      code: "MissingKey",
      message:
        "1 of 2 input lines could not be signed; each has an error line in its place in the output:",
      details: ['line 2: "s3://my-bucket" names a bucket but no object key.'],
    });
  });

  it("signs nothing and prints nothing for empty input", async () => {
    const { code, stdout, stderr } = await runInProcess(["presign", "get", "--stdin"], {
      env: offline,
      input: "",
    });
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toBe("");
  });
});

describe("access point ARNs", () => {
  // Signing needs no server; AWS's own endpoint rules give an access point its host.
  const onAws = { ...offline, AWS_ENDPOINT_URL: undefined, AWS_REGION: "us-west-2" };
  const accessPoint = "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap";

  it("get and put sign s3://<access point ARN>/key, as the AWS CLI takes it", async () => {
    for (const verb of ["get", "put"]) {
      const { code, stdout, stderr } = await runInProcess(
        ["presign", verb, `s3://${accessPoint}/photos/cat.jpg`],
        { env: onAws },
      );
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^https:\/\/my-ap-123456789012\.s3-accesspoint\.us-west-2\.amazonaws\.com\/photos\/cat\.jpg\?/,
      );
    }
    const batch = await runInProcess(["presign", "get", "--stdin"], {
      env: onAws,
      input: `s3://${accessPoint}/a.txt\ns3://my-bucket/b.txt\n`,
    });
    expect(batch.code).toBe(0);
    const [first, second] = batch.stdout.trim().split("\n");
    expect(first).toMatch(
      /^https:\/\/my-ap-123456789012\.s3-accesspoint\.us-west-2\.amazonaws\.com\/a\.txt\?/,
    );
    expect(second).toMatch(/^https:\/\/my-bucket\.s3\.us-west-2\.amazonaws\.com\/b\.txt\?/);
  });

  it.each([
    [["presign", "post", `s3://${accessPoint}/uploads/`]],
    [["ls", `s3://${accessPoint}/photos/`]],
    [["stat", `s3://${accessPoint}/photos/cat.jpg`]],
    [["cp", "README.md", `s3://${accessPoint}/readme.md`]],
  ])("%j takes a bucket name: exit 2 with the way out, before any request", async (args) => {
    const { code, stderr } = await runInProcess(args, { env: offline });
    expect(code).toBe(2);
    expect(stderr).toContain("names an access point; this command takes a bucket name");
    expect(stderr).toContain("hint: Give the bucket behind the access point: s3://BUCKET/");
  });

  it("points an ARN copied from the console to its s3:// form", async () => {
    const { code, stderr } = await runInProcess(["stat", "arn:aws:s3:::my-bucket/report.pdf"], {
      env: offline,
    });
    expect(code).toBe(2);
    expect(stderr).toContain(
      '"arn:aws:s3:::my-bucket/report.pdf" holds an ARN, not an S3 location',
    );
    expect(stderr).toContain("hint: Write it as s3://my-bucket/report.pdf.");
  });
});

describe("presign output details", () => {
  it("takes the location back from a --metadata list", async () => {
    const { code, stdout } = await runInProcess(
      ["presign", "put", "--metadata", "a=1", "b=2", "s3://my-bucket/k", "--json"],
      { env: offline },
    );
    expect(code).toBe(0);
    const signed = JSON.parse(stdout);
    expect(new URL(signed.url).pathname).toBe("/my-bucket/k");
    expect(signed.headers).toEqual({ "x-amz-meta-a": "1", "x-amz-meta-b": "2" });
  });

  it("takes the location back from a --metadata list in post too", async () => {
    const { code, stdout } = await runInProcess(
      ["presign", "post", "--metadata", "a=1", "s3://my-bucket/in/", "--json"],
      { env: offline },
    );
    expect(code).toBe(0);
    const post = JSON.parse(stdout);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's placeholder for the file name
    expect(post.fields).toMatchObject({ "x-amz-meta-a": "1", key: "in/${filename}" });
  });

  it("defaults to one hour, like aws s3 presign", async () => {
    const { stdout } = await runInProcess(["presign", "get", "s3://my-bucket/k"], { env: offline });
    expect(new URL(stdout.trim()).searchParams.get("X-Amz-Expires")).toBe("3600");
  });

  it("uses virtual-hosted URLs on AWS and honours --region", async () => {
    const { stdout } = await runInProcess(
      ["presign", "get", "s3://my-bucket/a b", "--region", "eu-west-1"],
      {
        env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" },
      },
    );
    const url = new URL(stdout.trim());
    expect(url.origin).toBe("https://my-bucket.s3.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/a%20b");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^AKIAEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/,
    );
  });

  it("takes a region it has never heard of when it has a region's shape", async () => {
    const { code, stdout, stderr } = await runInProcess(["presign", "get", "s3://my-bucket/k"], {
      env: {
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_REGION: "eusc-de-east-1",
      },
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(new URL(stdout.trim()).origin).toBe("https://my-bucket.s3.eusc-de-east-1.amazonaws.eu");
  });

  it("warns that a key with . or .. segments needs a client that keeps the path", async () => {
    const plain = await runInProcess(["presign", "get", "s3://my-bucket/a/../b"], { env: offline });
    expect(plain.code).toBe(0);
    expect(new URL(plain.stdout.trim()).pathname).toBe("/my-bucket/b"); // what a browser does
    expect(plain.stdout).toContain("/my-bucket/a/../b?");
    expect(plain.stderr).toContain("curl --path-as-is");
    const curl = await runInProcess(["presign", "get", "s3://my-bucket/a/../b", "--curl", "b"], {
      env: offline,
    });
    expect(curl.stdout).toMatch(/^curl --path-as-is -o b /);
    expect(curl.stderr).toBe("");
  });

  it("--json with --curl adds the command to the document", async () => {
    const { stdout } = await runInProcess(
      ["presign", "put", "s3://my-bucket/k", "--curl", "f.txt", "--json"],
      {
        env: offline,
      },
    );
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(["url", "method", "headers", "expiresAt", "curl"]);
    expect(doc.curl).toBe(`curl -X PUT -T f.txt '${doc.url}'`);
  });

  it("post prints the URL, the limits and the fields for people", async () => {
    const { code, stdout, stderr } = await runInProcess(
      [
        "presign",
        "post",
        "s3://my-bucket/avatars/",
        "--max-size",
        "5MB",
        "--content-type-prefix",
        "image/",
      ],
      { env: offline },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^URL: +http:\/\/127\.0\.0\.1:9\/my-bucket$/m);
    // 5MB is 5 MiB, as in the AWS CLI; the summary says so exactly.
    expect(stdout).toMatch(/^Size: +0B to 5MiB$/m);
    expect(stdout).toMatch(/^ {2}Policy: +[A-Za-z0-9+/=]+$/m);
    expect(stderr).toContain("the file as the last field");
  });
});
