// How `bucket create` (and `init`, which runs it) shows its plan and its report.
import type { CreateReport, InterruptRollback, SettingReport } from "../../core/buckets/create.js";
import { describeSetting, settingLabel } from "../../core/buckets/describe.js";
import type { NotSupported } from "../../core/buckets/support.js";
import type { Output } from "../../io/output.js";
import { renderTable } from "../../io/table.js";

const STATUS_WORDS: Record<SettingReport["status"], string> = {
  create: "will set",
  update: "will update",
  unchanged: "unchanged",
  created: "set",
  updated: "updated",
  failed: "FAILED",
  "not-applied": "not applied",
  "rolled-back": "rolled back",
  unsupported: "not supported",
};

function statusWord(s: SettingReport): string {
  if (s.setting === "bucket") {
    if (s.status === "created") return "created";
    if (s.status === "create") return "will create";
    if (s.status === "unchanged") return "exists";
  }
  return STATUS_WORDS[s.status];
}

export function renderCreateReport(report: CreateReport): string {
  const rows: { setting: string; status: string; value: string }[] = [];
  for (const s of report.settings) {
    // An unsupported setting has no value to describe ("absent" would suggest otherwise).
    const lines = s.status === "unsupported" ? ["-"] : describeSetting(s.setting, s.value);
    lines.forEach((line, i) => {
      rows.push({
        setting: i === 0 ? settingLabel(s.setting) : "",
        status: i === 0 ? statusWord(s) : "",
        value: line,
      });
    });
    if (s.error) rows.push({ setting: "", status: "", value: `error: ${s.error.message}` });
  }
  return renderTable(rows, [
    { header: "SETTING", value: (r) => r.setting },
    { header: "STATUS", value: (r) => r.status },
    { header: "VALUE", value: (r) => r.value },
  ]);
}

/** Shows S3's policy JSON string as an object, so the plan stays readable. */
function displayInput(input: Record<string, unknown>): string {
  const shown = { ...input };
  if (typeof shown.Policy === "string") shown.Policy = JSON.parse(shown.Policy);
  return JSON.stringify(shown);
}

export function renderCreatePlan(report: CreateReport, out: Output): string {
  const { style } = out;
  const lines = [
    `Plan for ${report.bucket} in ${report.region} (${report.existed ? "the bucket exists: differences from its current state" : "the bucket does not exist yet"}):`,
    "",
  ];
  for (const s of report.settings) {
    const label = settingLabel(s.setting);
    const after = describeSetting(s.setting, s.value);
    if (s.status === "unsupported") {
      lines.push(style.yellow(`! ${label}: not supported by this endpoint (nothing is sent)`));
      continue;
    }
    if (s.status === "unchanged") {
      lines.push(style.dim(`= ${label}: ${after.join("; ")} (unchanged)`));
      continue;
    }
    if (s.status === "update") {
      const before = describeSetting(s.setting, s.previous ?? null);
      lines.push(style.yellow(`~ ${label}:`));
      for (const line of before) if (!after.includes(line)) lines.push(style.red(`    - ${line}`));
      for (const line of after)
        lines.push(before.includes(line) ? `      ${line}` : style.green(`    + ${line}`));
    } else {
      lines.push(style.green(`+ ${label}:${after.length === 1 ? ` ${after[0]}` : ""}`));
      if (after.length > 1) for (const line of after) lines.push(style.green(`    + ${line}`));
    }
    if (s.call) lines.push(`    ${s.call.operation} ${displayInput(s.call.input)}`);
  }
  return lines.join("\n");
}

/** What Ctrl-C did with the bucket the run had created (a warning line). */
export function renderInterruptCleanup(result: InterruptRollback): string {
  return result.deleted
    ? `interrupted; deleted the bucket ${result.bucket} that this run created.`
    : `interrupted; left the bucket ${result.bucket} in place: ${result.reason}. Delete it with \`s3kit bucket delete ${result.bucket} --yes\` if nobody else uses it.`;
}

/** One setting the endpoint does not support, as a warning line. */
export function renderNotSupported(gap: NotSupported): string {
  return `not supported by this endpoint: ${gap.label}: ${gap.meaning} [${gap.evidence}]`;
}
