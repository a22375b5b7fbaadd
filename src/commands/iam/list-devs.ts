import { DEFAULT_POOL_CONCURRENCY, parseConcurrency } from "../../core/concurrency.js";
import { listDevelopers } from "../../core/iam/backend.js";
import type { DevEntry, KeyInfo } from "../../core/iam/list.js";
import { renderTable } from "../../io/table.js";
import { defineCommand } from "../context.js";
import { bucket } from "../options/common.js";
import { iamConcurrency } from "../options/iam.js";
import { declareOptions, type OptionsOf } from "../options/spec.js";

const options = {
  bucket: bucket.describe("only those with access to this bucket"),
  concurrency: iamConcurrency,
};

interface Row {
  dev: DevEntry;
  key: KeyInfo | undefined;
}

function lastUsed(key: KeyInfo): string {
  if (key.lastUsedTracked === false) return "n/a";
  if (!key.lastUsed) return "never";
  const days = key.unusedDays ?? 0;
  return days === 0 ? "today" : `${days}d ago`;
}

export default defineCommand<OptionsOf<typeof options>>({
  examples: ["s3kit iam list-devs", "s3kit iam list-devs --bucket my-app-uploads --json"],
  notes: [
    "Users taken over with `add-dev --adopt` are listed too (they keep their path; the managed-by tag tells). On MinIO, users are recognised by their s3kit- policies and groups, and LAST USED is n/a (MinIO records no last use).",
    "The listing follows IAM's pagination (GetAccountAuthorizationDetails, whose pages carry the tags; without that permission, ListUsers and a tag call per user), with --concurrency calls at once and backoff when IAM throttles.",
    "JSON: {devs: [{kind, name, arn, createDate, bucket, access, prefix, grants: [{bucket, access, policyName}], keys: [{id, status, createDate, ageDays, lastUsed, lastUsedService, unusedDays}]}]}.",
  ],
  configure(cmd) {
    cmd.description(
      "List the IAM users and roles s3kit manages (path /s3kit/): bucket, access level, prefix, and each access key (masked) with its status, age and last use.",
    );
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    const concurrency = parseConcurrency(opts.concurrency, DEFAULT_POOL_CONCURRENCY);
    const devs = await listDevelopers(await ctx.aws(), {
      concurrency,
      signal: ctx.signal,
      onThrottle: (ms) => ctx.out.debug(`IAM is throttling; pausing ${ms} ms`),
      ...(opts.bucket ? { bucket: opts.bucket } : {}),
    });
    ctx.out.result({ devs }, ({ devs: list }) => {
      if (list.length === 0) {
        return opts.bucket
          ? `No s3kit developers or roles for ${opts.bucket}.`
          : "No s3kit developers or roles yet; add one with `s3kit iam add-dev NAME --bucket B --access LEVEL`.";
      }
      const rows = list.flatMap((dev): Row[] =>
        dev.keys.length === 0 ? [{ dev, key: undefined }] : dev.keys.map((key) => ({ dev, key })),
      );
      const grant = (d: DevEntry) => {
        const g = opts.bucket ? d.grants.find((x) => x.bucket === opts.bucket) : undefined;
        return { bucket: g?.bucket ?? d.bucket ?? "-", access: g?.access ?? d.access ?? "-" };
      };
      return renderTable(rows, [
        { header: "NAME", value: (r) => r.dev.name },
        { header: "TYPE", value: (r) => r.dev.kind },
        {
          header: "BUCKET",
          value: (r) =>
            grant(r.dev).bucket +
            (r.dev.grants.length > 1 && !opts.bucket ? ` (+${r.dev.grants.length - 1})` : ""),
        },
        { header: "ACCESS", value: (r) => grant(r.dev).access },
        { header: "PREFIX", value: (r) => r.dev.prefix ?? "-" },
        { header: "KEY", value: (r) => r.key?.id ?? "-" },
        { header: "STATUS", value: (r) => r.key?.status.toLowerCase() ?? "-" },
        {
          header: "AGE",
          value: (r) => (r.key?.ageDays != null ? `${r.key.ageDays}d` : "-"),
          align: "right",
        },
        { header: "LAST USED", value: (r) => (r.key ? lastUsed(r.key) : "-") },
      ]);
    });
    return undefined;
  },
});
