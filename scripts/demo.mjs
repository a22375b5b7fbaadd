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
  await moto.stop();
}

process.stdout.write(
  failures === 0
    ? `\n${bold("Demo complete: every step did what it said.")}\n`
    : `\n${failures} step(s) failed.\n`,
);
process.exit(failures === 0 ? 0 : 1);
