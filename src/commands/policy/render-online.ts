// The human rendering of an online `policy debug` report: who and what was read, the
// bucket's settings, then each action as offline (decision, deciding statement,
// diagnoses and fixes) with IAM's simulator and the probe beside it.

import type { OnlineDebugReport } from "../../core/access/debug-online.js";
import { type Style, symbols } from "../../io/style.js";
import { renderDebugReport } from "./render-debug.js";

function describeBucket(r: OnlineDebugReport): string {
  const b = r.bucket;
  if (b.status === "missing") return `${b.name}: does not exist`;
  if (b.status === "forbidden") return `${b.name}: exists (its settings could not be read)`;
  const parts = [`region ${b.region ?? "(not reported)"}`];
  if (b.encryption) {
    parts.push(
      b.encryption.type === "SSE-KMS"
        ? `SSE-KMS (${b.encryption.kmsKeyArn})`
        : b.encryption.type === "SSE-S3"
          ? "SSE-S3"
          : "no default encryption",
    );
  }
  if (b.publicAccessBlock !== undefined) {
    const pab = b.publicAccessBlock;
    const on = pab
      ? [
          pab.BlockPublicAcls,
          pab.IgnorePublicAcls,
          pab.BlockPublicPolicy,
          pab.RestrictPublicBuckets,
        ].filter(Boolean).length
      : 0;
    parts.push(on === 4 ? "public access blocked" : `public-access block ${on} of 4 on`);
  }
  if (b.policy) {
    const n = Array.isArray(b.policy.Statement) ? b.policy.Statement.length : 1;
    parts.push(`bucket policy (${n} statement${n === 1 ? "" : "s"})`);
  } else if (b.status === "exists") parts.push("no bucket policy");
  const owner = b.owner;
  if (owner?.source === "other-account") parts.push("owned by another account");
  else if (owner?.source === "given" || owner?.source === "confirmed") {
    parts.push(
      `owned by account ${owner.accountId}${owner.source === "given" ? " (--bucket-account)" : ""}`,
    );
  }
  return `${b.name}: ${b.status === "other-region" ? "in another region, " : ""}${parts.join(", ")}`;
}

export function renderOnlineReport(r: OnlineDebugReport, style: Style): string {
  const s = r.subject;
  const lines: string[] = [];
  lines.push(
    s.type === "group"
      ? `${style.bold("Group")} ${s.name} (${s.arn})`
      : `${style.bold(s.type === "user" ? "User" : "Role")} ${s.name} (${s.arn})${s.groups.length ? `, in group${s.groups.length === 1 ? "" : "s"} ${s.groups.join(", ")}` : ""}`,
  );
  const policies = r.sources.map((p) => {
    const where = p.via.type === "group" ? `group ${p.via.name}` : `${p.via.type}`;
    return `${p.kind === "inline" ? p.name : `${p.name.replace(/ \(group .*\)$/, "")}${p.versionId ? ` ${p.versionId}` : ""}`}${p.kind === "managed" ? ` (managed, on the ${where})` : ""}`;
  });
  lines.push(`${style.bold("Policies:")} ${policies.length ? policies.join("; ") : "none"}`);
  if (r.boundary) lines.push(`${style.bold("Boundary:")} ${r.boundary.arn}`);
  lines.push(`${style.bold("Bucket:")} ${describeBucket(r)}`);
  for (const f of r.bucketFindings) {
    lines.push(`${style.red(symbols.fail)} ${f.message}`, `    ${style.bold("Fix:")} ${f.fix}`);
  }
  lines.push("");
  // Per action as offline, with the simulator and the probe after each one.
  r.results.forEach((result, index) => {
    lines.push(renderDebugReport({ ...r, results: [result] }, style));
    appendExtras(lines, r, index, style);
  });
  lines.push("");
  if (r.simulation.status === "done") {
    lines.push(
      r.disagreements.some((d) => d.startsWith("IAM's policy simulator"))
        ? style.yellow("IAM's policy simulator disagrees on some actions (see above).")
        : "IAM's policy simulator agrees.",
    );
  } else {
    lines.push(style.dim(r.simulation.note));
  }
  for (const d of r.disagreements) lines.push(`${style.yellow(symbols.warn)} ${d}`);
  for (const n of r.notes) lines.push(`${style.yellow(symbols.warn)} ${n}`);
  return lines.join("\n").replace(/\n+$/, "");
}

function appendExtras(lines: string[], r: OnlineDebugReport, index: number, style: Style) {
  const result = r.results[index];
  if (!result) return;
  if (result.simulated) {
    const same = result.simulated === result.decision;
    lines.push(
      `    IAM's policy simulator: ${same ? result.simulated : style.yellow(result.simulated)}`,
    );
  }
  for (const p of result.probe ?? []) {
    const mark =
      p.outcome === "allowed"
        ? style.green(symbols.ok)
        : p.outcome === "denied"
          ? style.red(symbols.fail)
          : style.yellow(symbols.warn);
    lines.push(`    probe ${mark} ${p.operation}: ${p.detail}`);
  }
}
