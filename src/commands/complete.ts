import { adjustForColonBreaks, completionFor, splitCommandLine } from "../core/completion.js";
import { defineCommand } from "./context.js";

interface Options {
  line: string;
  shell?: string;
  colonBreaks?: boolean;
}

/** Called by the completion scripts on every Tab: prints one candidate per line. */
export default defineCommand<Options>({
  examples: ['s3kit __complete --line "s3kit bucket cr"'],
  configure(cmd) {
    cmd
      .description(
        "Print completion candidates for a command line (used by `s3kit completion` scripts).",
      )
      .requiredOption("--line <text>", "the command line up to the cursor")
      .option("--shell <name>", "the shell asking")
      .option("--colon-breaks", "the shell splits words at colons (bash)");
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
