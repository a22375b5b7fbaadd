// The demo's story on moto server (S3, IAM and STS in one process, IAM access control on):
// bucket, policy, developer, uploads, a broken policy found and fixed, offboarding.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAccessKeyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { localCredentials, localEnv, startMoto } from "../servers.mjs";
import { expectCode, finish, narrator, parseDotenv, showDotenv } from "./narration.mjs";

const started = Date.now();
const bucket = "demo-app-uploads";
const scratch = mkdtempSync(join(tmpdir(), "s3kit-demo-"));
const envFile = join(scratch, ".env");
const moto = await startMoto();
let adminEnv;
const { step, action, failures } = narrator({ cwd: scratch, adminEnv: () => adminEnv });

// The local server starts empty. Like a real account, it gets an administrator (an IAM user
// allowed everything) and then checks every request against IAM policies: so a broken
// policy really breaks an upload, and fixing it really fixes it.
const iam = new IAMClient({
  region: "us-east-1",
  endpoint: moto.endpoint,
  credentials: localCredentials,
});
await iam.send(new CreateUserCommand({ UserName: "admin" }));
await iam.send(
  new PutUserPolicyCommand({
    UserName: "admin",
    PolicyName: "administrator",
    PolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    }),
  }),
);
const adminKey = (await iam.send(new CreateAccessKeyCommand({ UserName: "admin" }))).AccessKey;
adminEnv = {
  ...process.env,
  ...localEnv(moto.endpoint),
  AWS_ACCESS_KEY_ID: adminKey.AccessKeyId,
  AWS_SECRET_ACCESS_KEY: adminKey.SecretAccessKey,
};
const enforce = await fetch(`${moto.endpoint}/moto-api/reset-auth`, {
  method: "POST",
  headers: { "content-type": "text/plain" },
  body: "0",
});
if (!enforce.ok)
  throw new Error(`could not switch on moto's access control (HTTP ${enforce.status})`);

try {
  process.stdout.write(
    `Local S3/IAM/STS endpoint (moto server, access control on): ${moto.endpoint}\n` +
      `Every command below runs the real s3kit binary against it.\n`,
  );

  step(
    "Who am I?",
    "The account and identity s3kit acts as, the region and endpoint, and where the credentials came from.",
    ["whoami"],
    expectCode(0, (r) => (r.stdout.includes("user/admin") ? undefined : "not the admin user")),
  );

  step(
    "A bucket with safe defaults and CORS for the frontend",
    "One command instead of a console checklist: public access blocked, ACLs off, SSE-S3, stale multipart\nuploads cleaned up, CORS for the browser app. (On AWS it also adds an HTTPS-only policy; this local\nendpoint is plain HTTP, so s3kit says why it leaves that out.) Running it again changes nothing.",
    ["bucket", "create", bucket, "--cors-origin", "http://localhost:3000"],
    expectCode(0, (r) =>
      r.stderr.includes(`Created bucket ${bucket}`) ? undefined : "no creation reported",
    ),
  );

  step(
    "What does the bucket have?",
    "Every setting, read back; what is not set shows as absent.",
    ["bucket", "info", bucket],
    expectCode(0, (r) =>
      r.stdout.includes("http://localhost:3000") ? undefined : "no CORS rule shown",
    ),
  );

  step(
    "A least-privilege policy",
    "Exactly the actions read-write needs, objects limited to uploads/, listing limited with s3:prefix.",
    ["policy", "generate", "--bucket", bucket, "--access", "read-write", "--prefix", "uploads/"],
    expectCode(0, (r) =>
      JSON.stringify(JSON.parse(r.stdout)).includes(`arn:aws:s3:::${bucket}/uploads/*`)
        ? undefined
        : "the object resource is missing",
    ),
  );

  writeFileSync(envFile, "DEBUG=true\nDATABASE_URL=postgres://localhost/app\n");
  step(
    "Onboard a developer",
    "That policy (through a group), the IAM user alice, and an access key merged into the app's .env\n(mode 0600, the other lines kept). Re-running converges and creates no second key.",
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
      return text.startsWith("DEBUG=true\n") && /AWS_ACCESS_KEY_ID=AKIA/.test(text)
        ? undefined
        : ".env does not hold the new key next to its old lines";
    }),
  );
  const dotenv = readFileSync(envFile, "utf8");
  showDotenv(dotenv);
  const vars = parseDotenv(dotenv);
  const aliceEnv = {
    ...adminEnv,
    AWS_ACCESS_KEY_ID: vars.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: vars.AWS_SECRET_ACCESS_KEY,
  };

  writeFileSync(join(scratch, "avatar.png"), "not really a png\n");
  step(
    "Alice uploads with her new key",
    "cp picks the content type from the file name; downloads are verified and written atomically.",
    ["cp", "avatar.png", `s3://${bucket}/uploads/avatar.png`],
    expectCode(0),
    { env: aliceEnv, as: "alice" },
  );

  const presign = step(
    "Presign an upload for the browser",
    "A URL that lets whoever holds it PUT this one object for 15 minutes, signed locally with no API call.\nThe Content-Type is signed too: the upload must send exactly that header.",
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
    "What the browser does with the URL. (moto does not check presigned signatures with access control\non, so this one request goes through with it off; s3kit's tests check the signatures against versitygw.)",
    "curl -X PUT -T hello.txt -H 'Content-Type: text/plain' \"$URL\"",
    async () => {
      if (!url) return "no URL in the presign output";
      await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: "POST", body: "1" });
      const res = await fetch(url, {
        method: "PUT",
        body: readFileSync(join(scratch, "hello.txt")),
        headers: { "content-type": "text/plain" },
      });
      process.stdout.write(`HTTP ${res.status}\n`);
      return res.ok ? undefined : `HTTP ${res.status}`;
    },
  );

  step(
    "List what is there",
    "Human sizes; --json streams JSON lines for scripts.",
    ["ls", `s3://${bucket}/uploads/`, "--human"],
    expectCode(0, (r) =>
      r.stdout.includes("hello.txt") && r.stdout.includes("avatar.png")
        ? undefined
        : "an upload is missing",
    ),
  );

  // Someone "simplifies" the policy in the console: the object actions on the bucket ARN only.
  const policyName = `s3kit-${bucket}-read-write-uploads`;
  const broken = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
      {
        Sid: "Objects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: `arn:aws:s3:::${bucket}`,
      },
    ],
  };
  await action(
    "Someone edits the policy in the console",
    `A new default version of ${policyName} grants the object actions on the bucket ARN only.`,
    undefined,
    async () => {
      const admin = new IAMClient({
        region: "us-east-1",
        endpoint: moto.endpoint,
        credentials: {
          accessKeyId: adminKey.AccessKeyId,
          secretAccessKey: adminKey.SecretAccessKey,
        },
      });
      await admin.send(
        new CreatePolicyVersionCommand({
          PolicyArn: `arn:aws:iam::123456789012:policy/s3kit/${policyName}`,
          SetAsDefault: true,
          PolicyDocument: JSON.stringify(broken),
        }),
      );
      writeFileSync(join(scratch, "policy.json"), `${JSON.stringify(broken, null, 2)}\n`);
    },
  );

  step(
    "Alice's next upload fails",
    "AccessDenied is exit 4, and the hint says where to look.",
    ["cp", "avatar.png", `s3://${bucket}/uploads/avatar-2.png`],
    expectCode(4),
    { env: aliceEnv, as: "alice" },
  );

  step(
    "Caught offline, before it ships",
    "policy lint finds the mistake in the file, with line and column; no AWS call.",
    ["policy", "lint", "policy.json"],
    expectCode(6, (r) =>
      r.stdout.includes("action-resource-mismatch") ? undefined : "no finding",
    ),
  );

  const debugArgs = [
    "policy",
    "debug",
    "--user",
    "alice",
    "--bucket",
    bucket,
    "--key",
    "uploads/avatar-2.png",
    "--action",
    "s3:PutObject",
    "s3:GetObject",
  ];
  step(
    "Why was alice denied?",
    "alice's live policies (through her group) and the bucket's settings, each action evaluated: the deciding\nstatement, the diagnosis and the fix. --expect allow makes it a CI check (exit 6).",
    [...debugArgs, "--expect", "allow"],
    expectCode(6, (r) =>
      r.stdout.includes(`arn:aws:s3:::${bucket}/uploads/*`)
        ? undefined
        : "the missing /uploads/* is not named",
    ),
  );

  step(
    "Fix it",
    "The smallest change (add the missing /uploads/*, the prefix the policy's name says, not the whole\nbucket) as a diff; --apply writes a new default policy version, reads it back and evaluates again.",
    [
      "policy",
      "fix",
      "--user",
      "alice",
      "--bucket",
      bucket,
      "--key",
      "uploads/avatar-2.png",
      "--action",
      "s3:PutObject",
      "s3:GetObject",
      "--apply",
    ],
    expectCode(0, (r) => (r.stdout.includes("→ allowed") ? undefined : "no action became allowed")),
  );

  step(
    "The upload works again",
    "Same key, same command.",
    ["cp", "avatar.png", `s3://${bucket}/uploads/avatar-2.png`],
    expectCode(0),
    { env: aliceEnv, as: "alice" },
  );

  step(
    "Offboard",
    "Keys first (they stop working at once), then group memberships and the user.",
    ["iam", "remove-dev", "alice", "--yes"],
    expectCode(0),
  );

  step(
    "The old key is rejected",
    "Invalid credentials are exit 4 too.",
    ["ls", `s3://${bucket}/uploads/`],
    expectCode(4),
    { env: aliceEnv, as: "alice" },
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await moto.stop();
}

finish(started, failures());
