// The JSON policy templates in templates/policies/, one per access level. Imported as
// JSON modules so that the bundle carries them and this module stays free of I/O.
//
// Placeholders: a string value that is exactly "{{name}}" is replaced by the value
// (a string, list or object) or, when there is none, its property is removed; a
// statement that loses its Resource is removed. "{{name}}" inside a longer string
// is replaced by text.

import admin from "../../../templates/policies/admin.json" with { type: "json" };
import read from "../../../templates/policies/read.json" with { type: "json" };
import readWrite from "../../../templates/policies/read-write.json" with { type: "json" };
import readWriteDelete from "../../../templates/policies/read-write-delete.json" with {
  type: "json",
};
import upload from "../../../templates/policies/upload.json" with { type: "json" };
import type { PolicyDocument, PolicyStatement } from "./types.js";

export type AccessLevel = "read" | "upload" | "read-write" | "read-write-delete" | "admin";

export const ACCESS_LEVEL_NAMES: readonly AccessLevel[] = [
  "read",
  "upload",
  "read-write",
  "read-write-delete",
  "admin",
];

/** Templates are plain JSON: placeholders sit where the policy grammar expects other types. */
export type PolicyTemplate = { Version: string; Statement: Record<string, unknown>[] };

export const POLICY_TEMPLATES: Readonly<Record<AccessLevel, PolicyTemplate>> = {
  read,
  upload,
  "read-write": readWrite,
  "read-write-delete": readWriteDelete,
  admin,
};

export type TemplateValue = string | string[] | Record<string, unknown> | undefined;

const WHOLE = /^\{\{(\w+)\}\}$/;
const INLINE = /\{\{(\w+)\}\}/g;

function placeholderOf(v: unknown): string | undefined {
  return typeof v === "string" ? WHOLE.exec(v)?.[1] : undefined;
}

function renderValue(v: unknown, values: Record<string, TemplateValue>): unknown {
  if (typeof v === "string") {
    const whole = placeholderOf(v);
    if (whole !== undefined) return values[whole];
    return v.replace(INLINE, (_m, name: string) => {
      const x = values[name];
      return typeof x === "string" ? x : "";
    });
  }
  if (Array.isArray(v)) return v.map((x) => renderValue(x, values)).filter((x) => x !== undefined);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = renderValue(x, values);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return v;
}

export function renderTemplate(
  template: PolicyTemplate,
  values: Record<string, TemplateValue>,
): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const st of template.Statement) {
    const rendered = renderValue(st, values) as Record<string, unknown>;
    if (rendered.Resource === undefined) continue;
    statements.push(rendered as unknown as PolicyStatement);
  }
  return { Version: template.Version, Statement: statements };
}

/** Which placeholder a template statement's Resource is, e.g. "objectArns". */
export function resourcePlaceholder(st: Record<string, unknown>): string | undefined {
  return placeholderOf(st.Resource);
}
