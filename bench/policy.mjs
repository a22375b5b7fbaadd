// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// Policy benchmark: evaluations per second of the policy engine for a 10-statement
// policy with conditions (target: 100,000/s), and the wall time of an offline
// `s3kit policy debug` beside `s3kit --version` in one run (target: within 1.5×).
// Run with `node bench/policy.mjs [count]` (default 200000) after `npm run build`.
//
// The engine is bundled with esbuild first (packages left external, as
// bench/presign.mjs does) and measured in a fresh Node process. Command timings are
// taken twice: with the environment as it is, and without NODE_EXTRA_CA_CERTS (which,
// when set, makes Node load extra certificates at every start).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { root } from "../scripts/servers.mjs";
import { printTable, startupEnvironments, timeCommands } from "./lib.mjs";

// `npm run bench -- policy` passes the benchmark's name: only a number is a count.
const count = Number(process.argv[2]) > 0 ? Number(process.argv[2]) : 200_000;
const runs = Number(process.env.RUNS ?? 20);
// Inside node_modules so the bundle resolves the project's packages.
const dir = mkdtempSync(join(root, "node_modules", ".s3kit-bench-"));

const BUCKET = "arn:aws:s3:::app-uploads";
const policy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ListOwnFolder",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: BUCKET,
      Condition: { StringLike: { "s3:prefix": ["home/${aws:username}/*", "shared/*"] } },
    },
    {
      Sid: "OwnFolder",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: `${BUCKET}/home/\${aws:username}/*`,
    },
    {
      Sid: "SharedRead",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `${BUCKET}/shared/*`,
      Condition: { IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"] } },
    },
    {
      Sid: "UploadsEncrypted",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: `${BUCKET}/uploads/*`,
      Condition: { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
    {
      Sid: "ReportsDuringProject",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${BUCKET}/reports/*`,
      Condition: {
        DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" },
        DateLessThan: { "aws:CurrentTime": "2099-01-01T00:00:00Z" },
      },
    },
    {
      Sid: "TaggedObjects",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${BUCKET}/*`,
      Condition: { StringEquals: { "s3:ExistingObjectTag/team": "${aws:PrincipalTag/team}" } },
    },
    {
      Sid: "MfaForDeletes",
      Effect: "Deny",
      Action: "s3:DeleteObject",
      Resource: `${BUCKET}/*`,
      Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Action: "s3:*",
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOldTls",
      Effect: "Deny",
      Action: "s3:*",
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
    {
      Sid: "DenyUntaggedSessions",
      Effect: "Deny",
      Action: "s3:PutObject",
      Resource: `${BUCKET}/*`,
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["temporary", "scratch"] } },
    },
  ],
};

try {
  await build({
    entryPoints: [join(root, "src/core/policy/index.ts")],
    outfile: join(dir, "policy.js"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  writeFileSync(join(dir, "policy.json"), JSON.stringify(policy));

  const node = (script) =>
    execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    }).trim();

  const throughput = (mode) =>
    JSON.parse(
      node(`
        import { readFileSync } from "node:fs";
        import { createEvaluator } from ${JSON.stringify(join(dir, "policy.js"))};
        const document = JSON.parse(readFileSync(${JSON.stringify(join(dir, "policy.json"))}, "utf8"));
        const evaluator = createEvaluator({ identityPolicies: [{ name: "bench", document }] });
        const users = ["alice", "bob", "carol", "dave"];
        const actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"];
        const folders = ["home/alice/", "home/bob/", "shared/", "uploads/", "reports/", "other/"];
        const requests = Array.from({ length: 4096 }, (_, i) => {
          const user = users[i % users.length];
          const action = actions[(i >> 2) % actions.length];
          const folder = folders[(i >> 4) % folders.length];
          const list = action === "s3:ListBucket";
          const context = {
            "aws:SecureTransport": i % 17 === 0 ? "false" : "true",
            "s3:TlsVersion": i % 13 === 0 ? "1.1" : "1.3",
            "aws:SourceIp": i % 3 === 0 ? "10.1.2.3" : "198.51.100.7",
            "aws:CurrentTime": "2026-01-02T03:04:05Z",
            "aws:MultiFactorAuthPresent": i % 5 === 0 ? "true" : "false",
            "aws:PrincipalTag/team": "data",
            "s3:ExistingObjectTag/team": i % 7 === 0 ? "data" : "web",
            ...(i % 11 === 0 ? { "aws:TagKeys": ["scratch", "x"] } : {}),
            ...(action === "s3:PutObject" && i % 2 === 0 ? { "s3:x-amz-server-side-encryption": "aws:kms" } : {}),
            ...(list ? { "s3:prefix": folder } : {}),
          };
          return {
            action,
            resource: list ? "arn:aws:s3:::app-uploads" : "arn:aws:s3:::app-uploads/" + folder + "file-" + i + ".txt",
            principal: "arn:aws:iam::123456789012:user/" + user,
            context,
          };
        });
        const run = (n) => {
          const counts = { allowed: 0, "explicit-deny": 0, "implicit-deny": 0 };
          for (let i = 0; i < n; i++) counts[evaluator.${mode}(requests[i & 4095]).decision]++;
          return counts;
        };
        run(20000); // warm-up
        const t = performance.now();
        const counts = run(${count});
        const ms = performance.now() - t;
        console.log(JSON.stringify({ mode: ${JSON.stringify(mode)}, perSecond: Math.round(${count} / (ms / 1000)), ms: Math.round(ms), counts }));
      `),
    );

  const results = [throughput("decide"), throughput("evaluate")];
  console.log(
    `node ${process.version}, ${count} evaluations, one process, a 10-statement policy with 12 conditions, 4096 distinct requests`,
  );
  for (const r of results) {
    const label =
      r.mode === "decide" ? "decide() (decision only)" : "evaluate() (with per-statement trace)";
    console.log(
      `  ${label.padEnd(40)} ${String(r.perSecond).padStart(9)} evaluations/s  (${r.ms} ms; ${JSON.stringify(r.counts)})`,
    );
  }
  const fast = results[0].perSecond;
  console.log(
    `  target 100,000 evaluations/s: ${fast >= 100_000 ? "met" : "NOT met"} (${fast.toLocaleString("en-US")}/s)`,
  );

  // Offline `policy debug` against `--version`, in one run, interleaved.
  const s3kit = [process.execPath, join(root, "bin", "s3kit")];
  const debugArgs = [
    "policy",
    "debug",
    "--policy-file",
    join(dir, "policy.json"),
    "--bucket",
    "app-uploads",
    "--key",
    "home/alice/a.txt",
    "--principal-arn",
    "arn:aws:iam::123456789012:user/alice",
  ];
  const commands = [
    { name: "node -e 0", cmd: [process.execPath, "-e", "0"] },
    { name: "s3kit --version", cmd: [...s3kit, "--version"] },
    { name: "s3kit policy debug", cmd: [...s3kit, ...debugArgs] },
    // An action outside the well-known set makes debug load the S3 metadata (iam-data):
    // what every run cost before the metadata became lazy.
    {
      name: "policy debug + S3 metadata",
      cmd: [...s3kit, ...debugArgs, "--action", "s3:GetObject", "s3:GetBucketWebsite"],
    },
    {
      name: "s3kit policy lint",
      cmd: [...s3kit, "policy", "lint", "--bucket", "app-uploads", join(dir, "policy.json")],
    },
  ];
  for (const { label, env } of startupEnvironments(process.env)) {
    const rows = timeCommands(commands, { runs, env });
    printTable(`Wall time, ${label} (median of ${runs} interleaved runs)`, rows, "s3kit --version");
    const version = rows.find((r) => r.name === "s3kit --version");
    const debug = rows.find((r) => r.name === "s3kit policy debug");
    const ratio = debug.medianMs / version.medianMs;
    console.log(
      `  target policy debug ≤ 1.5× --version: ${ratio.toFixed(2)}× ${ratio <= 1.5 ? "met" : "NOT met"}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
