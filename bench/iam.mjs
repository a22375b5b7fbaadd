// IAM at scale: `s3kit iam list-devs` and `s3kit iam audit` over 200 developers
// (each with tags and an access key) against a moto server of its own, beside the
// AWS CLI loop a setup guide would use: `aws iam list-users`, then
// `aws iam list-access-keys` per user. Run with `node bench/iam.mjs [users]`.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { localCredentials, localEnv, root, startMoto } from "../scripts/servers.mjs";
import { hasCommand, median, printTable, timeCommands } from "./lib.mjs";

// The SDK used for the setup warns under Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const users = Number(process.argv[2] ?? 200);
const runs = Number(process.env.RUNS ?? 5);
const moto = await startMoto();
const env = { ...process.env, ...localEnv(moto.endpoint), AWS_DEFAULT_REGION: "us-east-1" };

try {
  const iam = new IAMClient({
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: localCredentials,
  });
  const started = performance.now();
  const names = Array.from({ length: users }, (_, i) => `dev${String(i).padStart(4, "0")}`);
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(
      names.slice(i, i + 20).map(async (UserName, j) => {
        await iam.send(
          new CreateUserCommand({
            UserName,
            Path: "/s3kit/",
            Tags: [
              { Key: "managed-by", Value: "s3kit" },
              { Key: "s3kit:bucket", Value: "bench-bucket" },
              { Key: "s3kit:access", Value: (i + j) % 2 ? "read" : "read-write" },
              { Key: "s3kit:grant:bench-bucket", Value: "read s3kit-bench-bucket-read" },
            ],
          }),
        );
        await iam.send(new CreateAccessKeyCommand({ UserName }));
      }),
    );
  }
  process.stdout.write(
    `${users} users with one key each created in ${Math.round(performance.now() - started)} ms\n`,
  );

  const s3kit = [process.execPath, join(root, "bin", "s3kit")];
  const check = spawnSync(s3kit[0], [...s3kit.slice(1), "iam", "list-devs", "--json"], {
    env,
    encoding: "utf8",
  });
  const listed = JSON.parse(check.stdout).devs.length;
  if (listed !== users) throw new Error(`list-devs listed ${listed} of ${users} users`);

  const rows = timeCommands(
    [
      { name: "s3kit iam list-devs", cmd: [...s3kit, "iam", "list-devs", "--json"] },
      { name: "s3kit iam audit", cmd: [...s3kit, "iam", "audit", "--json"] },
      {
        name: "s3kit iam list-devs (1 call at a time)",
        cmd: [...s3kit, "iam", "list-devs", "--json", "--concurrency", "1"],
      },
    ],
    { runs, warmup: 1, env },
  );

  if (hasCommand("aws")) {
    // The guide's loop: one AWS CLI process per user. Slow, so it runs once.
    const script = join(root, "node_modules", ".s3kit-bench-iam.sh");
    writeFileSync(
      script,
      [
        "set -e",
        "for u in $(aws iam list-users --path-prefix /s3kit/ --query 'Users[].UserName' --output text); do",
        '  aws iam list-access-keys --user-name "$u" --output text > /dev/null',
        "done",
      ].join("\n"),
    );
    const samples = [];
    for (let i = 0; i < Number(process.env.AWS_RUNS ?? 1); i++) {
      const t = performance.now();
      const r = spawnSync("sh", [script], { env, stdio: ["ignore", "ignore", "inherit"] });
      if (r.status !== 0) throw new Error("the AWS CLI loop failed");
      samples.push(performance.now() - t);
    }
    rows.push({
      name: "aws CLI loop (list-users + list-access-keys per user)",
      medianMs: median(samples),
      minMs: Math.min(...samples),
    });
  } else {
    process.stdout.write("(aws CLI not installed: its row is missing)\n");
  }
  printTable(
    `IAM listing over ${users} users (median of ${runs} runs)`,
    rows,
    "s3kit iam list-devs",
  );
  const aws = rows.find((r) => r.name.startsWith("aws CLI"));
  const list = rows.find((r) => r.name === "s3kit iam list-devs");
  if (aws && list) {
    process.stdout.write(
      `  s3kit iam list-devs (tags, keys and last use: about ${2 + users * 2} calls) is ${(aws.medianMs / list.medianMs).toFixed(1)}× faster than the AWS CLI loop (keys only: ${1 + users} calls, one process each)\n`,
    );
  }
} finally {
  await moto.stop();
}
