// `npm run demo`: the whole s3kit story against a local S3/IAM/STS endpoint (moto server)
// that this script starts and stops itself. Exits non-zero if any step does not do what it says.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localEnv, root, startMoto } from "./servers.mjs";

const bold = (s) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);
const dim = (s) => (process.stdout.isTTY ? `\u001b[2m${s}\u001b[22m` : s);

const moto = await startMoto();
const env = { ...process.env, ...localEnv(moto.endpoint) };
let failures = 0;

function s3kit(args, { input } = {}) {
  const result = spawnSync(process.execPath, [join(root, "bin", "s3kit"), ...args], {
    env,
    input,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Shows the command, its output, and checks that it did what the narration says. */
function step(title, explanation, args, check, { input } = {}) {
  const shown = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  const piped = input === undefined ? "" : `printf '${input.replace(/\n/g, "\\n")}' | `;
  process.stdout.write(
    `\n${bold(`▶ ${title}`)}\n${dim(explanation)}\n$ ${piped}s3kit ${shown.join(" ")}\n`,
  );
  const result = s3kit(args, { input });
  process.stdout.write(result.stdout);
  if (result.stderr) process.stdout.write(dim(result.stderr));
  const problem = check(result);
  if (problem) {
    failures++;
    process.stdout.write(`✗ step failed: ${problem}\n`);
  }
  return result;
}

/** A step that is not an s3kit command (a shell command or a raw HTTP request), checked the same way. */
async function action(title, explanation, shown, run) {
  process.stdout.write(`\n${bold(`▶ ${title}`)}\n${dim(explanation)}\n$ ${shown}\n`);
  let problem;
  try {
    problem = await run();
  } catch (err) {
    problem = err.message;
  }
  if (problem) {
    failures++;
    process.stdout.write(`✗ step failed: ${problem}\n`);
  }
}

const scratch = mkdtempSync(join(tmpdir(), "s3kit-demo-"));

try {
  process.stdout.write(`Local S3/IAM/STS endpoint (moto server): ${moto.endpoint}\n`);

  step(
    "Who am I?",
    "The account, identity, region and endpoint s3kit talks to, and where the credentials came from.",
    ["whoami"],
    (r) => (r.code === 0 && r.stdout.includes("123456789012") ? undefined : `exit ${r.code}`),
  );

  step(
    "Is this machine set up right?",
    "Endpoint reachable, credentials valid, clock in sync — one line per check.",
    ["doctor"],
    (r) => (r.code === 0 && r.stdout.includes("Credentials valid") ? undefined : `exit ${r.code}`),
  );
  // Presigned URLs: let a browser or a script upload and download without credentials.
  const bucket = "demo-presign-uploads";
  await action(
    "A bucket to upload to",
    "Created with one plain path-style request to the local server (moto accepts it unsigned).\n" +
      "Note: moto does not verify presigned signatures or expiry; s3kit's tests check those against versitygw.",
    `curl -X PUT ${moto.endpoint}/${bucket}`,
    async () => {
      const res = await fetch(`${moto.endpoint}/${bucket}`, { method: "PUT" });
      return res.ok ? undefined : `HTTP ${res.status}`;
    },
  );

  step(
    "Presign an upload",
    "A URL that lets anyone holding it PUT this one object for 15 minutes, signed locally (no API call).\n" +
      "The Content-Type is signed too: the upload must send exactly that header.",
    [
      "presign",
      "put",
      `s3://${bucket}/reports/hello.txt`,
      "--content-type",
      "text/plain",
      "--expires",
      "15m",
    ],
    (r) => (r.code === 0 && r.stdout.startsWith("http") ? undefined : `exit ${r.code}`),
  );

  const file = join(scratch, "hello.txt");
  writeFileSync(file, "Hello from a presigned upload!\n");
  const curl = step(
    "…or get a ready curl command for it",
    "--curl FILE prints the upload as a curl command with every header the signature needs.",
    [
      "presign",
      "put",
      `s3://${bucket}/reports/hello.txt`,
      "--content-type",
      "text/plain",
      "--curl",
      file,
    ],
    (r) => (r.code === 0 && r.stdout.startsWith("curl ") ? undefined : `exit ${r.code}`),
  );
  await action(
    "Upload with curl",
    "No credentials: the URL is the permission.",
    `${curl.stdout.trim()} -w '%{http_code}\\n'`,
    async () => {
      const result = spawnSync(
        "sh",
        ["-c", `${curl.stdout.trim()} --silent --show-error --fail -w '%{http_code}\\n'`],
        {
          encoding: "utf8",
        },
      );
      process.stdout.write(result.stdout + dim(result.stderr));
      return result.status === 0 ? undefined : `curl exit ${result.status}`;
    },
  );

  await action(
    "The object is there",
    "Listed with a plain ListObjectsV2 request to the local server, independently of s3kit.",
    `curl '${moto.endpoint}/${bucket}?list-type=2'`,
    async () => {
      const xml = await (await fetch(`${moto.endpoint}/${bucket}?list-type=2`)).text();
      const keys = [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
      process.stdout.write(`${keys.join("\n")}\n`);
      return keys.includes("reports/hello.txt") ? undefined : `listed ${JSON.stringify(keys)}`;
    },
  );

  const get = step(
    "Presign a download",
    "A GET URL to share; --response-content-disposition makes browsers save it under a chosen name.",
    [
      "presign",
      "get",
      `s3://${bucket}/reports/hello.txt`,
      "--expires",
      "1h",
      "--response-content-disposition",
      'attachment; filename="hello.txt"',
    ],
    (r) => (r.code === 0 && r.stdout.startsWith("http") ? undefined : `exit ${r.code}`),
  );
  await action("Download it", "Again no credentials.", `curl '${get.stdout.trim()}'`, async () => {
    const res = await fetch(get.stdout.trim());
    const body = await res.text();
    const type = res.headers.get("content-type");
    process.stdout.write(`${body}${dim(`Content-Type: ${type} (as signed into the upload)\n`)}`);
    return body === "Hello from a presigned upload!\n" && type === "text/plain"
      ? undefined
      : `HTTP ${res.status}, Content-Type ${type}`;
  });

  step(
    "Presign a browser-form upload",
    "For an HTML form (or fetch with FormData): a URL and fields whose signed policy limits the size,\n" +
      "the Content-Type and the key prefix. --html prints a ready upload page instead.",
    [
      "presign",
      "post",
      `s3://${bucket}/avatars/`,
      "--max-size",
      "5MB",
      "--content-type-prefix",
      "image/",
    ],
    (r) => (r.code === 0 && r.stdout.includes("Policy:") ? undefined : `exit ${r.code}`),
  );

  step(
    "Sign many URLs at once",
    "--stdin signs one location per line, streaming, with one signing key for the whole batch.",
    ["presign", "get", "--stdin", "--bucket", bucket, "--expires", "10m"],
    (r) =>
      r.code === 0 && r.stdout.trim().split("\n").length === 3 ? undefined : `exit ${r.code}`,
    { input: "reports/hello.txt\nreports/summary.pdf\nimages/logo.png\n" },
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await moto.stop();
}

process.stdout.write(
  failures === 0
    ? `\n${bold("Demo complete: every step did what it said.")}\n`
    : `\n${failures} step(s) failed.\n`,
);
process.exit(failures === 0 ? 0 : 1);
