import { createBucket } from "../../core/buckets/create.js";
import { ExitCode, UsageError } from "../../core/errors.js";
import type { UnsavedKey } from "../../core/handover/deliver.js";
import { FIELDS, FIELDS_HINT, formatSource } from "../../core/handover/fields.js";
import {
  type ChosenNames,
  chooseNames,
  PROJECT_FILE,
  saveMapping,
} from "../../core/handover/project-file.js";
import { ENV_STYLES } from "../../core/handover/styles.js";
import { iacBucket, iacDeveloper, renderStack } from "../../core/iac/from-specs.js";
import { KeyNotSavedError } from "../../core/iam/key-handover.js";
import { onboardDeveloper } from "../../core/iam/onboard.js";
import { checkSecretFileTarget } from "../../core/iam/secret-file.js";
import { type InitAnswers, type InitPlan, parseDevFlag, planInit } from "../../core/init/plan.js";
import { confirm, terminalAsker } from "../../io/prompt.js";
import { startSpinner } from "../../io/spinner.js";
import { type Context, defineCommand } from "../context.js";
import { bucketSettings } from "../options/bucket-settings.js";
import { bucket, dryRun } from "../options/common.js";
import { credentialOptions } from "../options/credentials.js";
import { emit } from "../options/emit.js";
import { declareOptions, type OptionsOf, repeatable, value } from "../options/spec.js";
import {
  renderCreatePlan,
  renderInterruptCleanup,
  renderNotSupported,
} from "../render/bucket-create.js";
import { printUnsavedKey } from "../render/unsaved-key.js";
import { askInitQuestions } from "./wizard.js";

const options = {
  bucket: bucket.describe("the bucket's name"),
  generateName: bucketSettings.generateName.describe(
    "generate the name ENV-PROJECT-random (with --env and --project)",
  ),
  /** The environment for --generate-name, and NAME=FIELD variables (told apart by the "="). */
  env: repeatable(
    "--env",
    "env|name=field",
    `environment for --generate-name (dev, staging, prod…); NAME=FIELD: a variable of your own in the .env files (repeatable; fields ${FIELDS.join(", ")}, or value:TEXT), remembered in ${PROJECT_FILE}`,
  ),
  project: bucketSettings.project.describe("project for --generate-name"),
  publicRead: bucketSettings.publicRead.describe("make objects publicly readable (needs --yes)"),
  publicPrefix: bucketSettings.publicPrefix,
  corsOrigin: bucketSettings.corsOrigin.describe(
    "frontend origins allowed to use the bucket from a browser",
  ),
  versioning: bucketSettings.versioning.describe("keep old versions of overwritten objects"),
  expireDays: bucketSettings.expireDays.describe("delete objects after N days"),
  expirePrefix: bucketSettings.expirePrefix.describe("only expire objects under this prefix"),
  dev: repeatable("--dev", "name:level[:prefix]", "a developer to onboard (repeatable)"),
  envStyle: credentialOptions.envStyle.describe(
    `variable names in the .env files: ${ENV_STYLES.join(", ")} (default: ${PROJECT_FILE}'s, or aws)`,
  ),
  outDir: value("--out-dir", "dir", "where the developers' .env.NAME files go").default("."),
  dryRun: dryRun.describe("print the plan and change nothing"),
  strict: bucketSettings.strict.describe(
    "a bucket setting the endpoint does not support is an error (exit 5), not a warning",
  ),
  emit,
};

type Options = OptionsOf<typeof options>;

const FLAGS_HINT =
  "Without a terminal, init runs from flags: --bucket NAME (or --generate-name --env ENV --project PROJECT), " +
  "optionally --cors-origin URL…, --versioning, --expire-days N, --public-read, --dev NAME:LEVEL[:PREFIX]…, " +
  "and --yes to apply. Example: s3kit init --yes --bucket my-app-uploads --cors-origin https://app.example.com --dev alice:read-write";

export default defineCommand<Options>({
  examples: [
    "s3kit init",
    "s3kit init --yes --bucket my-app-uploads --cors-origin https://app.example.com --dev alice:read-write --dev ci:upload:builds/",
    "s3kit init --bucket my-app-uploads --dev alice:read-write --dry-run",
    "s3kit init --bucket my-app-uploads --dev alice:read-write --emit terraform > s3.tf",
  ],
  notes: [
    "Without a terminal, init runs from flags: it needs --bucket (or --generate-name --env E --project P) and applies only with --yes; otherwise it exits 2 and says which flags are needed. Ctrl-C at a question exits 130 and changes nothing.",
    "Each --dev NAME:LEVEL[:PREFIX] gets its credentials in OUT-DIR/.env.NAME (mode 0600). The wizard asks for the variable names (a style, and names of the app's own when it reads some); with a .s3kit.json it uses that file's names and does not ask. The equivalent commands it prints carry the same --env-style and --env flags.",
    "Each step shows ✓ or ✗. If one fails, the run stops, lists what was done, and exits with the failing step's code; running the same init again picks up from there (the bucket converges, an existing developer keeps their key and .env file).",
    "JSON: {bucket, region, steps: [{title, detail}], developers: [{name, file, accessKeyId}], commands}.",
  ],
  configure(cmd) {
    cmd.description(
      "Set up storage for an app in one go: a bucket with safe defaults (and CORS, versioning, expiry or public-read if asked), least-privilege access for each developer, and their credentials in .env files. On a terminal it asks; otherwise it runs from flags. It shows the plan, asks to confirm, and ends with the equivalent commands for a CI script. Running it again converges.",
    );
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    const { environment, variables } = splitEnvFlags(opts.env);
    if (environment !== undefined && !opts.generateName) {
      throw new UsageError(
        `--env ${environment} is not NAME=FIELD (a variable of the .env files), and only --generate-name uses an environment.`,
        `A variable of the .env files is written --env NAME=FIELD. ${FIELDS_HINT}`,
        "InvalidEnvMapping",
      );
    }
    // Checked before anything else: bad names are exit 2 whichever way init runs.
    let names = chooseNames(ctx.cwd, { style: opts.envStyle, env: variables }, "dotenv");
    const aws = await ctx.aws();
    const fromFlags = hasSetupFlags(opts);
    let answers: InitAnswers;
    let region = aws.region;
    if (fromFlags) {
      answers = answersFromFlags(opts, environment, names);
      const canAsk = ctx.out.streams.stdinIsTTY && ctx.out.streams.stderrIsTTY;
      if (!canAsk && !ctx.globals.yes && !opts.dryRun && !opts.emit) {
        throw new UsageError(
          "init without a terminal applies the plan only with --yes.",
          "Add --yes to apply it, or --dry-run to see the plan first.",
          "ConfirmationRequired",
        );
      }
    } else {
      if (ctx.globals.yes || opts.dryRun || opts.emit) {
        throw new UsageError("init needs a bucket to set up.", FLAGS_HINT, "MissingBucket");
      }
      const ask = await terminalAsker(ctx.out, FLAGS_HINT);
      if (names.namesChosen) ctx.out.info(`Variable names: ${describeNames(names)}.`);
      const asked = await askInitQuestions(ask, {
        region: aws.region,
        ...(names.namesChosen ? { names: names.mapping } : {}),
      });
      region = asked.region;
      answers = asked;
      // Names asked for are saved like names given as flags.
      const own = Object.entries(asked.names.variables);
      if (!names.namesChosen && (asked.names.style !== "aws" || own.length > 0)) {
        names = chooseNames(ctx.cwd, {
          style: asked.names.style,
          env: own.map(([name, source]) => `${name}=${formatSource(source)}`),
        });
      }
    }

    const plainHttp = aws.endpoint("s3").startsWith("http://");
    const plan = planInit(answers, {
      region,
      cwd: ctx.cwd,
      // In the wizard, choosing public-read was the confirmation.
      yes: ctx.globals.yes || !fromFlags || opts.dryRun === true || opts.emit !== undefined,
      plainHttpEndpoint: plainHttp && !opts.emit,
    });

    if (opts.emit) {
      const developers = plan.developers.map((d) =>
        iacDeveloper(d.name, d.grant, { attach: "group", createKey: true }),
      );
      ctx.out.data(renderStack({ bucket: iacBucket(plan.bucket), developers }, opts.emit));
      return undefined;
    }

    const regional = aws.withRegion(region);
    const preview = await createBucket(regional, plan.bucket, {
      dryRun: true,
      strict: opts.strict === true,
    });
    for (const warning of preview.report.warnings) ctx.out.warn(warning);
    for (const gap of preview.report.notSupported) ctx.out.warn(renderNotSupported(gap));
    if (!ctx.out.json || opts.dryRun)
      showPlan(ctx, plan, renderCreatePlan(preview.report, ctx.out), opts.dryRun === true);
    if (opts.dryRun) {
      if (ctx.out.json)
        ctx.out.jsonDocument({
          dryRun: true,
          bucket: preview.report,
          developers: plannedDevelopers(plan),
          commands: plan.commands,
        });
      if (preview.error) throw preview.error;
      return undefined;
    }
    // --strict and the endpoint already said it lacks a setting: stop before asking.
    if (preview.error) throw preview.error;
    if (!fromFlags || !ctx.globals.yes) {
      const go = await confirm(ctx.out, "Apply this plan?", { yes: ctx.globals.yes });
      if (!go) {
        ctx.out.info("Nothing was changed.");
        return ExitCode.ok;
      }
    }
    if (names.save && plan.developers.length > 0) {
      saveMapping(ctx.cwd, names.mapping);
      ctx.out.info(
        `Variable names saved to ${PROJECT_FILE} (${names.changes.join(", ")}): later commands in this folder use them.`,
      );
    }
    return apply(ctx, plan, regional, answers, opts.strict === true, names.namesChosen);
  },
});

function hasSetupFlags(opts: Options): boolean {
  return Boolean(
    opts.bucket || opts.generateName || opts.dev.length > 0 || opts.corsOrigin?.length,
  );
}

/** --env dev (the environment of --generate-name) and --env NAME=FIELD (a variable). */
function splitEnvFlags(values: readonly string[]): { environment?: string; variables: string[] } {
  const environments = [...new Set(values.filter((v) => !v.includes("=")))];
  if (environments.length > 1) {
    throw new UsageError(
      `--env names the environment twice (${environments.join(", ")}).`,
      "Give one environment for --generate-name; variables are written --env NAME=FIELD.",
      "ConflictingOptions",
    );
  }
  const variables = values.filter((v) => v.includes("="));
  return environments[0] !== undefined
    ? { environment: environments[0], variables }
    : { variables };
}

function describeNames(names: ChosenNames): string {
  const own = Object.entries(names.mapping.variables).map(
    ([name, source]) => `${name}=${formatSource(source)}`,
  );
  return [`style ${names.mapping.style}`, ...own].join(", ");
}

function answersFromFlags(
  opts: Options,
  environment: string | undefined,
  names: ChosenNames,
): InitAnswers {
  if (opts.bucket && opts.generateName) {
    throw new UsageError("--bucket and --generate-name exclude each other.", "Give one of them.");
  }
  return {
    ...(opts.bucket ? { bucket: opts.bucket } : {}),
    ...(opts.generateName
      ? { generate: { env: environment ?? "", project: opts.project ?? "" } }
      : {}),
    ...(opts.publicRead ? { publicRead: { prefix: opts.publicPrefix ?? "" } } : {}),
    corsOrigins: opts.corsOrigin ?? [],
    versioning: opts.versioning === true,
    ...(opts.expireDays !== undefined
      ? {
          expire: {
            days: opts.expireDays,
            ...(opts.expirePrefix ? { prefix: opts.expirePrefix } : {}),
          },
        }
      : {}),
    developers: opts.dev.map((d) => parseDevFlag(d, opts.outDir)),
    names: names.mapping,
    ...(opts.strict ? { strict: true } : {}),
  };
}

function plannedDevelopers(plan: InitPlan) {
  return plan.developers.map((d) => ({
    name: d.name,
    access: d.grant.access,
    prefixes: d.grant.prefixes,
    policy: d.grant.name,
    envFile: d.out,
  }));
}

function showPlan(ctx: Context, plan: InitPlan, bucketPlan: string, dryRun: boolean): void {
  const lines = [bucketPlan];
  for (const dev of plan.developers) {
    const scope = dev.grant.prefixes.length > 0 ? ` under ${dev.grant.prefixes.join(", ")}` : "";
    lines.push(
      "",
      `Developer ${dev.name}: ${dev.grant.access} access to ${plan.bucket.bucket}${scope}`,
      `    policy and group ${dev.grant.name}, user ${dev.name} (path /s3kit/), an access key (if the user has none)`,
      `    credentials → ${dev.out} (mode 0600, merged into the file if it exists)`,
    );
  }
  const text = lines.join("\n");
  // The plan is data for a dry run, narration before applying.
  if (dryRun && !ctx.out.json) ctx.out.data(text);
  else ctx.out.info(text);
}

interface StepResult {
  title: string;
  detail: string;
}

async function apply(
  ctx: Context,
  plan: InitPlan,
  aws: Awaited<ReturnType<Context["aws"]>>,
  answers: InitAnswers,
  strict: boolean,
  namesChosen: boolean,
) {
  const done: StepResult[] = [];
  const step = async (title: string, work: () => Promise<string>) => {
    const spinner = await startSpinner(ctx.out, title);
    try {
      const detail = await work();
      spinner.succeed(`${title}: ${detail}`);
      done.push({ title, detail });
    } catch (err) {
      spinner.fail();
      const list = done.map((d) => `  ✓ ${d.title}: ${d.detail}`).join("\n");
      ctx.out.info(
        done.length > 0
          ? `Done before the failure:\n${list}`
          : "Nothing was done before the failure.",
      );
      ctx.out.hint(
        "Fix the cause and run the same init again: what is done already stays as it is.",
      );
      throw err;
    }
  };

  // Before anything is created: every credentials file can be written.
  for (const dev of plan.developers) checkSecretFileTarget(dev.outPath, "");

  await step(`Bucket ${plan.bucket.bucket} in ${plan.bucket.region}`, async () => {
    const outcome = await createBucket(aws, plan.bucket, {
      dryRun: false,
      strict,
      onInterrupt: ctx.onInterrupt,
      onInterruptRollback: (result) => ctx.out.warn(renderInterruptCleanup(result)),
    });
    if (outcome.error) throw outcome.error;
    const r = outcome.report;
    const done = r.created
      ? "created with safe defaults"
      : r.changed
        ? "updated"
        : "already set up";
    if (r.notSupported.length === 0) return done;
    return `${done}; not supported by this endpoint: ${r.notSupported.map((g) => g.label).join(", ")}`;
  });

  const files: { name: string; file: string | null; accessKeyId: string | null }[] = [];
  for (const dev of plan.developers) {
    await step(`Developer ${dev.name} (${dev.grant.access})`, async () => {
      const { result, delivery } = await onboardDeveloper(aws, {
        userName: dev.name,
        grant: dev.grant,
        attach: "group",
        key: "auto",
        confirm: (question) => confirm(ctx.out, question, { yes: ctx.globals.yes }),
        delivery: {
          format: "dotenv",
          mapping: answers.names,
          namesChosen,
          outPath: dev.outPath,
          force: false,
        },
        signal: ctx.signal,
        onInterrupt: ctx.onInterrupt,
      }).catch((err: unknown) => {
        if (err instanceof KeyNotSavedError && err.unsaved) {
          printUnsavedKey(ctx.out, err.unsaved as UnsavedKey, dev.name);
        }
        throw err;
      });
      files.push({
        name: dev.name,
        file: delivery?.file ? dev.out : null,
        accessKeyId: result.accessKey?.accessKeyId ?? null,
      });
      if (delivery?.file)
        return `user ${result.user.created ? "created" : "ready"}, credentials in ${dev.out} (0600)`;
      return `user ready; ${result.keySkipped ?? "no new key"}, ${dev.out} left as it is`;
    });
  }

  const summary = {
    bucket: plan.bucket.bucket,
    region: plan.bucket.region,
    steps: done,
    developers: files,
    commands: plan.commands,
  };
  ctx.out.result(summary, (s) =>
    [
      `Set up ${s.bucket} in ${s.region}${files.length > 0 ? ` with ${files.length} developer${files.length === 1 ? "" : "s"}` : ""}.`,
      "",
      "The same setup without questions (for a CI script or another environment):",
      ...s.commands.map((c) => `  ${c}`),
    ].join("\n"),
  );
  return undefined;
}
