import { adjustForColonBreaks, completionFor, splitCommandLine } from "../core/completion.js";
import { defineCommand } from "./context.js";
import { declareOptions, flag, type OptionsOf, value } from "./options/spec.js";

const options = {
  line: value("--line", "text", "the command line up to the cursor").required(),
  shell: value("--shell", "name", "the shell asking"),
  colonBreaks: flag("--colon-breaks", "the shell splits words at colons (bash)"),
};

/** Called by the completion scripts on every Tab: prints one candidate per line. */
export default defineCommand<OptionsOf<typeof options>>({
  examples: ['s3kit __complete --line "s3kit bucket cr"'],
  configure(cmd) {
    cmd.description(
      "Print completion candidates for a command line (used by `s3kit completion` scripts).",
    );
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    const words = splitCommandLine(opts.line).slice(1);
    const request = completionFor(await ctx.commandTree(), words);
    let candidates: string[] = [];
    if (request.kind === "words") candidates = request.words;
    if (request.kind === "s3") {
      const { listS3Completions } = await import("../core/completion-s3.js");
      candidates = await listS3Completions(await ctx.aws(), request.prefix);
    }
    const current = words.at(-1) ?? "";
    if (opts.colonBreaks) candidates = adjustForColonBreaks(candidates, current);
    if (candidates.length > 0) ctx.out.data(candidates.join("\n"));
    return undefined;
  },
});
