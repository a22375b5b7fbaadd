import { oneLine, visibleLength } from "./terminal-text.js";

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: "left" | "right";
}

/** Plain aligned columns, like `gh` and `kubectl`: easy to read and to `awk`. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  // A cell is one line: a name with a line break in it must not start a row of its own.
  const cells = rows.map((row) => columns.map((c) => oneLine(c.value(row))));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((r) => width(r[i] ?? ""))),
  );
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - width(v));
        if (i === values.length - 1 && columns[i]?.align !== "right") return v;
        return columns[i]?.align === "right" ? pad + v : v + pad;
      })
      .join("  ");
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n");
}

/** `key: value` lines with the keys aligned. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const keyWidth = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${`${k}:`.padEnd(keyWidth + 1)} ${oneLine(v)}`).join("\n");
}

function width(s: string): number {
  return visibleLength(s);
}
