// The demo's story on MinIO, the S3-compatible server teams run locally: a bucket with the
// safe defaults MinIO supports (and the ones it does not, named), a developer whose key
// MinIO itself limits to a prefix, uploads, presigned URLs checked by MinIO, offboarding.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { localCredentials, localEnv, startMinio } from "../servers.mjs";
import { dim, expectCode, finish, narrator, parseDotenv, showDotenv } from "./narration.mjs";

const started = Date.now();
const bucket = "demo-app-uploads";
const scratch = mkdtempSync(join(tmpdir(), "s3kit-demo-minio-"));
const envFile = join(scratch, ".env");
const minio = await startMinio();
// The administrator is MinIO's root user; everyone else gets only what a policy grants.
const adminEnv = { ...process.env, ...localEnv(minio.endpoint) };
const { step, action, quietly, failures } = narrator({ cwd: scratch, adminEnv: () => adminEnv });

const developerPolicyArgs = [
  "policy",
  "generate",
  "--bucket",
  bucket,
  "--access",
  "read-write",
  "--prefix",
  "uploads/",
];

/**
 * A key limited to exactly `policy`, from MinIO's STS AssumeRole (a session policy), for an
 * s3kit that cannot manage MinIO users: MinIO enforces it as it would a user's policy.
 */
async function sessionKey(policy) {
  const sts = new STSClient({
    region: "us-east-1",
    endpoint: minio.endpoint,
    credentials: localCredentials,
  });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::000000000000:role/demo-developer",
        RoleSessionName: "alice",
        DurationSeconds: 900,
        Policy: policy,
      }),
    );
    return `AWS_ACCESS_KEY_ID=${c.AccessKeyId}\nAWS_SECRET_ACCESS_KEY=${c.SecretAccessKey}\nAWS_SESSION_TOKEN=${c.SessionToken}\n`;
  } finally {
    sts.destroy();
  }
}

try {
  process.stdout.write(
    `Local MinIO: ${minio.endpoint} (its root user plays the administrator).\n` +
      "Every command below runs the real s3kit binary against it, and MinIO enforces who may do what.\n",
  );

  step(
    "Who am I?",
    "MinIO has no STS GetCallerIdentity, so s3kit shows what it can and proves the keys with a signed S3 request.",
    ["whoami"],
    expectCode(0, (r) =>
      r.stdout.includes("not available") && r.stdout.includes("valid: the endpoint accepted")
        ? undefined
        : "the keys were not proven",
    ),
  );

  step(
    "A bucket with safe defaults and CORS for the frontend",
    "The same command as on AWS. MinIO lacks some settings: s3kit applies the rest, names each one it does\nnot support with what that means for safety, and exits 0 (--strict would make them an error).",
    ["bucket", "create", bucket, "--cors-origin", "http://localhost:3000"],
    expectCode(0, (r) =>
      r.stderr.includes(`Created bucket ${bucket}`) &&
      r.stderr.includes("not supported by this endpoint: public access block")
        ? undefined
        : "no creation, or the gaps were not named",
    ),
  );

  step(
    "What does the bucket have?",
    "Every setting read back; what MinIO does not implement says so.",
    ["bucket", "info", bucket],
    expectCode(0, (r) =>
      r.stdout.includes("not supported by this endpoint") ? undefined : "no gap shown",
    ),
  );

  const generated = step(
    "A least-privilege policy",
    "Exactly the actions read-write needs, objects limited to uploads/, listing limited with s3:prefix.",
    developerPolicyArgs,
    expectCode(0, (r) =>
      r.stdout.includes(`arn:aws:s3:::${bucket}/uploads/*`)
        ? undefined
        : "the object resource is missing",
    ),
  );

  // Whether this s3kit manages MinIO users shows from the endpoint's answer to a read-only
  // listing, as s3kit itself learns what an endpoint supports.
  const userManagement = quietly(["iam", "list-devs"]);
  const managesUsers = userManagement.code === 0;
  writeFileSync(envFile, "DEBUG=true\nDATABASE_URL=postgres://localhost/app\n");
  if (managesUsers) {
    step(
      "Onboard a developer",
      "A MinIO user alice, the policy above (through a group), and an access key merged into the app's .env\n(mode 0600, the other lines kept).",
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
        ".env",
      ],
      expectCode(0, () => {
        const mode = statSync(envFile).mode & 0o777;
        const text = readFileSync(envFile, "utf8");
        if (mode !== 0o600) return `.env has mode ${mode.toString(8)}`;
        return text.startsWith("DEBUG=true\n") && /AWS_ACCESS_KEY_ID=\S+/.test(text)
          ? undefined
          : ".env does not hold the new key next to its old lines";
      }),
    );
  } else {
    const why = (userManagement.stderr.split("\n")[0] ?? "").replace(/^error: /, "");
    await action(
      "A key for the developer",
      `This s3kit does not manage MinIO users (\`iam list-devs\` answered exit ${userManagement.code}: ${why}).\nSo alice's key comes from MinIO's STS AssumeRole with the policy above as its session policy:\nMinIO enforces it exactly as it would her user's policy.`,
      undefined,
      async () => {
        if (generated.code !== 0) return "no policy to give the key";
        writeFileSync(
          envFile,
          readFileSync(envFile, "utf8") + (await sessionKey(generated.stdout)),
        );
      },
    );
  }
  const dotenv = readFileSync(envFile, "utf8");
  showDotenv(dotenv);
  const vars = parseDotenv(dotenv);
  const aliceEnv = {
    ...adminEnv,
    AWS_ACCESS_KEY_ID: vars.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: vars.AWS_SECRET_ACCESS_KEY,
    ...(vars.AWS_SESSION_TOKEN ? { AWS_SESSION_TOKEN: vars.AWS_SESSION_TOKEN } : {}),
  };

  writeFileSync(join(scratch, "avatar.png"), "not really a png\n");
  step(
    "Alice uploads with her key",
    "Under uploads/, where her policy allows it.",
    ["cp", "avatar.png", `s3://${bucket}/uploads/avatar.png`],
    expectCode(0),
    { env: aliceEnv, as: "alice" },
  );

  step(
    "Outside her prefix, MinIO says no",
    "The same key, another prefix: MinIO itself refuses it (exit 4), not s3kit.",
    ["cp", "avatar.png", `s3://${bucket}/private/avatar.png`],
    expectCode(4, (r) => (/Access Denied/i.test(r.stderr) ? undefined : "not an access denial")),
    { env: aliceEnv, as: "alice" },
  );

  const presign = step(
    "Presign an upload for the browser",
    "A URL that lets whoever holds it PUT this one object for 15 minutes, signed locally with alice's key.\nThe Content-Type is signed too: the upload must send exactly that header.",
    [
      "presign",
      "put",
      `s3://${bucket}/uploads/hello.txt`,
      "--content-type",
      "text/plain",
      "--expires",
      "15m",
      "--curl",
      "hello.txt",
    ],
    expectCode(0, (r) =>
      r.stdout.includes("X-Amz-Signature=") && !/x-id=|x-amz-checksum/i.test(r.stdout)
        ? undefined
        : "not a clean presigned URL",
    ),
    { env: aliceEnv, as: "alice" },
  );
  writeFileSync(join(scratch, "hello.txt"), "hello from a browser\n");
  const url = presign.stdout.match(/'(http[^']+)'/)?.[1];
  await action(
    "Upload with curl, no credentials",
    "What the browser does with the URL. MinIO checks the signature, the signed header and the expiry.",
    "curl -X PUT -T hello.txt -H 'Content-Type: text/plain' \"$URL\"",
    async () => {
      if (!url) return "no URL in the presign output";
      const res = await fetch(url, {
        method: "PUT",
        body: readFileSync(join(scratch, "hello.txt")),
        headers: { "content-type": "text/plain" },
      });
      process.stdout.write(`HTTP ${res.status}\n`);
      const wrongType = await fetch(url, {
        method: "PUT",
        body: "<html>",
        headers: { "content-type": "text/html" },
      });
      process.stdout.write(
        `${dim(`The same URL with Content-Type text/html: HTTP ${wrongType.status} (the signature covers the type)`)}\n`,
      );
      if (!res.ok) return `HTTP ${res.status}`;
      return wrongType.status === 403 ? undefined : `the wrong type got HTTP ${wrongType.status}`;
    },
  );

  const outside = step(
    "A URL outside her prefix",
    "s3kit signs it (signing needs no request), but the URL carries alice's rights: MinIO refuses it.",
    ["presign", "put", `s3://${bucket}/private/x.txt`],
    expectCode(0),
    { env: aliceEnv, as: "alice" },
  );
  await action(
    "Try it",
    "MinIO checks alice's rights for every request the URL makes.",
    'curl -X PUT -d x "$URL"',
    async () => {
      const res = await fetch(outside.stdout.trim(), { method: "PUT", body: "x" });
      process.stdout.write(`HTTP ${res.status}\n`);
      return res.status === 403 ? undefined : `expected HTTP 403, got ${res.status}`;
    },
  );

  step(
    "List what is there",
    "Human sizes; --json streams JSON lines for scripts. Listing is allowed under uploads/ only.",
    ["ls", `s3://${bucket}/uploads/`, "--human"],
    expectCode(0, (r) =>
      r.stdout.includes("hello.txt") && r.stdout.includes("avatar.png")
        ? undefined
        : "an upload is missing",
    ),
    { env: aliceEnv, as: "alice" },
  );

  step(
    "Audit the bucket",
    "Findings against best practice; what MinIO cannot do is listed apart (n/a), not as findings.",
    ["bucket", "audit", bucket],
    expectCode(0, (r) => (r.stdout.includes("n/a") ? undefined : "no n/a entries")),
  );

  if (managesUsers) {
    step(
      "Offboard",
      "Keys first (they stop working at once), then the group membership and the user.",
      ["iam", "remove-dev", "alice", "--yes"],
      expectCode(0),
    );
    step(
      "The old key is rejected",
      "MinIO no longer knows it: exit 4.",
      ["ls", `s3://${bucket}/uploads/`],
      expectCode(4),
      { env: aliceEnv, as: "alice" },
    );
  } else {
    process.stdout.write(
      `\n${dim("Offboarding (`s3kit iam remove-dev alice`) needs MinIO user management; alice's session key expires by itself in 15 minutes.")}\n`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await minio.stop();
}

finish(started, failures());
