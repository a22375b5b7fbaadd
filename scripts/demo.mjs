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
} finally {
  await moto.stop();
}

process.stdout.write(
  failures === 0
    ? `\n${bold("Demo complete: every step did what it said.")}\n`
    : `\n${failures} step(s) failed.\n`,
);
process.exit(failures === 0 ? 0 : 1);
