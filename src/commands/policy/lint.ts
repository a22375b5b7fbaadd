import { Option } from "commander";
import { ExitCode, UsageError } from "../../core/errors.js";
import { readPolicySource } from "../../core/policy-files.js";
import {
  type LintTarget,
  lintPolicySources,
  type PolicyLintReport,
} from "../../core/policy-lint.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { readStdinText } from "../../io/input.js";
import type { Style } from "../../io/style.js";
import { defineCommand } from "../context.js";

interface Options {
  bucket?: string;
  kind?: "identity" | "resource";
  strict?: boolean;
}

function render(report: PolicyLintReport, style: Style): string {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const where = f.line !== undefined ? `${file.file}:${f.line}:${f.column}` : file.file;
      const severity = f.severity === "error" ? style.red("error") : style.yellow("warning");
      const path = f.path ? `${f.path}: ` : "";
      lines.push(`${where}: ${severity}: ${path}${f.message} ${style.dim(`[${f.rule}]`)}`);
      lines.push(`    fix: ${f.fix}`);
    }
  }
  return lines.join("\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export default defineCommand<Options>({
  examples: [
    "s3kit policy lint policy.json",
    "s3kit policy lint --bucket my-app-uploads policy.json bucket-policy.json",
    "s3kit policy generate --bucket my-app-uploads --access read | s3kit policy lint -",
    "s3kit policy lint --strict --json policies/*.json",
  ],
  configure(cmd) {
    cmd
      .description(
        'Check IAM policy files offline: invalid JSON (line and column), unknown\nactions, object actions on the bucket ARN only (missing /*) and the reverse,\nResource "*" and s3:*, NotAction/NotResource with Allow, missing or old\nVersion, Principal "*" without a condition in a bucket policy, duplicate Sids.\nEach finding has a rule id, a severity, where it is (Statement[1].Resource[0],\nline:column) and the fix. Exits 6 when there is an error (with --strict also\non warnings), 3 when a file is missing.',
      )
      .argument("<file...>", "policy files (JSON); - reads standard input")
      .option("--bucket <name>", 'the bucket the policies are for: flags other buckets and "*"')
      .addOption(
        new Option(
          "--kind <kind>",
          "identity policy or bucket (resource) policy (default: a bucket policy when statements have a Principal)",
        ).choices(["identity", "resource"]),
      )
      .option("--strict", "exit 6 on warnings too");
  },
  async run(ctx, args, opts) {
    const files = args[0] as string[];
    if (opts.bucket !== undefined) assertValidBucketName(opts.bucket);
    if (files.filter((f) => f === "-").length > 1) {
      throw new UsageError("Standard input (-) can be given only once.");
    }
    const readOptions = { cwd: ctx.cwd, readStdin: () => readStdinText(ctx.out.streams) };
    const targets: LintTarget[] = [];
    for (const file of files) targets.push(await readPolicySource(file, readOptions));
    const report = await lintPolicySources(targets, {
      ...(opts.bucket !== undefined ? { bucket: opts.bucket } : {}),
      ...(opts.kind !== undefined ? { kind: opts.kind } : {}),
    });

    ctx.out.result(report, (r) => render(r, ctx.out.style));
    const summary = `${plural(report.errors, "error")}, ${plural(report.warnings, "warning")} in ${plural(report.files.length, "file")}.`;
    const failed = report.errors > 0 || (opts.strict === true && report.warnings > 0);
    if (report.errors === 0 && report.warnings === 0) {
      ctx.out.success(
        `No findings in ${report.files.length === 1 ? report.files[0]?.file : plural(report.files.length, "file")}.`,
      );
    } else ctx.out.info(summary);
    return failed ? ExitCode.checkFailed : undefined;
  },
});
