// `npm run local`: start moto server (S3, IAM, STS) and print how to point s3kit at it.
import { localEnv, startMoto } from "./servers.mjs";

const port = process.env.PORT ? Number(process.env.PORT) : 5000;
const moto = await startMoto({ port });
const env = localEnv(moto.endpoint);
process.stdout.write(
  `moto server is running at ${moto.endpoint} (S3, IAM and STS). In another shell:\n\n${Object.entries(
    env,
  )
    .map(([k, v]) => `export ${k}=${v}`)
    .join("\n")}\n\nthen try: ./bin/s3kit whoami\nPress Ctrl-C to stop.\n`,
);
const stop = async () => {
  await moto.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
