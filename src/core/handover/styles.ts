// The preset variable names (templates/env/<style>.json): the names the AWS SDKs read
// (aws), django-storages' settings (django), provider-neutral S3_* names (s3), or none
// at all, when the project's own names (--env, .s3kit.json) are the only ones. Pure.

import awsStyle from "../../../templates/env/aws.json" with { type: "json" };
import djangoStyle from "../../../templates/env/django.json" with { type: "json" };
import s3Style from "../../../templates/env/s3.json" with { type: "json" };
import { UsageError } from "../errors.js";
import { FIELDS, type Field } from "./fields.js";

export const ENV_STYLES = ["aws", "django", "s3", "none"] as const;
export type EnvStyle = (typeof ENV_STYLES)[number];
export const DEFAULT_ENV_STYLE: EnvStyle = "aws";

/** One variable of a style: the field it holds, and how. */
export interface StyleVariable {
  name: string;
  field: Field;
  /** Written only for a custom (non-AWS) endpoint: AWS's own needs no variable. */
  only?: "custom-endpoint";
  /** `folder`: the prefix without its trailing slash, as django-storages' AWS_LOCATION wants it. */
  form?: "folder";
}

interface StyleTemplate {
  description: string;
  variables: StyleVariable[];
}

function template(raw: {
  description: string;
  variables: { name: string; field: string; only?: string; form?: string }[];
}): StyleTemplate {
  return {
    description: raw.description,
    variables: raw.variables.map((v) => {
      const field = v.field as Field;
      // The templates are part of s3kit: a wrong one is a bug, found by the unit tests.
      if (!v.name || !(FIELDS as readonly string[]).includes(field))
        throw new Error(`templates/env: bad variable ${JSON.stringify(v)}`);
      return {
        name: v.name,
        field,
        ...(v.only === "custom-endpoint" ? { only: "custom-endpoint" as const } : {}),
        ...(v.form === "folder" ? { form: "folder" as const } : {}),
      };
    }),
  };
}

const TEMPLATES: Record<EnvStyle, StyleTemplate> = {
  aws: template(awsStyle),
  django: template(djangoStyle),
  s3: template(s3Style),
  none: {
    description: "no preset names: only the project's own (--env, .s3kit.json)",
    variables: [],
  },
};

export function styleVariables(style: EnvStyle): readonly StyleVariable[] {
  return TEMPLATES[style].variables;
}

export function styleDescription(style: EnvStyle): string {
  return TEMPLATES[style].description;
}

export function isEnvStyle(value: string): value is EnvStyle {
  return (ENV_STYLES as readonly string[]).includes(value);
}

export function parseEnvStyle(value: string, where = "--env-style"): EnvStyle {
  if (isEnvStyle(value)) return value;
  throw new UsageError(
    `Unknown ${where} "${value}".`,
    `Use one of: ${ENV_STYLES.map((s) => `${s} (${TEMPLATES[s].description})`).join("; ")}.`,
    "InvalidEnvStyle",
  );
}

/** Every name any style gives a field: what a file s3kit wrote may use for it. */
export function knownNames(field: Field): string[] {
  const names = new Set<string>();
  for (const style of ENV_STYLES) {
    for (const v of TEMPLATES[style].variables) if (v.field === field) names.add(v.name);
  }
  return [...names];
}
