import { Argument } from "commander";
import { completionScripts, type Shell } from "../core/completion.js";
import { defineCommand } from "./context.js";

const shells = Object.keys(completionScripts) as Shell[];

export default defineCommand({
  examples: [
    "source <(s3kit completion bash)        # add to ~/.bashrc",
    "source <(s3kit completion zsh)         # add to ~/.zshrc",
    "s3kit completion fish | source         # add to ~/.config/fish/config.fish",
  ],
  configure(cmd) {
    cmd
      .description(
        "Print a completion script for commands, subcommands, flags, flag values with fixed choices, and s3:// locations: bucket names and the keys and folders under a prefix, looked up with the current credentials with a 2-second limit (nothing is offered when they do not work).",
      )
      .addArgument(new Argument("<shell>", "the shell to complete for").choices(shells));
  },
  async run(ctx, args) {
    ctx.out.data(completionScripts[args[0] as Shell]);
    return undefined;
  },
});
