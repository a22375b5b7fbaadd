/** The command tree as completion needs it: names, options, whether an option takes a value. */
export interface OptionSpec {
  /** Every spelling, e.g. ["-y", "--yes"]. */
  flags: string[];
  takesValue: boolean;
  choices?: string[];
}

export interface CommandSpec {
  path: string[];
  options: OptionSpec[];
  /** Allowed values of each positional argument, where the command restricts them. */
  argumentChoices: (string[] | undefined)[];
}

export interface CompletionTree {
  commands: CommandSpec[];
  globalOptions: OptionSpec[];
}

/** What to offer for the word under the cursor. `s3` asks the caller to list buckets or keys. */
export type CompletionRequest =
  | { kind: "words"; words: string[] }
  | { kind: "s3"; prefix: string }
  | { kind: "files" };

/** Splits a command line the way a shell would, well enough for completion: quotes and escapes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  // The word under the cursor, possibly empty when the line ends with a space.
  words.push(current);
  return words;
}

/**
 * Decides what to complete from the words after the program name (the last one is
 * the word being typed). Pure, so every shell gets the same answers.
 */
export function completionFor(tree: CompletionTree, words: readonly string[]): CompletionRequest {
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  const path: string[] = [];
  let positionals = 0;
  let pendingValue: OptionSpec | undefined;
  for (const word of before) {
    if (pendingValue) {
      pendingValue = undefined;
      continue;
    }
    if (word.startsWith("-")) {
      const option = findOption(tree, path, word);
      if (option?.takesValue && !word.includes("=")) pendingValue = option;
      continue;
    }
    const next = [...path, word];
    if (positionals === 0 && tree.commands.some((c) => startsWith(c.path, next))) path.push(word);
    else positionals++;
  }

  if (pendingValue) {
    return pendingValue.choices ? words_(pendingValue.choices, current) : { kind: "files" };
  }
  if (current.startsWith("-")) {
    const flags = [...optionsAt(tree, path), ...tree.globalOptions].flatMap((o) =>
      o.flags.filter((f) => f.startsWith("--")),
    );
    return words_([...new Set(flags)], current);
  }
  const children = childNames(tree, path);
  if (children.length > 0 && !tree.commands.some((c) => samePath(c.path, path))) {
    return words_(children, current);
  }
  const choices = tree.commands.find((c) => samePath(c.path, path))?.argumentChoices[positionals];
  if (choices) return words_(choices, current);
  if ("s3://".startsWith(current) || current.startsWith("s3://")) {
    if (current.length >= 2) return { kind: "s3", prefix: current };
  }
  return { kind: "files" };
}

function words_(candidates: readonly string[], current: string): CompletionRequest {
  return { kind: "words", words: candidates.filter((c) => c.startsWith(current)).sort() };
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

function childNames(tree: CompletionTree, path: readonly string[]): string[] {
  const names = tree.commands
    .filter((c) => c.path.length > path.length && startsWith(c.path, path))
    .map((c) => c.path[path.length] as string);
  return [...new Set(names)];
}

function optionsAt(tree: CompletionTree, path: readonly string[]): OptionSpec[] {
  return tree.commands.find((c) => samePath(c.path, path))?.options ?? [];
}

function findOption(
  tree: CompletionTree,
  path: readonly string[],
  word: string,
): OptionSpec | undefined {
  const flag = word.split("=")[0] as string;
  return [...optionsAt(tree, path), ...tree.globalOptions].find((o) => o.flags.includes(flag));
}

/** Bash splits words at `:`, so it wants only the part after the last colon back. */
export function adjustForColonBreaks(candidates: readonly string[], current: string): string[] {
  const colon = current.lastIndexOf(":");
  if (colon === -1) return [...candidates];
  return candidates.map((c) => c.slice(colon + 1));
}

const bashScript = `# s3kit completion for bash. Load it with:  source <(s3kit completion bash)
_s3kit_complete() {
  local IFS=$'\\n' breaks=""
  [[ $COMP_WORDBREAKS == *:* ]] && breaks="--colon-breaks"
  COMPREPLY=($(command s3kit __complete --shell bash $breaks --line "\${COMP_LINE:0:COMP_POINT}" 2>/dev/null))
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == */ ]]; then
    compopt -o nospace 2>/dev/null
  fi
}
complete -o default -F _s3kit_complete s3kit
`;

const zshScript = `#compdef s3kit
# s3kit completion for zsh. Load it with:  source <(s3kit completion zsh)
_s3kit() {
  local -a candidates
  candidates=("\${(@f)$(command s3kit __complete --shell zsh --line "\${BUFFER[1,CURSOR]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  if (( \${#candidates} == 0 )); then
    _files
    return
  fi
  compadd -S '' -Q -- \${(M)candidates:#*/}
  compadd -Q -- \${candidates:#*/}
}
if (( $+functions[compdef] )); then compdef _s3kit s3kit; fi
`;

const fishScript = `# s3kit completion for fish. Load it with:  s3kit completion fish | source
complete -c s3kit -a '(command s3kit __complete --shell fish --line (commandline -cp) 2>/dev/null)'
`;

export const completionScripts = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;
export type Shell = keyof typeof completionScripts;
