// `npm run demo`: the whole s3kit story against a local S3/IAM/STS endpoint (moto server)
// that this script starts and stops itself. Exits non-zero if any step does not do what it says.
import { spawnSync } from "node:child_process";
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
function step(title, explanation, args, check) {
  process.stdout.write(`\n${bold(`▶ ${title}`)}\n${dim(explanation)}\n$ s3kit ${args.join(" ")}\n`);
  const result = s3kit(args);
  process.stdout.write(result.stdout);
  if (result.stderr) process.stdout.write(dim(result.stderr));
  const problem = check(result);
  if (problem) {
    failures++;
    process.stdout.write(`✗ step failed: ${problem}\n`);
  }
  return result;
}

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
} finally {
  await moto.stop();
}

process.stdout.write(
  failures === 0
    ? `\n${bold("Demo complete: every step did what it said.")}\n`
    : `\n${failures} step(s) failed.\n`,
);
process.exit(failures === 0 ? 0 : 1);
