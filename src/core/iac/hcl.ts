// A small HCL writer: enough of the syntax for Terraform resources (blocks, attributes,
// strings, numbers, booleans, lists, objects and references), formatted as `terraform fmt` does.

/** A Terraform expression, e.g. `aws_s3_bucket.this.id` or `jsonencode({...})`. */
export class Expr {
  constructor(readonly render: (indent: string) => string) {}
}

/** A reference written as is. */
export const ref = (text: string) => new Expr(() => text);

/** A function call on one value, e.g. `jsonencode({...})`, indented where it is used. */
export const call = (fn: string, argument: HclValue) =>
  new Expr((indent) => `${fn}(${value(argument, indent)})`);

export type HclValue = string | number | boolean | Expr | HclValue[] | { [key: string]: HclValue };

export interface Block {
  type: string;
  labels: string[];
  body: BodyItem[];
}

export type BodyItem = { attribute: string; value: HclValue } | { block: Block };

export const attr = (attribute: string, value: HclValue): BodyItem => ({ attribute, value });
export const block = (type: string, labels: string[], body: BodyItem[]): BodyItem => ({
  block: { type, labels, body },
});

/** A string literal; `${` and `%{` would start template interpolation, so they are escaped. */
export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
  return `"${escaped}"`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function value(v: HclValue, indent: string): string {
  if (v instanceof Expr) return v.render(indent);
  if (typeof v === "string") return hclString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    const inner = `${indent}  `;
    return `[\n${v.map((item) => `${inner}${value(item, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return "{}";
  const inner = `${indent}  `;
  const lines = aligned(
    entries.map(([k, item]) => [IDENTIFIER.test(k) ? k : hclString(k), value(item, inner)]),
    inner,
  );
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/**
 * `key = value` lines aligned the way `terraform fmt` aligns them: the `=` of
 * consecutive single-line attributes line up; a multi-line value stands alone.
 */
function aligned(pairs: [key: string, rendered: string][], indent: string): string[] {
  const lines: string[] = [];
  let run: [string, string][] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map(([k]) => k.length));
    for (const [k, v] of run) lines.push(`${indent}${k.padEnd(width)} = ${v}`);
    run = [];
  };
  for (const [k, v] of pairs) {
    if (v.includes("\n")) {
      flush();
      lines.push(`${indent}${k} = ${v}`);
    } else {
      run.push([k, v]);
    }
  }
  flush();
  return lines;
}

function body(items: BodyItem[], indent: string): string {
  const lines: string[] = [];
  let attributes: [string, string][] = [];
  const flush = () => {
    lines.push(...aligned(attributes, indent));
    attributes = [];
  };
  for (const item of items) {
    if ("attribute" in item) {
      attributes.push([item.attribute, value(item.value, indent)]);
      continue;
    }
    flush();
    if (lines.length > 0) lines.push("");
    lines.push(renderBlock(item.block, indent));
  }
  flush();
  return lines.join("\n");
}

export function renderBlock(b: Block, indent = ""): string {
  const header = [b.type, ...b.labels.map((l) => hclString(l))].join(" ");
  if (b.body.length === 0) return `${indent}${header} {}`;
  return `${indent}${header} {\n${body(b.body, `${indent}  `)}\n${indent}}`;
}

export function renderFile(blocks: Block[]): string {
  return `${blocks.map((b) => renderBlock(b)).join("\n\n")}\n`;
}
