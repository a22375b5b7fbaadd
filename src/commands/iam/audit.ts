import { DEFAULT_POOL_CONCURRENCY, parseConcurrency } from "../../core/concurrency.js";
import { ExitCode } from "../../core/errors.js";
import {
  AUDIT_FINDINGS,
  type AuditFinding,
  auditIam,
  DEFAULT_MAX_KEY_AGE_DAYS,
  DEFAULT_MAX_UNUSED_DAYS,
  parseDays,
  parseFailOn,
  SEVERITIES,
  type Severity,
} from "../../core/iam/audit.js";
import { requireAwsIam } from "../../core/iam/backend.js";
import { defineCommand } from "../context.js";
import { iamConcurrency } from "../options/iam.js";
import { declareOptions, flag, type OptionsOf, repeatable, value } from "../options/spec.js";

const options = {
  maxKeyAge: value("--max-key-age", "days", "oldest acceptable key age in days").default(
    String(DEFAULT_MAX_KEY_AGE_DAYS),
  ),
  maxUnused: value(
    "--max-unused",
    "days",
    "longest acceptable time since a key was used, in days",
  ).default(String(DEFAULT_MAX_UNUSED_DAYS)),
  failOn: repeatable(
    "--fail-on",
    "what",
    `exit 6 on findings of this severity or worse (${SEVERITIES.join(", ")}) or with these ids (repeatable, comma-separated)`,
  ),
  s3kitOnly: flag("--s3kit-only", "only the users s3kit manages (path /s3kit/)"),
  concurrency: iamConcurrency,
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit iam audit",
    "s3kit iam audit --max-key-age 60 --fail-on high       # in CI: exit 6 on high findings",
    "s3kit iam audit --s3kit-only --fail-on key-too-old,inactive-key --json",
  ],
  notes: [
    "All users of the account (--s3kit-only: those under /s3kit/). key-never-used is low in the key's first week. wildcard-access is an Allow of * or s3:* on * without conditions, in the user's own, inline or group policies.",
    "JSON: {users, keys, maxKeyAgeDays, maxUnusedDays, findings: [{id, severity, user, key, message, fix}], ok}.",
  ],
  configure(cmd) {
    cmd.description(
      `Audit the account's IAM users: access keys older than --max-key-age days (high), active keys never used or unused for --max-unused days (medium), inactive keys left behind (low), and users allowed * or s3:* on * (high). With --fail-on, exits 6 when a finding matches. Findings: ${AUDIT_FINDINGS.join(", ")}.`,
    );
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    const maxKeyAgeDays = parseDays("--max-key-age", opts.maxKeyAge);
    const maxUnusedDays = parseDays("--max-unused", opts.maxUnused);
    const fails = opts.failOn.length > 0 ? parseFailOn(opts.failOn) : undefined;
    const concurrency = parseConcurrency(opts.concurrency, DEFAULT_POOL_CONCURRENCY);
    const aws = await ctx.aws();
    await requireAwsIam(
      aws,
      "iam audit",
      "list MinIO's developers and their keys with `s3kit iam list-devs`.",
    );
    const report = await auditIam(aws, {
      maxKeyAgeDays,
      maxUnusedDays,
      s3kitOnly: opts.s3kitOnly === true,
      concurrency,
      signal: ctx.signal,
      onThrottle: (ms) => ctx.out.debug(`IAM is throttling; pausing ${ms} ms`),
    });
    const failing = fails ? report.findings.filter(fails) : [];
    const { style } = ctx.out;
    const mark: Record<Severity, string> = {
      high: style.red("high  "),
      medium: style.yellow("medium"),
      low: style.dim("low   "),
    };
    ctx.out.result({ ...report, ok: failing.length === 0 }, (r) => {
      const head = `${r.users} user${r.users === 1 ? "" : "s"}, ${r.keys} access key${r.keys === 1 ? "" : "s"} checked.`;
      if (r.findings.length === 0) return `${head} No findings.`;
      const lines = r.findings.map(
        (f: AuditFinding) =>
          `${mark[f.severity]} ${f.id}: ${f.message}\n       ${style.dim(f.fix)}`,
      );
      return `${lines.join("\n")}\n${head} ${r.findings.length} finding${r.findings.length === 1 ? "" : "s"}.`;
    });
    if (failing.length > 0) {
      ctx.out.info(`${failing.length} finding${failing.length === 1 ? "" : "s"} match --fail-on.`);
      return ExitCode.checkFailed;
    }
    return undefined;
  },
});
