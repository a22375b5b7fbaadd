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
} finally {
  await moto.stop();
}

process.stdout.write(
  failures === 0
    ? `\n${bold("Demo complete: every step did what it said.")}\n`
    : `\n${failures} step(s) failed.\n`,
);
process.exit(failures === 0 ? 0 : 1);
