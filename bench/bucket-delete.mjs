// `s3kit bucket delete --force` beside `aws s3 rb --force` on buckets with the same
// 10,000 objects, on one local moto server, in one run. Target: s3kit at least 3× faster.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localCredentials, localEnv, root, startMoto } from "../scripts/servers.mjs";
import { hasCommand, median, printTable } from "./lib.mjs";

// The SDK warns about Node 20 on stderr; the figures are what matters here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client } = await import(
  "@aws-sdk/client-s3"
);

const OBJECTS = Number(process.env.OBJECTS ?? 10_000);
const ROUNDS = Number(process.env.RUNS ?? 1);
// moto serves PutObject fastest with a few requests in flight.
const FILL_CONCURRENCY = 8;

if (!hasCommand("aws")) {
  process.stdout.write("(aws CLI not installed: nothing to compare with; skipped)\n");
} else {
  const moto = await startMoto();
  try {
    await run(moto.endpoint);
  } finally {
    await moto.stop();
  }
}

async function run(endpoint) {
  // moto answers 500 now and then when a listing races a delete; both tools get the same
  // extra retries so that such a blip does not end a run.
  const env = { ...process.env, ...localEnv(endpoint), AWS_MAX_ATTEMPTS: "10" };
  // The AWS CLI needs path-style addressing for a local endpoint.
  const config = join(mkdtempSync(join(tmpdir(), "s3kit-bench-")), "config");
  writeFileSync(config, "[default]\ns3 =\n    addressing_style = path\n");
  const awsEnv = { ...env, AWS_CONFIG_FILE: config };
  const s3 = new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: localCredentials,
  });

  const samples = { s3kit: [], aws: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const s3kitBucket = `bench-s3kit-${round}-${Date.now().toString(36)}`;
    const awsBucket = `bench-awscli-${round}-${Date.now().toString(36)}`;
    const started = Date.now();
    await fill(s3, s3kitBucket);
    await fill(s3, awsBucket);
    process.stdout.write(
      `round ${round}: filled two buckets with ${OBJECTS.toLocaleString("en-US")} objects each in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // Alternate which tool goes first, so a warm server favours neither.
    const jobs = [
      () =>
        samples.s3kit.push(
          time(
            "s3kit",
            [
              process.execPath,
              join(root, "bin", "s3kit"),
              "bucket",
              "delete",
              s3kitBucket,
              "--force",
              "--yes",
            ],
            env,
          ),
        ),
      () =>
        samples.aws.push(
          time(
            "aws",
            ["aws", "--endpoint-url", endpoint, "s3", "rb", `s3://${awsBucket}`, "--force"],
            awsEnv,
          ),
        ),
    ];
    if (round % 2 === 0) jobs.reverse();
    for (const job of jobs) job();
    for (const bucket of [s3kitBucket, awsBucket]) {
      if (await exists(s3, bucket)) throw new Error(`${bucket} still exists after the delete`);
    }
  }

  const rows = [
    { name: "aws s3 rb --force", medianMs: median(samples.aws), minMs: Math.min(...samples.aws) },
    {
      name: "s3kit bucket delete --force",
      medianMs: median(samples.s3kit),
      minMs: Math.min(...samples.s3kit),
    },
  ];
  printTable(
    `Delete a bucket with ${OBJECTS.toLocaleString("en-US")} objects on moto (${ROUNDS} round${ROUNDS === 1 ? "" : "s"})`,
    rows,
    "aws s3 rb --force",
  );
  const speedup = rows[0].medianMs / rows[1].medianMs;
  process.stdout.write(
    `  s3kit is ${speedup.toFixed(1)}× faster than the AWS CLI; target ≥ 3×: ${speedup >= 3 ? "met" : "NOT met"}\n`,
  );
}

function time(name, cmd, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd[0], cmd.slice(1), { env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${name} exited ${result.status}: ${result.stderr.slice(-500)}`);
  }
  return ms;
}

async function fill(s3, bucket) {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  let next = 0;
  const worker = async () => {
    while (next < OBJECTS) {
      const i = next++;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `data/${String(i % 100).padStart(2, "0")}/object-${String(i).padStart(6, "0")}.txt`,
          Body: `object ${i}\n`,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
}

async function exists(s3, bucket) {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if (err.$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}
