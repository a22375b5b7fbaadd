// `npm run local`: start a local S3-compatible server and print how to point s3kit at it.
//   npm run local                  moto server (S3, IAM and STS) on 127.0.0.1:5000
//   npm run local -- --minio       MinIO on 127.0.0.1:9000 (its root user's keys)
//   npm run local -- --versitygw   versitygw on 127.0.0.1:7070
// PORT=NNNN picks another port.
import { localEnv, startMinio, startMoto, startVersitygw } from "./servers.mjs";

const SERVERS = {
  moto: {
    start: startMoto,
    port: 5000,
    what: "moto server is running at ENDPOINT (S3, IAM and STS)",
    tryThis: "./bin/s3kit whoami",
  },
  minio: {
    start: startMinio,
    port: 9000,
    what: "MinIO is running at ENDPOINT (the keys below are its root user's; it enforces every other user's policies)",
    tryThis: "./bin/s3kit bucket create my-app-uploads",
  },
  versitygw: {
    start: startVersitygw,
    port: 7070,
    what: "versitygw is running at ENDPOINT (it verifies every signature, presigned URLs included)",
    tryThis: "./bin/s3kit bucket create my-app-uploads",
  },
};

const flags = process.argv.slice(2);
const chosen = flags.map((f) => f.replace(/^--/, ""));
const unknown = chosen.filter((name) => !(name in SERVERS));
if (unknown.length > 0 || chosen.length > 1) {
  process.stderr.write(
    `${unknown.length > 0 ? `Unknown option --${unknown[0]}` : "Choose one server"}. Usage: npm run local [-- --minio | --versitygw]\n`,
  );
  process.exit(2);
}
const server = SERVERS[chosen[0] ?? "moto"];
const port = process.env.PORT ? Number(process.env.PORT) : server.port;
const running = await server.start({ port });
const env = localEnv(running.endpoint);
process.stdout.write(
  `${server.what.replace("ENDPOINT", running.endpoint)}. In another shell:\n\n${Object.entries(env)
    .map(([k, v]) => `export ${k}=${v}`)
    .join("\n")}\n\nthen try: ${server.tryThis}\nPress Ctrl-C to stop.\n`,
);
const stop = async () => {
  await running.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
