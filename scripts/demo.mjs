// `npm run demo`: the whole s3kit story against a local S3/IAM/STS endpoint (moto server)
// that this script starts and stops itself. Exits non-zero if any step does not do what it says.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreatePolicyVersionCommand, IAMClient } from "@aws-sdk/client-iam";
import { localCredentials, localEnv, root, startMoto } from "./servers.mjs";

// The SDK (used below to play someone editing a policy in the console) warns under Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

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

  // Policies, offline: no AWS call, so these steps would work without the server too.
  const policyDir = mkdtempSync(join(tmpdir(), "s3kit-demo-policy-"));
  try {
    step(
      "Write a least-privilege policy",
      "An IAM policy for one bucket and access level: exactly the actions the level needs.",
      ["policy", "generate", "--bucket", "demo-app-uploads", "--access", "upload"],
      (r) =>
        r.code === 0 &&
        JSON.parse(r.stdout).Statement[0].Resource[0] === "arn:aws:s3:::demo-app-uploads/*"
          ? undefined
          : `exit ${r.code}`,
    );

    // The classic mistake of S3 setup guides: PutObject granted on the bucket ARN only.
    const broken = join(policyDir, "policy.json");
    writeFileSync(
      broken,
      `${JSON.stringify(
        {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Uploads",
              Effect: "Allow",
              Action: "s3:PutObject",
              Resource: "arn:aws:s3:::demo-app-uploads",
            },
          ],
        },
        null,
        2,
      )}\n`,
    );
    step(
      "Why was my upload denied?",
      "A policy from a setup guide grants s3:PutObject on the bucket ARN only. policy debug says which\nstatement fell short and the fix, offline; --expect allow makes it a CI check (exit 6).",
      [
        "policy",
        "debug",
        "--policy-file",
        broken,
        "--bucket",
        "demo-app-uploads",
        "--key",
        "avatars/42.png",
        "--action",
        "s3:PutObject",
        "--expect",
        "allow",
      ],
      (r) =>
        r.code === 6 && r.stdout.includes('Fix: Add "arn:aws:s3:::demo-app-uploads/*"')
          ? undefined
          : `expected exit 6 and the missing /* fix, got exit ${r.code}`,
    );

    step(
      "Catch it before it ships",
      "policy lint finds the same mistake in the file, with its line and column.",
      ["policy", "lint", broken],
      (r) =>
        r.code === 6 && r.stdout.includes("[action-resource-mismatch]")
          ? undefined
          : `expected exit 6 and an action-resource-mismatch finding, got exit ${r.code}`,
    );
  } finally {
    rmSync(policyDir, { recursive: true, force: true });
  }
  const bucket = "demo-app-uploads";
  step(
    "Create a bucket with safe defaults and CORS for the frontend",
    "One command instead of a console checklist: public access blocked, ACLs off, SSE-S3, an HTTPS-only\npolicy, a rule that aborts stale multipart uploads, and CORS for the browser app.",
    [
      "bucket",
      "create",
      bucket,
      "--cors-origin",
      "http://localhost:3000",
      "https://app.example.com",
    ],
    (r) =>
      r.code === 0 && /CORS\s+set\s+http:\/\/localhost:3000/.test(r.stdout)
        ? undefined
        : `exit ${r.code}`,
  );

  step(
    "Run it again: nothing changes",
    "Idempotent: every setting is already in place, so s3kit only reads and reports.",
    [
      "bucket",
      "create",
      bucket,
      "--cors-origin",
      "http://localhost:3000",
      "https://app.example.com",
    ],
    (r) => (r.code === 0 && r.stderr.includes("nothing changed") ? undefined : `exit ${r.code}`),
  );

  step(
    "Preview a change with --dry-run",
    "The plan shows each API call with its parameters and the difference from the current state.",
    ["bucket", "create", bucket, "--versioning", "--expire-days", "365", "--dry-run"],
    (r) =>
      r.code === 0 && r.stdout.includes("PutBucketVersioning") ? undefined : `exit ${r.code}`,
  );

  step(
    "What does the bucket have?",
    "Every setting in one place; absent settings are shown as absent.",
    ["bucket", "info", bucket],
    (r) =>
      r.code === 0 && /CORS:\s+http:\/\/localhost:3000/.test(r.stdout)
        ? undefined
        : `exit ${r.code}`,
  );

  step(
    "Audit it against best practice",
    "Findings with severity and a fix; --fail-on high makes this a CI gate (exit 6).",
    ["bucket", "audit", bucket, "--fail-on", "high"],
    (r) => (r.code === 0 && r.stdout.includes("versioning-off") ? undefined : `exit ${r.code}`),
  );

  step("List buckets", "Name, region and creation date.", ["bucket", "list"], (r) =>
    r.code === 0 && r.stdout.includes(bucket) ? undefined : `exit ${r.code}`,
  );

  step(
    "Delete it",
    "Asks first (here --yes answers); a bucket with objects needs --force.",
    ["bucket", "delete", bucket, "--yes"],
    (r) =>
      r.code === 0 && r.stdout.includes(`Deleted the empty bucket ${bucket}`)
        ? undefined
        : `exit ${r.code}`,
  );

  // Presigned URLs: let a browser or a script upload and download without credentials.
  const uploads = "demo-presign-uploads";
  await action(
    "A bucket to upload to",
    "Created with one plain path-style request to the local server (moto accepts it unsigned).\n" +
      "Note: moto does not verify presigned signatures or expiry; s3kit's tests check those against versitygw.",
    `curl -X PUT ${moto.endpoint}/${uploads}`,
    async () => {
      const res = await fetch(`${moto.endpoint}/${uploads}`, { method: "PUT" });
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
      `s3://${uploads}/reports/hello.txt`,
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
      `s3://${uploads}/reports/hello.txt`,
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
    `curl '${moto.endpoint}/${uploads}?list-type=2'`,
    async () => {
      const xml = await (await fetch(`${moto.endpoint}/${uploads}?list-type=2`)).text();
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
      `s3://${uploads}/reports/hello.txt`,
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
      `s3://${uploads}/avatars/`,
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
    ["presign", "get", "--stdin", "--bucket", uploads, "--expires", "10m"],
    (r) =>
      r.code === 0 && r.stdout.trim().split("\n").length === 3 ? undefined : `exit ${r.code}`,
    { input: "reports/hello.txt\nreports/summary.pdf\nimages/logo.png\n" },
  );

  // Developers: from a bucket to a working .env, a broken policy and its fix, offboarding.
  const devDir = mkdtempSync(join(tmpdir(), "s3kit-demo-dev-"));
  try {
    const bucket = "demo-app-uploads";
    // `bucket create` lives in another part of s3kit; here the bucket is made in moto directly.
    const made = await fetch(`${moto.endpoint}/${bucket}`, { method: "PUT" });
    process.stdout.write(
      `\n${bold("▶ A bucket for the app")}\n${dim(`Created directly in moto (a path-style PUT): ${bucket} → HTTP ${made.status}`)}\n`,
    );
    const envFile = join(devDir, ".env");
    writeFileSync(envFile, "DEBUG=true\nDATABASE_URL=postgres://localhost/app\n");

    step(
      "Onboard a developer",
      "A least-privilege policy for uploads/ (the one policy generate writes), a group with it, the user in it,\nand an access key merged into the app's .env (mode 0600, other lines kept). Re-running converges.",
      [
        "iam",
        "add-dev",
        "alice",
        "--bucket",
        bucket,
        "--access",
        "read-write",
        "--prefix",
        "uploads/",
        "--out",
        envFile,
      ],
      (r) => {
        const text = readFileSync(envFile, "utf8");
        const mode = statSync(envFile).mode & 0o777;
        return r.code === 0 &&
          mode === 0o600 &&
          text.startsWith("DEBUG=true\n") &&
          /AWS_ACCESS_KEY_ID=AKIA/.test(text)
          ? undefined
          : `exit ${r.code}, mode ${mode.toString(8)}`;
      },
    );
    process.stdout.write(`$ cat .env\n${readFileSync(envFile, "utf8")}`);

    step(
      "Who has access?",
      "The developers and roles s3kit manages: bucket, level, prefix, and each key (masked) with its age and last use.",
      ["iam", "list-devs", "--bucket", bucket],
      (r) =>
        r.code === 0 && /alice\s+user\s+demo-app-uploads\s+read-write\s+uploads\//.test(r.stdout)
          ? undefined
          : `exit ${r.code}`,
    );

    // Someone "simplifies" the policy in the console: objects on the bucket ARN only.
    const iam = new IAMClient({
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials: localCredentials,
    });
    const policyName = `s3kit-${bucket}-read-write-uploads`;
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: `arn:aws:iam::123456789012:policy/s3kit/${policyName}`,
        SetAsDefault: true,
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "List",
              Effect: "Allow",
              Action: "s3:ListBucket",
              Resource: `arn:aws:s3:::${bucket}`,
            },
            {
              Sid: "Objects",
              Effect: "Allow",
              Action: ["s3:GetObject", "s3:PutObject"],
              Resource: `arn:aws:s3:::${bucket}`,
            },
          ],
        }),
      }),
    );
    process.stdout.write(
      `\n${bold("▶ Someone edits the policy in the console")}\n${dim(`A new default version of ${policyName} grants the object actions on the bucket ARN only.`)}\n`,
    );

    const debugArgs = [
      "policy",
      "debug",
      "--user",
      "alice",
      "--bucket",
      bucket,
      "--key",
      "uploads/avatar.png",
      "--action",
      "s3:GetObject",
      "s3:PutObject",
    ];
    step(
      "Why does alice get AccessDenied now?",
      "Online: alice's live policies (through her group), the bucket's settings, each action evaluated and explained.\nIt also notices that the previous version of the policy would allow it.",
      [...debugArgs, "--expect", "allow"],
      (r) =>
        r.code === 6 &&
        r.stdout.includes(`Fix: Add "arn:aws:s3:::${bucket}/*"`) &&
        r.stdout.includes("Version v1")
          ? undefined
          : `expected exit 6 with the /* fix and the old version, got exit ${r.code}`,
    );

    step(
      "Fix it",
      "The smallest change (add the missing /*), as a diff; --apply writes a new default version,\nreads it back and evaluates again.",
      [
        "policy",
        "fix",
        "--user",
        "alice",
        "--bucket",
        bucket,
        "--key",
        "uploads/avatar.png",
        "--action",
        "s3:GetObject",
        "s3:PutObject",
        "--apply",
      ],
      (r) =>
        r.code === 0 && r.stdout.includes("implicit-deny → allowed") ? undefined : `exit ${r.code}`,
    );

    step(
      "Check again",
      "The same debug, now every action is allowed.",
      [...debugArgs, "--expect", "allow"],
      (r) => (r.code === 0 ? undefined : `exit ${r.code}`),
    );

    step(
      "Rotate the key",
      "A new key replaces the old one in .env; the old key is made inactive.",
      ["iam", "rotate-key", "alice", "--out", envFile],
      (r) => (r.code === 0 && r.stderr.includes("made inactive") ? undefined : `exit ${r.code}`),
    );

    step(
      "Audit",
      "Keys too old, never or long unused, inactive keys left behind, users with * on *.",
      ["iam", "audit", "--s3kit-only"],
      (r) => (r.code === 0 && r.stdout.includes("inactive-key") ? undefined : `exit ${r.code}`),
    );

    step(
      "Offboard",
      "Keys first (they stop working at once), then memberships and the user. --yes because a demo cannot answer prompts.",
      ["iam", "remove-dev", "alice", "--yes"],
      (r) =>
        r.code === 0 && r.stderr.includes("user alice deleted") ? undefined : `exit ${r.code}`,
    );
  } finally {
    rmSync(devDir, { recursive: true, force: true });
  }
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
