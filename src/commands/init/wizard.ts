// The questions `s3kit init` asks on a terminal. Each answer is checked as it is typed
// with the same rules the flags go through, so the plan built from it cannot fail on input.

import { generateBucketName, parseDays, parseOrigin } from "../../core/buckets/spec.js";
import {
  FIELD_MEANINGS,
  FIELDS,
  type Field,
  parseSource,
  type VariableSource,
  variableNameProblem,
} from "../../core/handover/fields.js";
import type { EnvMapping } from "../../core/handover/mapping.js";
import type { EnvStyle } from "../../core/handover/styles.js";
import { iamNameProblem } from "../../core/iam/names.js";
import { type DeveloperAnswer, defaultEnvFile, type InitAnswers } from "../../core/init/plan.js";
import { ACCESS_LEVELS } from "../../core/policy/access-levels.js";
import { ACCESS_LEVEL_NAMES } from "../../core/policy/templates.js";
import { bucketNameProblems } from "../../core/s3/bucket-names.js";
import type { Asker } from "../../io/prompt.js";

const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** true, or the message of the usage error the check throws. */
function accepts(check: () => unknown): true | string {
  try {
    check();
    return true;
  } catch (err) {
    return (err as Error).message;
  }
}

function prefixProblem(prefix: string): true | string {
  if (prefix.startsWith("/")) return "A prefix starts without /, e.g. uploads/.";
  if (/[*?]/.test(prefix)) return "A prefix is literal: no * or ?.";
  return true;
}

export async function askInitQuestions(
  ask: Asker,
  defaults: {
    region: string;
    /** The variable names, when flags or the project file chose them: not asked then. */
    names?: EnvMapping;
  },
): Promise<InitAnswers & { region: string }> {
  const answers: InitAnswers = {
    corsOrigins: [],
    versioning: false,
    developers: [],
    names: defaults.names ?? { style: "aws", variables: {} },
  };

  const naming = await ask.select("Bucket name", [
    { value: "type", name: "Type a name" },
    { value: "generate", name: "Generate one from environment and project (ENV-PROJECT-random)" },
  ]);
  if (naming === "type") {
    answers.bucket = await ask.input("Bucket name:", {
      validate: (v) => {
        const problems = bucketNameProblems(v.trim());
        return problems.length === 0
          ? true
          : `Not a valid bucket name: ${problems.map((p) => p.message).join("; ")}.`;
      },
      hint: (v) => {
        const problems = bucketNameProblems(v.trim());
        return problems.length === 0 ? "✓" : `✗ ${problems[0]?.message}`;
      },
    });
    answers.bucket = answers.bucket.trim();
  } else {
    const env = await ask.input("Environment (dev, staging, prod…):", { default: "dev" });
    const project = await ask.input("Project:", {
      validate: (v) => accepts(() => generateBucketName(env.trim(), v.trim())),
    });
    answers.generate = { env: env.trim(), project: project.trim() };
  }

  const region = (
    await ask.input("Region:", {
      default: defaults.region,
      validate: (v) =>
        REGION.test(v.trim()) ? true : "Use a region code such as us-east-1 or eu-west-1.",
    })
  ).trim();

  const access = await ask.select("Who can read the objects?", [
    { value: "private", name: "Only people and apps with credentials (private)" },
    { value: "public", name: "Anyone on the internet (public-read for the whole bucket)" },
    { value: "public-prefix", name: "Anyone, but only under one prefix (e.g. public images)" },
  ]);
  if (access === "public") answers.publicRead = { prefix: "" };
  if (access === "public-prefix") {
    answers.publicRead = {
      prefix: await ask.input("Public prefix:", { default: "public/", validate: prefixProblem }),
    };
  }

  const origins = await ask.input("Frontend origins for CORS (space-separated, empty for none):", {
    validate: (v) => {
      for (const origin of v.split(/[\s,]+/).filter(Boolean)) {
        const ok = accepts(() => parseOrigin(origin));
        if (ok !== true) return ok;
      }
      return true;
    },
  });
  answers.corsOrigins = origins.split(/[\s,]+/).filter(Boolean);

  answers.versioning = await ask.confirm(
    "Keep old versions of overwritten objects (versioning)?",
    false,
  );

  const days = (
    await ask.input("Delete objects after how many days? (empty: never)", {
      validate: (v) => (v.trim() === "" ? true : accepts(() => parseDays("days", v.trim()))),
    })
  ).trim();
  if (days) {
    const prefix = await ask.input("Only under this prefix (empty: the whole bucket):", {
      validate: prefixProblem,
    });
    answers.expire = { days, ...(prefix ? { prefix } : {}) };
  }

  let more = await ask.confirm("Add a developer (an IAM user with keys in a .env file)?", true);
  while (more) {
    answers.developers.push(await askDeveloper(ask, answers.developers));
    more = await ask.confirm("Add another developer?", false);
  }
  if (answers.developers.length > 0 && !defaults.names) answers.names = await askNames(ask);
  return { ...answers, region };
}

/** The preset names, then the app's own names only for those who want them. */
async function askNames(ask: Asker): Promise<EnvMapping> {
  const style = await ask.select<Exclude<EnvStyle, "none">>(
    "Variable names in the .env files:",
    (["aws", "django", "s3"] as const).map((s) => ({ value: s, name: ENV_STYLE_NAMES[s] })),
    "aws",
  );
  const variables: Record<string, VariableSource> = {};
  const own = await ask.confirm(
    "Does the app read variables of its own (e.g. AWS_S3_BUCKET, AWS_S3_USE_SSL)?",
    false,
  );
  while (own) {
    const name = (
      await ask.input("Variable name (empty when done):", {
        validate: (v) => {
          const n = v.trim();
          if (n === "") return true;
          if (Object.hasOwn(variables, n)) return `${n} is already in the list.`;
          const problem = variableNameProblem(n);
          return problem ? `The name ${problem}.` : true;
        },
      })
    ).trim();
    if (name === "") break;
    const field = await ask.select<Field | "fixed">(`What ${name} holds:`, [
      ...FIELDS.map((f) => ({ value: f, name: `${f}: ${FIELD_MEANINGS[f]}` })),
      { value: "fixed" as const, name: "a fixed value (e.g. false)" },
    ]);
    if (field !== "fixed") {
      variables[name] = { field };
      continue;
    }
    const text = await ask.input(`Value of ${name}:`, {
      validate: (v) => {
        try {
          parseSource(`value:${v}`, name);
          return true;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
    variables[name] = { value: text };
  }
  return { style, variables };
}

const ENV_STYLE_NAMES: Record<Exclude<EnvStyle, "none">, string> = {
  aws: "aws: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, S3_BUCKET",
  django: "django: django-storages (AWS_STORAGE_BUCKET_NAME, AWS_S3_REGION_NAME)",
  s3: "s3: S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET_NAME, S3_REGION, S3_ENDPOINT_URL",
};

async function askDeveloper(ask: Asker, earlier: DeveloperAnswer[]): Promise<DeveloperAnswer> {
  const name = (
    await ask.input("Developer's IAM user name:", {
      validate: (v) => {
        if (earlier.some((d) => d.name === v.trim())) return `${v.trim()} is already in the list.`;
        return iamNameProblem(v.trim(), "user") ?? true;
      },
    })
  ).trim();
  const access = await ask.select(
    `Access level for ${name}:`,
    ACCESS_LEVEL_NAMES.map((level) => ({
      value: level,
      name: `${level}: ${ACCESS_LEVELS[level].summary}`,
    })),
    "read-write",
  );
  const prefix = (
    await ask.input("Limit to a prefix (empty: the whole bucket):", { validate: prefixProblem })
  ).trim();
  const out = (
    await ask.input(`Write ${name}'s credentials to:`, {
      default: defaultEnvFile(name),
      validate: (v) =>
        earlier.some((d) => d.out === v.trim())
          ? "Another developer writes that file already."
          : v.trim()
            ? true
            : "Give a file name.",
    })
  ).trim();
  return { name, access, ...(prefix ? { prefix } : {}), out };
}
