import type { Command } from "commander";
import type { Aws } from "../aws/clients.js";
import type { RegisterCleanup } from "../core/cleanup.js";
import type { CompletionTree } from "../core/completion.js";
import type { Output } from "../io/output.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The global options of DESIGN.md, as every command receives them. */
export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  pathStyle: boolean;
  json: boolean;
  quiet: boolean;
  color: boolean;
  yes: boolean;
  debug: boolean;
}

export interface GivenConnection {
  env: Env;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where the keys came from, for `whoami` (`--env-file .env`). */
  source: string;
  /** Where AWS_REGION and AWS_ENDPOINT_URL of `env` came from, when not the environment. */
  regionSource?: string;
  endpointSource?: string;
}

/** What a command gets besides its own arguments: the terminal, the environment, AWS. */
export interface Context {
  globals: GlobalOptions;
  out: Output;
  env: Env;
  cwd: string;
  /** The AWS connection; settings are validated on first use (bad --region → exit 2). */
  aws(): Promise<Aws>;
  /**
   * Another connection with these keys and this environment (what a credentials file
   * says) under the same global options, --profile aside: the keys are given.
   */
  connect(given: GivenConnection): Promise<Aws>;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /**
   * Registers cleanup to run on Ctrl-C before s3kit exits 130; returns an unregister
   * function. The cleanup describes what it has left to do, so that a further Ctrl-C (or a
   * failure) can print the commands that finish it by hand.
   */
  onInterrupt: RegisterCleanup;
  /** Every command and its options (loads every command module: for completion only). */
  commandTree(): Promise<CompletionTree>;
}

/**
 * A command module: `configure` declares its arguments, options and help (it runs
 * only when the command is the one invoked, or when its help is shown), and `run`
 * parses nothing itself, calls core, and renders. Returning a number sets the exit code.
 */
export interface CommandModule<Opts = Record<string, unknown>> {
  examples: readonly string[];
  /**
   * Shown after the examples in `--help` (and so in docs/commands.md): paragraphs without
   * line breaks, wrapped at the help's width; "- " starts a list item (see io/help-notes).
   */
  notes?: readonly string[];
  configure(cmd: Command): void;
  run(ctx: Context, args: readonly unknown[], opts: Opts): Promise<number | undefined>;
}

export function defineCommand<Opts>(module: CommandModule<Opts>): CommandModule<Opts> {
  return module;
}
