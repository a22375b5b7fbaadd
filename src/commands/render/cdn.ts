// How the `cdn` commands show their plans and reports.
import { type CdnCreateReport, type CdnStep, RESOURCE_LABELS } from "../../core/cdn/create.js";
import type { Output } from "../../io/output.js";
import { renderTable } from "../../io/table.js";

const STATUS_WORDS: Record<CdnStep["status"], string> = {
  create: "will create",
  update: "will update",
  unchanged: "unchanged",
  created: "created",
  updated: "updated",
  failed: "FAILED",
  "not-applied": "not applied",
  "rolled-back": "rolled back",
};

export function renderCdnReport(report: CdnCreateReport): string {
  const rows: { resource: string; status: string; detail: string }[] = [];
  for (const step of report.steps) {
    step.details.forEach((detail, i) => {
      rows.push({
        resource: i === 0 ? RESOURCE_LABELS[step.resource] : "",
        status: i === 0 ? STATUS_WORDS[step.status] : "",
        detail,
      });
    });
    if (step.error) rows.push({ resource: "", status: "", detail: `error: ${step.error.message}` });
  }
  const lines = [
    renderTable(rows, [
      { header: "RESOURCE", value: (r) => r.resource },
      { header: "STATUS", value: (r) => r.status },
      { header: "DETAIL", value: (r) => r.detail },
    ]),
  ];
  if (report.distribution.id) lines.push("", ...servedAt(report));
  return lines.join("\n");
}

function servedAt(report: CdnCreateReport): string[] {
  const lines = [
    `Distribution ${report.distribution.id}: ${report.distribution.domainName} (${report.distribution.status ?? "status unknown"})`,
  ];
  if (report.url)
    lines.push(`Objects under s3://${report.bucket}/${report.prefix} are at ${report.url}`);
  for (const [name, value] of Object.entries(report.env)) lines.push(`${name}=${value}`);
  return lines;
}

export function renderCdnPlan(report: CdnCreateReport, out: Output): string {
  const { style } = out;
  const lines = [
    `Plan for CloudFront in front of ${report.bucket} (${report.distribution.id ? `distribution ${report.distribution.id} exists: differences from its current state` : "no distribution yet"}):`,
    "",
  ];
  for (const step of report.steps) {
    const label = RESOURCE_LABELS[step.resource];
    if (step.status === "unchanged") {
      lines.push(style.dim(`= ${label}: ${step.details.join("; ")} (unchanged)`));
      continue;
    }
    const mark = step.status === "update" ? style.yellow("~") : style.green("+");
    lines.push(`${mark} ${label}:`);
    for (const detail of step.details) lines.push(`    ${detail}`);
    if (step.call)
      lines.push(style.dim(`    ${step.call.operation} ${displayInput(step.call.input)}`));
  }
  return lines.join("\n");
}

/** S3's policy JSON string shown as an object, so the plan stays readable. */
function displayInput(input: Record<string, unknown>): string {
  const shown = { ...input };
  if (typeof shown.Policy === "string") shown.Policy = JSON.parse(shown.Policy);
  return JSON.stringify(shown);
}
