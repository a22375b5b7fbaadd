// The demo's narration: each step shows a command, runs the real binary, prints what it
// printed, and checks that it did what the narration says. Failures are counted.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "../servers.mjs";

const tty = process.stdout.isTTY;
export const bold = (s) => (tty ? `\u001b[1m${s}\u001b[22m` : s);
export const dim = (s) => (tty ? `\u001b[2m${s}\u001b[22m` : s);

/** A shell-style rendering of a command line, for the narration. */
export const shown = (words) =>
  words.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");

export const expectCode = (code, also) => (r) => {
  if (r.code !== code) return `expected exit ${code}, got ${r.code}`;
  return also?.(r);
};

/** A narrator bound to a scratch folder and the administrator's environment. */
export function narrator({ cwd, adminEnv }) {
  let failures = 0;
  const fail = (problem) => {
    failures++;
    process.stdout.write(`✗ step failed: ${problem}\n`);
  };

  function s3kit(args, env) {
    const result = spawnSync(process.execPath, [join(root, "bin", "s3kit"), ...args], {
      env,
      cwd,
      encoding: "utf8",
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Shows the command, its output, and checks that it did what the narration says. */
  function step(title, explanation, args, check, { env = adminEnv(), as } = {}) {
    const who = as ? `${as}$ ` : "$ ";
    process.stdout.write(
      `\n${bold(`▶ ${title}`)}\n${dim(explanation)}\n${who}s3kit ${shown(args)}\n`,
    );
    const result = s3kit(args, env);
    process.stdout.write(result.stdout);
    if (result.stderr) process.stdout.write(dim(result.stderr));
    const problem = check(result);
    if (problem) fail(problem);
    return result;
  }

  /** A step that is not an s3kit command (curl, or the console), checked the same way. */
  async function action(title, explanation, command, run) {
    process.stdout.write(
      `\n${bold(`▶ ${title}`)}\n${dim(explanation)}\n${command ? `$ ${command}\n` : ""}`,
    );
    try {
      const problem = await run();
      if (problem) fail(problem);
    } catch (err) {
      fail(err.message);
    }
  }

  /** Runs s3kit without narrating it (a read-only look the story depends on). */
  const quietly = (args, env = adminEnv()) => s3kit(args, env);

  return { step, action, quietly, failures: () => failures };
}

/** The .env file a developer got, as variables. */
export function parseDotenv(text) {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** Prints the .env with its secret shortened. */
export function showDotenv(text) {
  process.stdout.write(`$ cat .env   ${dim("(secret shortened here)")}\n`);
  process.stdout.write(
    text.replace(
      /^(AWS_SECRET_ACCESS_KEY=|AWS_SESSION_TOKEN=)(.{4}).*$/gm,
      (_m, k, start) => `${k}${start}…`,
    ),
  );
}

export function finish(started, failures) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    failures === 0
      ? `\n${bold(`Demo complete in ${seconds} s: every step did what it said.`)}\n`
      : `\n${failures} step(s) failed.\n`,
  );
  process.exit(failures === 0 ? 0 : 1);
}
