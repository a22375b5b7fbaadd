// The external checkers of the --emit output: cfn-lint (from .venv) and terraform fmt
// (only where terraform is installed).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCfnLint } from "../../scripts/servers.mjs";

const dir = mkdtempSync(join(tmpdir(), "s3kit-iac-lint-"));

/** cfn-lint is a Python program: its start, not s3kit, sets the pace of these tests. */
export const CFN_LINT_TIMEOUT = 30_000;

/** cfn-lint's findings for the template (empty when it has none). */
export function cfnLint(template: string): string {
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, template);
  const r = spawnSync(ensureCfnLint(), [file], { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`;
}

/** terraform fmt's diff for the file (empty when it is formatted, or without terraform). */
export function terraformFmt(hcl: string): string {
  if (spawnSync("terraform", ["version"], { stdio: "ignore" }).status !== 0) return "";
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.tf`);
  writeFileSync(file, hcl);
  return execFileSync("terraform", ["fmt", "-check", "-diff", file], {
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
  });
}
