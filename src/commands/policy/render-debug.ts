// The human rendering of a `policy debug` report, shared by the policy commands that
// show evaluation results: one line per action, the deciding statements quoted, then
// what is wrong and the fix.

import type {
  PolicyDebugReport,
  PolicyDebugResult,
  QuotedStatement,
} from "../../core/policy/debug-run.js";
import { type Style, symbols } from "../../io/style.js";

const KIND_NAMES = {
  identity: "identity policy",
  boundary: "permissions boundary",
  resource: "bucket policy",
  scp: "SCP",
} as const;

export function describeStatement(s: QuotedStatement): string {
  const which = s.sid ? `statement "${s.sid}"` : `Statement[${s.index}]`;
  return `${which} of ${KIND_NAMES[s.kind]} "${s.policy}"`;
}

function renderResult(r: PolicyDebugResult, style: Style): string[] {
  const ok = r.decision === "allowed";
  const mark = ok ? style.green(symbols.ok) : style.red(symbols.fail);
  const decision = ok ? style.green(r.decision) : style.red(r.decision);
  const lines = [`${mark} ${style.bold(r.action)} ${decision}  ${style.dim(r.resource)}`];
  for (const s of r.deciding) {
    const verb = s.effect === "Deny" ? "denied by" : "allowed by";
    lines.push(`    ${verb} ${describeStatement(s)}: ${JSON.stringify(s.statement)}`);
  }
  const fixes = new Set<string>();
  for (const d of r.diagnoses) {
    lines.push(`    ${d.message}`);
    if (!fixes.has(d.fix)) {
      fixes.add(d.fix);
      lines.push(`    ${style.bold("Fix:")} ${d.fix}`);
    }
  }
  return lines;
}

export function renderDebugReport(report: PolicyDebugReport, style: Style): string {
  return report.results.flatMap((r) => renderResult(r, style)).join("\n");
}
