// The human rendering of a `policy fix` report: the change as a diff with one line per
// scope on what it grants, then each action before and after.

import type { OfflineFixReport } from "../../core/access/fix-offline.js";
import type { OnlineFixReport } from "../../core/access/fix-online.js";
import { formatDiff } from "../../core/policy/diff.js";
import type { Decision } from "../../core/policy/types.js";
import { type Style, symbols } from "../../io/style.js";

interface Row {
  action: string;
  before: Decision;
  after: Decision;
}

function renderRows(rows: readonly Row[], style: Style, heading: string): string {
  const width = Math.max(...rows.map((r) => r.action.length));
  const mark = (d: Decision) => (d === "allowed" ? style.green(d) : style.red(d));
  return [
    style.bold(heading),
    ...rows.map(
      (r) =>
        `  ${r.after === "allowed" ? style.green(symbols.ok) : style.red(symbols.fail)} ${r.action.padEnd(width)}  ${mark(r.before)} ${symbols.arrow} ${mark(r.after)}`,
    ),
  ].join("\n");
}

function renderDiff(diff: Parameters<typeof formatDiff>[0], style: Style): string {
  return formatDiff(diff, 3)
    .split("\n")
    .map((l) => (l.startsWith("+ ") ? style.green(l) : l.startsWith("- ") ? style.red(l) : l))
    .join("\n");
}

export function renderOfflineFix(d: OfflineFixReport, style: Style): string {
  return [
    d.changes.length === 0
      ? d.results.every((r) => r.before === "allowed")
        ? "Every action is allowed already: nothing to change."
        : `No change to ${d.policy} helps.`
      : `${style.bold(`Policy ${d.policy}:`)} ${d.changes.map((c) => c.description).join(" ")}\n${renderDiff(d.diff, style)}`,
    ...(d.changes.length > 0 ? d.scope : []),
    "",
    renderRows(d.results, style, "After the change:"),
    ...d.results
      .filter((r) => r.after !== "allowed" && r.reason)
      .map((r) => `  ${r.action} stays denied: ${r.reason}`),
  ].join("\n");
}

export function renderOnlineFix(r: OnlineFixReport, style: Style): string {
  const who = `${r.subject.type === "user" ? "User" : "Role"} ${r.subject.name}`;
  if (r.alreadyAllowed) {
    return `${renderRows(r.results, style, `${who}: every action is allowed already; nothing to fix.`)}`;
  }
  const lines: string[] = [];
  const plan = r.plan;
  if (plan) {
    const where =
      plan.kind === "new"
        ? `a new managed policy, attached to the ${r.subject.type}`
        : plan.kind === "managed"
          ? `managed policy, on the ${plan.via?.type === "group" ? `group ${plan.via.name}` : (plan.via?.type ?? "")}`
          : `inline policy of ${plan.via?.type} ${plan.via?.name}`;
    if (plan.changes.length === 0) lines.push(`No change to ${who}'s policies helps.`);
    else {
      lines.push(
        `${style.bold(`Policy ${plan.policy}`)} (${where}): ${plan.changes.map((c) => c.description).join(" ")}`,
        renderDiff(plan.diff, style),
        ...plan.scope,
      );
    }
    if (plan.note) lines.push(style.yellow(plan.note));
    lines.push("");
  }
  lines.push(
    renderRows(
      r.results,
      style,
      r.applied ? "Read back and evaluated again:" : "After the change (not applied):",
    ),
  );
  for (const b of r.blocked) lines.push(`  ${b.action} stays denied: ${b.reason}`);
  for (const n of r.notes) lines.push(`${style.yellow(symbols.warn)} ${n}`);
  return lines.join("\n");
}

/** What --apply wrote, in one line. */
export function describeApplied(a: NonNullable<OnlineFixReport["applied"]>): string {
  return a.action === "new-version"
    ? `policy ${a.policy}: new default version ${a.versionId}${a.deletedVersion ? ` (deleted ${a.deletedVersion})` : ""}`
    : a.action === "put-inline"
      ? `inline policy ${a.policy} written`
      : `policy ${a.policy} created and attached (${a.arn})`;
}
