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

/** Setup the demo does not show: the bucket the object steps use, if nothing created it yet. */
async function ensureBucket(name) {
  // The SDK warns about Node 20 on every load; s3kit silences it, and so does the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { S3Client, CreateBucketCommand, HeadBucketCommand } = await import("@aws-sdk/client-s3");
  const s3 = new S3Client({
    region: env.AWS_REGION,
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  const exists = await s3.send(new HeadBucketCommand({ Bucket: name })).then(
    () => true,
    () => false,
  );
  if (!exists) await s3.send(new CreateBucketCommand({ Bucket: name }));
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

  // Objects: upload a report, list it, read it back.
  const demoBucket = "s3kit-demo-objects";
  await ensureBucket(demoBucket);
  const files = mkdtempSync(join(tmpdir(), "s3kit-demo-"));
  const report = join(files, "report.csv");
  writeFileSync(report, "month,signups\n2024-01,120\n2024-02,180\n");
  try {
    step(
      "Upload a file",
      "cp picks the content type from the file name; big files go up in concurrent parts.",
      ["cp", report, `s3://${demoBucket}/reports/`],
      (r) => (r.code === 0 && r.stderr.includes("Uploaded") ? undefined : `exit ${r.code}`),
    );
    step(
      "List what is there",
      "ls shows one level (PRE lines for prefixes); --recursive lists every key, --json streams JSON lines.",
      ["ls", `s3://${demoBucket}/reports/`],
      (r) =>
        r.code === 0 && /\s38 {2}report\.csv$/m.test(r.stdout) ? undefined : `exit ${r.code}`,
    );
    step(
      "Read it back",
      "Downloads are checked (size, checksum or MD5) before they appear; - writes to stdout.",
      ["cp", `s3://${demoBucket}/reports/report.csv`, "-"],
      (r) => (r.code === 0 && r.stdout.includes("2024-02,180") ? undefined : `exit ${r.code}`),
    );
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
} finally {
  await moto.stop();
}

process.stdout.write(
  failures === 0
    ? `\n${bold("Demo complete: every step did what it said.")}\n`
    : `\n${failures} step(s) failed.\n`,
);
process.exit(failures === 0 ? 0 : 1);
