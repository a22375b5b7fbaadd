import type { Writable } from "node:stream";
import type { ErrorInfo } from "../core/errors.js";
import type { IOStreams } from "./streams.js";
import { colorEnabled, loadStyle, plainStyle, type Style, symbols } from "./style.js";
import { oneLine, toTerminal } from "./terminal-text.js";

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  debug: boolean;
  color: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The only writer to the terminal. Data goes to stdout; everything meant for the
 * person (progress, hints, warnings, errors) goes to stderr, so pipes get clean data.
 * Every line passes through toTerminal: control characters in keys, names and messages
 * are shown escaped, never acted on, and JSON keeps exact values (as JSON escapes).
 */
export class Output {
  readonly streams: IOStreams;
  readonly options: OutputOptions;
  private stdoutStyle: Style = plainStyle;
  private stderrStyle: Style = plainStyle;

  constructor(streams: IOStreams, options: OutputOptions) {
    this.streams = streams;
    this.options = options;
  }

  /**
   * Decides on colour for each stream (only on a terminal, unless NO_COLOR, --no-color or
   * FORCE_COLOR say otherwise); until then, and where it is off, text is left plain.
   */
  async useColor(): Promise<void> {
    this.stdoutStyle = await loadStyle(colorEnabled(this.streams.stdoutIsTTY, this.options));
    this.stderrStyle = await loadStyle(colorEnabled(this.streams.stderrIsTTY, this.options));
  }

  /** Styles for stdout. */
  get style(): Style {
    return this.stdoutStyle;
  }

  /** Styles for stderr. */
  get errStyle(): Style {
    return this.stderrStyle;
  }

  get json(): boolean {
    return this.options.json;
  }

  /** Spinners and progress bars only on an interactive stderr, never with --json or --quiet. */
  get interactive(): boolean {
    return this.streams.stderrIsTTY && !this.options.json && !this.options.quiet;
  }

  /** One line (or block) of data on stdout. */
  data(text: string): void {
    const safe = toTerminal(text);
    this.#writeData(safe.endsWith("\n") ? safe : `${safe}\n`);
  }

  /**
   * True once the reader of stdout has gone away (`| head`): a listing can stop, as nobody
   * is left to print for. Writes after that are dropped rather than crash on EPIPE.
   */
  get readerGone(): boolean {
    return this.#stdoutError !== undefined;
  }

  #writeData(text: string): void {
    this.#watchStdout();
    if (this.#stdoutError) return;
    this.streams.stdout.write(text);
  }

  /**
   * A generated file (an HTML page) on stdout: byte for byte when redirected, where it is
   * meant to go, and escaped like any other text on a terminal.
   */
  file(text: string): void {
    const shown = this.streams.stdoutIsTTY ? toTerminal(text) : text;
    this.#writeData(shown.endsWith("\n") ? shown : `${shown}\n`);
  }

  /** The single JSON document of a `--json` run. */
  jsonDocument(value: unknown): void {
    this.#writeData(`${toTerminal(JSON.stringify(value, null, 2))}\n`);
  }

  /**
   * Streamed data (batch output) with backpressure: resolves at once while stdout
   * keeps up, otherwise when it has drained. Resolves false, and writes nothing
   * more, once the reader has gone away (e.g. `| head`): there is nobody left to
   * print for, so the caller can stop early.
   */
  stream(text: string): undefined | Promise<boolean> {
    const stdout = this.streams.stdout;
    this.#watchStdout();
    if (this.#stdoutError) return this.#afterStdoutError();
    if (stdout.write(toTerminal(text))) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        stdout.off("drain", done);
        stdout.off("close", done);
        stdout.off("error", done);
        resolve();
      };
      stdout.on("drain", done);
      stdout.on("close", done);
      stdout.on("error", done);
    }).then(() => (this.#stdoutError ? this.#afterStdoutError() : true));
  }

  /**
   * Resolves when everything written to stdout has been handed to the OS. A pipe
   * is written asynchronously, and the process exits right after the command
   * returns: a command that streamed a lot waits for this first.
   */
  flush(): Promise<void> {
    const stdout = this.streams.stdout;
    if (this.#stdoutError || stdout.writableLength === 0 || stdout.destroyed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      stdout.write("", () => resolve());
    });
  }

  #stdoutError: NodeJS.ErrnoException | undefined;
  #watchingStdout = false;

  #watchStdout(): void {
    if (this.#watchingStdout) return;
    this.#watchingStdout = true;
    this.streams.stdout.on("error", (err: NodeJS.ErrnoException) => {
      this.#stdoutError ??= err;
    });
  }

  async #afterStdoutError(): Promise<boolean> {
    // The reader closed the pipe: nobody is left to print for, which is not a failure.
    if (this.#stdoutError?.code === "EPIPE") return false;
    throw this.#stdoutError;
  }

  /** One record of a streamed listing (JSON lines). */
  jsonLine(value: unknown): void {
    this.#writeData(`${toTerminal(JSON.stringify(value))}\n`);
  }

  /**
   * Resolves once stdout has taken everything written so far. When stdout is a socket
   * (a parent process's pipe) writes are asynchronous: long listings wait here after each
   * page (so memory stays flat) and before the command returns (so exit truncates nothing).
   */
  flushed(): Promise<void> {
    const stdout = this.streams.stdout as Writable & { writableLength?: number };
    if (!stdout.writableLength) return Promise.resolve();
    return new Promise((resolve) => {
      stdout.write("", () => resolve());
    });
  }

  /** Prints a command's result: as JSON with --json, otherwise as the human rendering. */
  result<T>(value: T, human: (value: T) => string | undefined): void {
    if (this.options.json) {
      this.jsonDocument(value);
      return;
    }
    const text = human(value);
    if (text !== undefined && text !== "") this.data(text);
  }

  /** Narration for people: suppressed by --quiet. */
  info(message: string): void {
    if (!this.options.quiet) this.err(message);
  }

  success(message: string): void {
    if (!this.options.quiet) this.err(`${this.errStyle.green(symbols.ok)} ${message}`);
  }

  warn(message: string): void {
    this.err(`${this.errStyle.yellow("warning:")} ${message}`);
  }

  hint(message: string): void {
    if (!this.options.quiet) this.err(this.errStyle.dim(message));
  }

  debug(line: string): void {
    if (this.options.debug) this.err(this.errStyle.dim(`[debug] ${line}`));
  }

  /** An error: one line for the message, one per detail, one for the hint. */
  error(info: ErrorInfo): void {
    if (this.options.json) {
      this.err(
        JSON.stringify({
          error: {
            code: info.code,
            message: info.message,
            hint: info.hint ?? null,
            ...(info.details ? { details: info.details } : {}),
          },
        }),
      );
      return;
    }
    this.err(`${this.errStyle.red("error:")} ${oneLine(info.message)}`);
    for (const detail of info.details ?? []) this.err(`  ${oneLine(detail)}`);
    if (info.hint) this.err(`${this.errStyle.dim("hint:")} ${oneLine(info.hint)}`);
  }

  private err(text: string): void {
    this.streams.stderr.write(`${toTerminal(text)}\n`);
  }
}
