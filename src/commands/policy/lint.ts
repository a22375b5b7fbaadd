import { lintFailed, lintPolicyFiles, type PolicyLintReport } from "../../core/access/lint.js";
import { ExitCode } from "../../core/errors.js";
import { readStdinText } from "../../io/input.js";
import type { Style } from "../../io/style.js";
import { defineCommand } from "../context.js";
import { bucket } from "../options/common.js";
import { choice, declareOptions, flag, type OptionsOf } from "../options/spec.js";

const options = {
  bucket: bucket.describe('the bucket the policies are for: flags other buckets and "*"'),
  kind: choice(
    "--kind",
    "kind",
    "identity policy or bucket (resource) policy (default: a bucket policy when statements have a Principal)",
    ["identity", "resource"],
  ),
  strict: flag("--strict", "exit 6 on warnings too"),
};

type Options = OptionsOf<typeof options>;

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
  notes: [
    'Also: not a policy, an invalid Effect, a missing Action or Resource, actions without a service prefix, unknown actions (with "did you mean"), another bucket than --bucket, Principal in an identity policy, a bucket policy statement without Principal, invalid Sids, unknown condition operators, condition keys the action does not support, malformed ARNs.',
    "A policy larger than AWS accepts is a warning (IAM counts characters without white space): 6,144 for a managed policy, 2,048 for all inline policies of a user, 5,120 of a group, 10,240 of a role; S3 takes a bucket policy of up to 20 KB. JSON nested more than 64 levels deep exits 2 in every policy command.",
    "JSON: {files: [{file, kind, kindGiven, findings: [{rule, severity, path, line, column, message, fix}]}], errors, warnings}.",
  ],
  configure(cmd) {
    cmd
      .description(
        'Check IAM policy files offline: invalid JSON (line and column), unknown actions, object actions on the bucket ARN only (missing /*) and the reverse, Resource "*" and s3:*, NotAction/NotResource with Allow, missing or old Version, Principal "*" without a condition in a bucket policy, duplicate Sids. Each finding has a rule id, a severity, where it is (Statement[1].Resource[0], line:column) and the fix. Exits 6 when there is an error (with --strict also on warnings), 3 when a file is missing.',
      )
      .argument("<file...>", "policy files (JSON); - reads standard input");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const report = await lintPolicyFiles(
      args[0] as string[],
      {
        ...(opts.bucket !== undefined ? { bucket: opts.bucket } : {}),
        ...(opts.kind !== undefined ? { kind: opts.kind } : {}),
      },
      { cwd: ctx.cwd, readStdin: () => readStdinText(ctx.out.streams) },
    );

    ctx.out.result(report, (r) => render(r, ctx.out.style));
    const summary = `${plural(report.errors, "error")}, ${plural(report.warnings, "warning")} in ${plural(report.files.length, "file")}.`;
    const failed = lintFailed(report, opts.strict === true);
    if (report.errors === 0 && report.warnings === 0) {
      ctx.out.success(
        `No findings in ${report.files.length === 1 ? report.files[0]?.file : plural(report.files.length, "file")}.`,
      );
    } else ctx.out.info(summary);
    return failed ? ExitCode.checkFailed : undefined;
  },
});
