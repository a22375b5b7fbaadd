// A small line diff (longest common subsequence) for showing a policy before and
// after `policy fix`. Policies are short, so the quadratic table is fine.

export interface DiffLine {
  op: "equal" | "add" | "remove";
  text: string;
}

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: "equal", text: a[i] as string });
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push({ op: "remove", text: a[i] as string });
      i++;
    } else {
      out.push({ op: "add", text: b[j] as string });
      j++;
    }
  }
  while (i < n) out.push({ op: "remove", text: a[i++] as string });
  while (j < m) out.push({ op: "add", text: b[j++] as string });
  return out;
}

/**
 * Unified-style text: "- " removed, "+ " added, "  " unchanged. With `context`, only
 * that many unchanged lines are kept around each change ("…" marks a gap).
 */
export function formatDiff(lines: readonly DiffLine[], context = Number.POSITIVE_INFINITY): string {
  const keep = lines.map((l) => l.op !== "equal");
  if (Number.isFinite(context)) {
    const near = keep.slice();
    lines.forEach((l, idx) => {
      if (l.op === "equal") return;
      for (let k = Math.max(0, idx - context); k <= Math.min(lines.length - 1, idx + context); k++)
        near[k] = true;
    });
    keep.splice(0, keep.length, ...near);
  } else keep.fill(true);
  const out: string[] = [];
  let gap = false;
  lines.forEach((l, idx) => {
    if (!keep[idx]) {
      if (!gap) out.push("…");
      gap = true;
      return;
    }
    gap = false;
    out.push(`${l.op === "add" ? "+ " : l.op === "remove" ? "- " : "  "}${l.text}`);
  });
  return out.join("\n");
}

/** The JSON layout s3kit prints policies in (two-space indent), so diffs line up. */
export function formatPolicyJson(doc: unknown): string {
  return JSON.stringify(doc, null, 2);
}
