import { Command, CommanderError, type Option } from "commander";
import type { Aws } from "./aws/clients.js";
import { mapAwsError } from "./aws/errors.js";
import type {
  CommandModule,
  Context,
  Env,
  GivenConnection,
  GlobalOptions,
} from "./commands/context.js";
import { type GlobalFlags, globalOptions } from "./commands/options/common.js";
import { declareOptions } from "./commands/options/spec.js";
import type { CompletionTree, OptionSpec } from "./core/completion.js";
import { ExitCode, S3kitError, UsageError } from "./core/errors.js";
import { renderNotes } from "./io/help-notes.js";
import { Output } from "./io/output.js";
import type { IOStreams } from "./io/streams.js";
import { toTerminal } from "./io/terminal-text.js";
import { trackOptionUse } from "./option-checks.js";

declare const S3KIT_VERSION: string;
export const version = typeof S3KIT_VERSION === "string" ? S3KIT_VERSION : "0.0.0-dev";

interface CatalogEntry {
  path: readonly string[];
  summary: string;
  load: () => Promise<{ default: CommandModule<never> }>;
  /** Left out of help (the shell completion helper). */
  hidden?: boolean;
}

/** Command groups (`s3kit bucket …`) and what they are for. */
const groups: Record<string, string> = {
  iam: "Developers and workload roles: least-privilege access, keys, rotation, offboarding, audit",
  policy: "Write, check and debug IAM policies for S3",
  bucket: "Create buckets with safe defaults; inspect, audit, list and delete them",
  "bucket cors": "Show, set or remove a bucket's CORS configuration",
  presign: "Presigned URLs and upload forms: let others download or upload without credentials",
  cdn: "Serve a private bucket's objects through CloudFront with origin access control",
};

/**
 * Every command, its summary, and one lazy import of its code: only the invoked
 * command's module (and the SDK clients it uses) is loaded, so `--help` stays fast.
 */
const catalog: readonly CatalogEntry[] = [
  {
    path: ["whoami"],
    summary: "Show the caller identity, region, endpoint and credential source",
    load: () => import("./commands/whoami.js"),
  },
  {
    path: ["doctor"],
    summary:
      "Check credentials, clock, endpoint and (with --bucket) a bucket's reachability and safety",
    load: () => import("./commands/doctor.js"),
  },
  {
    path: ["init"],
    summary:
      "Set up a bucket, developer access and .env files in one go (asks, or runs from flags)",
    load: () => import("./commands/init/command.js"),
  },
  {
    path: ["bucket", "create"],
    summary: "Create a bucket with safe defaults, or converge an existing one (idempotent)",
    load: () => import("./commands/bucket/create.js"),
  },
  {
    path: ["bucket", "info"],
    summary: "Show every setting of a bucket",
    load: () => import("./commands/bucket/info.js"),
  },
  {
    path: ["bucket", "audit"],
    summary: "Check a bucket against best practice; --fail-on LEVEL for CI",
    load: () => import("./commands/bucket/audit.js"),
  },
  {
    path: ["bucket", "list"],
    summary: "List buckets with region and creation date",
    load: () => import("./commands/bucket/list.js"),
  },
  {
    path: ["bucket", "delete"],
    summary: "Delete a bucket; --force empties it first (versions, delete markers, uploads)",
    load: () => import("./commands/bucket/delete.js"),
  },
  {
    path: ["bucket", "cors", "get"],
    summary: "Show a bucket's CORS rules",
    load: () => import("./commands/bucket/cors/get.js"),
  },
  {
    path: ["bucket", "cors", "set"],
    summary: "Set a bucket's CORS rules from --origin URL… or --file F",
    load: () => import("./commands/bucket/cors/set.js"),
  },
  {
    path: ["bucket", "cors", "delete"],
    summary: "Remove a bucket's CORS configuration",
    load: () => import("./commands/bucket/cors/delete.js"),
  },
  {
    path: ["policy", "generate"],
    summary: "Print a least-privilege IAM policy for a bucket and access level",
    load: () => import("./commands/policy/generate.js"),
  },
  {
    path: ["policy", "lint"],
    summary: "Check policy files for mistakes (unknown actions, missing /*, wildcards, …)",
    load: () => import("./commands/policy/lint.js"),
  },
  {
    path: ["policy", "debug"],
    summary: "Explain why an action is allowed or denied, which statement decided, and the fix",
    load: () => import("./commands/policy/debug.js"),
  },
  {
    path: ["policy", "fix"],
    summary: "Make the smallest policy change that allows the actions; --apply writes it",
    load: () => import("./commands/policy/fix.js"),
  },
  {
    path: ["iam", "add-dev"],
    summary: "Give a developer least-privilege access to a bucket, with an access key",
    load: () => import("./commands/iam/add-dev.js"),
  },
  {
    path: ["iam", "add-role"],
    summary: "Create a role with least-privilege access to a bucket for a workload",
    load: () => import("./commands/iam/add-role.js"),
  },
  {
    path: ["iam", "list-devs"],
    summary: "List the developers and roles s3kit manages, with their keys' age and last use",
    load: () => import("./commands/iam/list-devs.js"),
  },
  {
    path: ["iam", "rotate-key"],
    summary: "Give a developer a new access key and retire the old one",
    load: () => import("./commands/iam/rotate-key.js"),
  },
  {
    path: ["iam", "remove-dev"],
    summary: "Offboard a developer: delete keys, password, policies, memberships and the user",
    load: () => import("./commands/iam/remove-dev.js"),
  },
  {
    path: ["iam", "audit"],
    summary: "Find old, unused and leftover access keys and users with wildcard access",
    load: () => import("./commands/iam/audit.js"),
  },
  {
    path: ["presign", "get"],
    summary: "Print a presigned URL that downloads an object",
    load: () => import("./commands/presign/get.js"),
  },
  {
    path: ["presign", "put"],
    summary: "Print a presigned URL that uploads an object, and the headers to send",
    load: () => import("./commands/presign/put.js"),
  },
  {
    path: ["presign", "post"],
    summary: "Print a presigned browser-form upload (URL and fields, or an HTML form)",
    load: () => import("./commands/presign/post.js"),
  },
  {
    path: ["cdn", "create"],
    summary: "Put CloudFront (origin access control, HTTPS only) in front of a private bucket",
    load: () => import("./commands/cdn/create.js"),
  },
  {
    path: ["cdn", "info"],
    summary: "Show the CloudFront distributions in front of a bucket and whether they can read it",
    load: () => import("./commands/cdn/info.js"),
  },
  {
    path: ["cdn", "delete"],
    summary: "Take down the CloudFront distribution s3kit put in front of a bucket",
    load: () => import("./commands/cdn/delete.js"),
  },
  {
    path: ["cp"],
    summary: "Copy files to and from S3, or between buckets (multipart, recursive, stdin/stdout)",
    load: () => import("./commands/cp.js"),
  },
  {
    path: ["sync"],
    summary:
      "Mirror a folder or prefix to another, transferring only what changed (--delete, --dry-run)",
    load: () => import("./commands/sync.js"),
  },
  {
    path: ["mv"],
    summary: "Move files or objects: copy, check the copy, then delete the source",
    load: () => import("./commands/mv.js"),
  },
  {
    path: ["ls"],
    summary: "List buckets, or the objects under s3://BUCKET[/PREFIX]",
    load: () => import("./commands/ls.js"),
  },
  {
    path: ["rm"],
    summary: "Delete an object, or everything under a prefix with --recursive",
    load: () => import("./commands/rm.js"),
  },
  {
    path: ["stat"],
    summary: "Show an object's size, type, ETag, dates, storage class, encryption and metadata",
    load: () => import("./commands/stat.js"),
  },
  {
    path: ["exists"],
    summary: "Exit 0 if an object exists, 3 if it does not (for scripts)",
    load: () => import("./commands/exists.js"),
  },
  {
    path: ["completion"],
    summary: "Print a shell completion script (bash, zsh, fish)",
    load: () => import("./commands/completion.js"),
  },
  {
    path: ["__complete"],
    summary: "Complete a command line (used by the completion scripts)",
    load: () => import("./commands/complete.js"),
    hidden: true,
  },
];

export interface RunOptions {
  argv: readonly string[];
  streams: IOStreams;
  env: Env;
  cwd: string;
  signal: AbortSignal;
  onInterrupt: Context["onInterrupt"];
}

// Options that take a value; the value must not be mistaken for a command name.
const VALUE_OPTIONS = new Set(["--profile", "--region", "--endpoint-url"]);

/** Runs s3kit with the given arguments and returns the exit code; never calls process.exit. */
export async function runProgram(options: RunOptions): Promise<number> {
  const { argv, streams, env } = options;
  let out = new Output(streams, {
    json: argv.includes("--json"),
    quiet: argv.includes("--quiet") || argv.includes("-q"),
    debug: argv.includes("--debug"),
    color: !argv.includes("--no-color"),
    env,
  });
  let commanderMessage = "";
  const program = new Command("s3kit")
    .description(
      "Provision and operate S3 storage: safe buckets, least-privilege policies, developer keys, AccessDenied debugging, presigned URLs and transfers.",
    )
    .version(version, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => writeHelp(streams.stdout, toTerminal(s)),
      writeErr: (s) => streams.stderr.write(toTerminal(s)),
      outputError: (s) => {
        commanderMessage = s;
      },
      // Help reads best at 80 columns, and reads the same in docs/commands.md.
      getOutHelpWidth: () => helpWidth(streams.stdoutIsTTY, streams.columns),
      getErrHelpWidth: () => helpWidth(streams.stderrIsTTY, streams.columns),
    })
    // Long option names (presign get) still leave their descriptions 30 columns to wrap in.
    .configureHelp({ showGlobalOptions: true, minWidthToWrap: 30 })
    .showSuggestionAfterError(true);
  addGlobalOptions(program);
  program.addHelpText("after", rootHelpFooter);
  const optionUse = trackOptionUse();
  optionUse.watch(program);

  let exitCode: number = ExitCode.ok;
  try {
    await buildCommands(program, argv, optionUse.watch, async (mod, command, params) => {
      optionUse.check();
      const globals = readGlobals(command.optsWithGlobals());
      out = new Output(streams, { ...globals, env });
      await out.useColor();
      const ctx = createContext(globals, out, options);
      // commander passes the positional arguments, then the options object and the command.
      exitCode = (await mod.run(ctx, params.slice(0, -2), command.opts() as never)) ?? ExitCode.ok;
    });
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    await out.useColor();
    exitCode = handleError(err, out, commanderMessage);
  }
  return exitCode;
}

function addGlobalOptions(program: Command): void {
  declareOptions(program, globalOptions);
}

const rootHelpFooter = `
Examples:
  $ s3kit init
  $ s3kit bucket create my-app-uploads --cors-origin https://app.example.com
  $ s3kit iam add-dev alice --bucket my-app-uploads --access read-write --out .env
  $ s3kit policy debug --user alice --bucket my-app-uploads --key uploads/a.png
  $ s3kit presign put s3://my-app-uploads/uploads/a.png --content-type image/png
  $ s3kit --endpoint-url http://127.0.0.1:9000 whoami --json

Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 access denied or no
credentials, 5 conflict, 6 check failed, 130 interrupted.`;

/** The catalog entry the arguments name, so that only its module is loaded. */
function findTarget(argv: readonly string[]): CatalogEntry | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    if (words.length === 0 && arg === "help") continue;
    words.push(arg);
    if (words.length === 3) break;
  }
  let best: CatalogEntry | undefined;
  for (const entry of catalog) {
    if (
      entry.path.every((p, i) => words[i] === p) &&
      entry.path.length > (best?.path.length ?? 0)
    ) {
      best = entry;
    }
  }
  return best;
}

type Action = (mod: CommandModule<never>, command: Command, params: unknown[]) => Promise<void>;

async function buildCommands(
  program: Command,
  argv: readonly string[],
  watchOptions: (command: Command) => void,
  action: Action,
) {
  const target = findTarget(argv);
  const parents = new Map<string, Command>();
  const parentOf = (path: readonly string[]): Command => {
    let parent = program;
    for (let depth = 1; depth < path.length; depth++) {
      const key = path.slice(0, depth).join(" ");
      let group = parents.get(key);
      if (!group) {
        const name = path[depth - 1] as string;
        group = parent
          .command(name)
          .description(groups[key] ?? "")
          .summary(groups[key] ?? "");
        parents.set(key, group);
      }
      parent = group;
    }
    return parent;
  };

  // With the command known, commander needs only its path: registering the other thirty
  // takes longer than parsing. Help (which may list them) and suggestions need them all.
  const asksForHelp = argv.some((a) => a === "help" || a === "--help" || a === "-h");
  for (const entry of target && !asksForHelp ? [target] : catalog) {
    const cmd = parentOf(entry.path)
      .command(entry.path.at(-1) as string, { hidden: entry.hidden === true })
      .summary(entry.summary);
    cmd.description(entry.summary);
    if (entry !== target) continue;
    const mod = (await entry.load()).default;
    configureCommand(cmd, mod);
    watchOptions(cmd);
    cmd.action((...params: unknown[]) => action(mod, cmd, params));
  }
}

function configureCommand(cmd: Command, mod: CommandModule<never>): void {
  mod.configure(cmd);
  if (mod.examples.length > 0) {
    cmd.addHelpText("after", `\nExamples:\n${mod.examples.map((e) => `  $ ${e}`).join("\n")}`);
  }
  const notes = mod.notes;
  if (notes && notes.length > 0) {
    cmd.addHelpText("after", ({ command, error }) => {
      const output = command.configureOutput();
      const width = (error ? output.getErrHelpWidth : output.getOutHelpWidth)?.() ?? 80;
      return renderNotes(notes, width);
    });
  }
}

/** Help written into a pipe whose reader has left (`--help | head`) is not an error. */
function writeHelp(stdout: IOStreams["stdout"], text: string): void {
  if (!stdout.listeners("error").includes(ignoreEpipe)) stdout.on("error", ignoreEpipe);
  stdout.write(text);
}

function ignoreEpipe(err: NodeJS.ErrnoException): void {
  if (err.code !== "EPIPE") throw err;
}

function helpWidth(isTTY: boolean, columns: number): number {
  return isTTY ? Math.min(80, columns) : 80;
}

/** Loads every command module to describe all commands and options (for shell completion). */
async function commandTree(): Promise<CompletionTree> {
  const describe = (options: readonly Option[]): OptionSpec[] =>
    options
      .filter((o) => !o.hidden)
      .map((o) => ({
        flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
        takesValue: o.required || o.optional,
        ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
      }));
  const commands = await Promise.all(
    catalog
      .filter((entry) => !entry.hidden)
      .map(async (entry) => {
        const cmd = new Command(entry.path.at(-1) as string);
        configureCommand(cmd, (await entry.load()).default);
        return {
          path: [...entry.path],
          options: describe(cmd.options),
          argumentChoices: cmd.registeredArguments.map((a) =>
            a.argChoices ? [...a.argChoices] : undefined,
          ),
        };
      }),
  );
  const root = new Command();
  addGlobalOptions(root);
  const help: OptionSpec = { flags: ["-h", "--help"], takesValue: false };
  return { commands, globalOptions: [...describe(root.options), help] };
}

function readGlobals(raw: Partial<GlobalFlags>): GlobalOptions {
  return {
    ...(typeof raw.profile === "string" ? { profile: raw.profile } : {}),
    ...(typeof raw.region === "string" ? { region: raw.region } : {}),
    ...(typeof raw.endpointUrl === "string" ? { endpointUrl: raw.endpointUrl } : {}),
    pathStyle: raw.pathStyle === true,
    json: raw.json === true,
    quiet: raw.quiet === true,
    color: raw.color !== false,
    yes: raw.yes === true,
    debug: raw.debug === true,
  };
}

function createContext(globals: GlobalOptions, out: Output, options: RunOptions): Context {
  let aws: Promise<Aws> | undefined;
  return {
    globals,
    out,
    env: options.env,
    cwd: options.cwd,
    signal: options.signal,
    onInterrupt: options.onInterrupt,
    commandTree,
    aws: () => {
      // Imported on first use: commands that never call AWS do not load the SDK.
      aws ??= import("./aws/clients.js").then(({ Aws }) =>
        Aws.fromOptions(globals, options.env, globals.debug ? (l) => out.debug(l) : undefined),
      );
      return aws;
    },
    connect: async (given: GivenConnection) => {
      const { Aws } = await import("./aws/clients.js");
      const { profile: _keysAreGiven, ...connection } = globals;
      const { env, ...keys } = given;
      return Aws.fromOptions(
        connection,
        env,
        globals.debug ? (l) => out.debug(l) : undefined,
        keys,
      );
    },
  };
}

function handleError(err: unknown, out: Output, commanderMessage: string): number {
  if (err instanceof CommanderError) {
    if (
      err.code === "commander.helpDisplayed" ||
      err.code === "commander.version" ||
      (err.code === "commander.help" && err.exitCode === 0)
    ) {
      return ExitCode.ok;
    }
    if (err.code === "commander.help" || err.code === "commander.executeSubCommandAsync") {
      return ExitCode.usage;
    }
    out.error(usageFromCommander(commanderMessage || err.message));
    return ExitCode.usage;
  }
  const error = toS3kitError(err);
  out.error(error.toJSON());
  if (!(err instanceof S3kitError) && out.options.debug && err instanceof Error && err.stack) {
    out.debug(err.stack);
  }
  return error.exitCode;
}

function usageFromCommander(message: string): UsageError {
  const text = message.trim().replace(/^error:\s*/, "");
  const [first, ...rest] = text.split("\n");
  const suggestion = rest.join(" ").trim();
  return new UsageError(
    `${first}.`.replace(/\.\.$/, "."),
    suggestion
      ? `${suggestion} See \`s3kit --help\`.`
      : "See `s3kit --help` or `s3kit COMMAND --help`.",
  );
}

export function toS3kitError(err: unknown): S3kitError {
  if (err instanceof S3kitError) return err;
  if (isSdkError(err)) return mapAwsError(err);
  const message = err instanceof Error ? err.message : String(err);
  return new S3kitError({
    code: "InternalError",
    message,
    hint: "This is a bug in s3kit; run again with --debug and report it.",
    exitCode: ExitCode.failure,
  });
}

function isSdkError(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  return (
    "$metadata" in err ||
    "$fault" in err ||
    "code" in err ||
    (err as Error).name === "CredentialsProviderError"
  );
}
