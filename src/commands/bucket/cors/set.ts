import { setCors } from "../../../core/buckets/cors.js";
import { describeCors } from "../../../core/buckets/describe.js";
import { readInputFile } from "../../../core/buckets/json-input.js";
import { parseCorsFlags } from "../../../core/buckets/spec.js";
import { assertValidBucketName } from "../../../core/s3/bucket-names.js";
import { defineCommand } from "../../context.js";
import { declareOptions, list, type OptionsOf, value } from "../../options/spec.js";

const options = {
  origin: list("--origin", "url", "browser origins, e.g. https://app.example.com"),
  methods: list(
    "--methods",
    "method",
    "GET, PUT, POST, DELETE, HEAD (default GET, PUT, POST, HEAD)",
  ),
  file: value("--file", "file", "CORS rules from a JSON file"),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit bucket cors set my-app-uploads --origin https://app.example.com http://localhost:3000",
    "s3kit bucket cors set my-app-uploads --origin https://app.example.com --methods GET,PUT",
    "s3kit bucket cors set my-app-uploads --file cors.json",
  ],
  notes: [
    "An origin is written as the browser sends it, scheme://host[:port]: https://app.example.com, http://localhost:3000. One without a scheme or with a path is refused (exit 2) with the fix. With --json, changed says whether anything was written and previous holds the rules it replaced.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Replace a bucket's CORS configuration: one rule for --origin URL… (methods GET, PUT, " +
          "POST, HEAD or --methods; headers *; exposes ETag; max-age 3600), or the rules of a " +
          'JSON file ({"CORSRules": [...]}, as `aws s3api put-bucket-cors` takes). Unchanged ' +
          "rules are not written again.",
      )
      .argument("<name>", "bucket name");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const name = args[0] as string;
    assertValidBucketName(name);
    const rules = parseCorsFlags({
      origin: opts.origin,
      methods: opts.methods,
      file: opts.file ? readInputFile(opts.file, "--file", ctx.cwd) : undefined,
    });
    const result = await setCors(await ctx.aws(), name, rules);
    ctx.out.result(result, (r) => describeCors(r.cors).join("\n"));
    if (result.changed) ctx.out.success(`Set the CORS configuration of ${name}.`);
    else ctx.out.success(`${name} already has this CORS configuration: nothing changed.`);
    return undefined;
  },
});
