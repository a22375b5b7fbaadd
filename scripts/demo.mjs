// `npm run demo`: the whole s3kit story against a local endpoint that this script starts and
// stops itself, with the real binary; exits non-zero if any step does not do what it says.
//   npm run demo               moto server: S3, IAM and STS, IAM access control on
//   npm run demo -- --minio    MinIO: the S3-compatible server teams run, enforcing access itself

// The SDK (used to play the administrator's setup) warns under Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--minio");
if (unknown.length > 0) {
  process.stderr.write(`Unknown option ${unknown[0]}. Usage: npm run demo [-- --minio]\n`);
  process.exit(2);
}
await import(args.includes("--minio") ? "./demo/minio.mjs" : "./demo/moto.mjs");
