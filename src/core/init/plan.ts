// `s3kit init` as data: the answers (from the wizard or from flags), checked and turned
// into the bucket spec, the developers' grants and the equivalent non-interactive commands.
import { isAbsolute, relative, resolve } from "node:path";
import { type CreateBucketSpec, parseCreateFlags } from "../buckets/spec.js";
import { UsageError } from "../errors.js";
import { formatSource } from "../handover/fields.js";
import type { EnvMapping } from "../handover/mapping.js";
import { DEFAULT_ENV_STYLE } from "../handover/styles.js";
import { type Grant, prepareGrant } from "../iam/grant.js";
import { assertValidIamName } from "../iam/names.js";
import { ACCESS_LEVEL_NAMES } from "../policy/templates.js";
import { shellQuote } from "../presign/curl-command.js";

export interface DeveloperAnswer {
  name: string;
  access: string;
  /** "" or absent: the whole bucket. */
  prefix?: string;
  /** Where the developer's .env goes (relative to the working directory). */
  out: string;
}

export interface InitAnswers {
  bucket?: string;
  generate?: { env: string; project: string };
  /** Public GetObject on this prefix ("" for the whole bucket). */
  publicRead?: { prefix: string };
  corsOrigins: string[];
  versioning: boolean;
  expire?: { days: string; prefix?: string };
  developers: DeveloperAnswer[];
  /** The variable names of the .env files (a style and the project's own). */
  names: EnvMapping;
  /** A bucket setting the endpoint does not support is an error (`bucket create --strict`). */
  strict?: boolean;
}

export interface PlannedDeveloper {
  name: string;
  grant: Grant;
  /** Absolute path of the credentials file. */
  outPath: string;
  /** The path as the user gave it, for messages and commands. */
  out: string;
}

export interface InitPlan {
  bucket: CreateBucketSpec;
  developers: PlannedDeveloper[];
  /** The same setup as plain commands, ready for a CI script. */
  commands: string[];
}

export interface PlanContext {
  region: string;
  cwd: string;
  yes: boolean;
  plainHttpEndpoint: boolean;
  randomSuffix?: () => string;
}

/** `alice:read-write[:uploads/]` → a developer with `.env.alice` as the default file. */
export function parseDevFlag(text: string, outDir = "."): DeveloperAnswer {
  const [name = "", access = "", ...rest] = text.split(":");
  if (!name || !access) {
    throw new UsageError(
      `--dev "${text}" is not NAME:LEVEL[:PREFIX].`,
      `Example: --dev alice:read-write or --dev bob:read:reports/ (levels: ${ACCESS_LEVEL_NAMES.join(", ")}).`,
      "InvalidDeveloper",
    );
  }
  const prefix = rest.join(":");
  return { name, access, ...(prefix ? { prefix } : {}), out: defaultEnvFile(name, outDir) };
}

export function defaultEnvFile(name: string, outDir = "."): string {
  const file = `.env.${name}`;
  return outDir === "." ? file : `${outDir.replace(/\/+$/, "")}/${file}`;
}

/** Checks every answer (exit 2, nothing changed) and derives what init will do. */
export function planInit(answers: InitAnswers, context: PlanContext): InitPlan {
  if (!answers.bucket && !answers.generate) {
    throw new UsageError(
      "init needs a bucket name.",
      "Pass --bucket NAME, or --generate-name --env ENV --project PROJECT.",
      "MissingBucket",
    );
  }
  const bucket = parseCreateFlags(
    {
      name: answers.bucket,
      generateName: answers.generate !== undefined,
      env: answers.generate?.env,
      project: answers.generate?.project,
      versioning: answers.versioning,
      corsOrigin: answers.corsOrigins.length > 0 ? answers.corsOrigins : undefined,
      expireDays: answers.expire?.days,
      expirePrefix: answers.expire?.prefix,
      publicRead: answers.publicRead !== undefined,
      publicPrefix: answers.publicRead?.prefix || undefined,
    },
    {
      region: context.region,
      yes: context.yes,
      plainHttpEndpoint: context.plainHttpEndpoint,
      ...(context.randomSuffix ? { randomSuffix: context.randomSuffix } : {}),
    },
  );

  const seenNames = new Set<string>();
  const seenFiles = new Set<string>();
  const developers = answers.developers.map((dev): PlannedDeveloper => {
    assertValidIamName(dev.name, "user");
    if (seenNames.has(dev.name)) {
      throw new UsageError(
        `Developer ${dev.name} is listed twice.`,
        "Give each developer once.",
        "DuplicateDeveloper",
      );
    }
    seenNames.add(dev.name);
    const outPath = isAbsolute(dev.out) ? dev.out : resolve(context.cwd, dev.out);
    if (seenFiles.has(outPath)) {
      throw new UsageError(
        `Two developers would write ${dev.out}.`,
        "Each developer needs a file of their own (the default is .env.NAME).",
        "DuplicateEnvFile",
      );
    }
    seenFiles.add(outPath);
    const grant = prepareGrant({
      bucket: bucket.bucket,
      access: dev.access,
      prefixes: dev.prefix ? [dev.prefix] : [],
    });
    return { name: dev.name, grant, outPath, out: dev.out };
  });

  return { bucket, developers, commands: equivalentCommands(answers, bucket, developers, context) };
}

function equivalentCommands(
  answers: InitAnswers,
  bucket: CreateBucketSpec,
  developers: PlannedDeveloper[],
  context: PlanContext,
): string[] {
  const q = (words: string[]) => words.map(shellQuote).join(" ");
  const create = ["s3kit", "bucket", "create", bucket.bucket, "--region", bucket.region];
  if (answers.versioning) create.push("--versioning");
  if (answers.corsOrigins.length > 0) create.push("--cors-origin", ...answers.corsOrigins);
  if (answers.expire) {
    create.push("--expire-days", answers.expire.days);
    if (answers.expire.prefix) create.push("--expire-prefix", answers.expire.prefix);
  }
  if (answers.strict) create.push("--strict");
  if (answers.publicRead) {
    create.push("--public-read");
    if (answers.publicRead.prefix) create.push("--public-prefix", answers.publicRead.prefix);
    create.push("--yes");
  }
  const commands = [q(create)];
  for (const dev of developers) {
    const add = [
      "s3kit",
      "iam",
      "add-dev",
      dev.name,
      "--bucket",
      bucket.bucket,
      "--access",
      dev.grant.access,
    ];
    for (const prefix of dev.grant.prefixes) add.push("--prefix", prefix);
    if (answers.names.style !== DEFAULT_ENV_STYLE) add.push("--env-style", answers.names.style);
    for (const [name, source] of Object.entries(answers.names.variables)) {
      add.push("--env", `${name}=${formatSource(source)}`);
    }
    const shown = isAbsolute(dev.out) ? dev.out : relative(context.cwd, dev.outPath) || dev.out;
    add.push("--out", shown);
    commands.push(q(add));
  }
  return commands;
}
