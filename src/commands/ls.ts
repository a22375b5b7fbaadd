import { UsageError } from "../core/errors.js";
import { bucketEntries, listObjects } from "../core/objects/list.js";
import { parseS3Location } from "../core/s3/location.js";
import { formatBytes } from "../core/s3/size.js";
import { oneLine } from "../io/terminal-text.js";
import { defineCommand } from "./context.js";
import { declareOptions, flag, type OptionsOf } from "./options/spec.js";

const options = {
  recursive: flag("-r, --recursive", "list every object under the prefix, not only the next level"),
  human: flag("-H, --human", "sizes in KiB, MiB, GiB"),
};

const DATE_WIDTH = 19;
const SIZE_WIDTH = 10;

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit ls",
    "s3kit ls s3://my-app-uploads/",
    "s3kit ls s3://my-app-uploads/images/ --recursive --human",
    "s3kit ls s3://my-app-uploads/ --recursive --json | jq -r 'select(.size > 1048576) | .key'",
  ],
  notes: [
    "Without --recursive, keys are grouped at the next / and names are shown relative to the prefix, like `aws s3 ls`; with it, every key is listed in full. Every page is followed and printed as it arrives. A missing bucket exits 3.",
    'JSON lines: {"type":"object", key, size, lastModified, etag, storageClass}, {"type":"prefix", prefix}, and for buckets {"type":"bucket", name, creationDate}.',
    "Keys are exact, whatever they hold: listings ask S3 for URL-encoded keys, as the AWS CLI does, since XML cannot carry every character (a carriage return would come back as a line feed).",
  ],
  configure(cmd) {
    cmd
      .description(
        "Without a location, list your buckets. With s3://BUCKET[/PREFIX], list what is under it: objects and, unless --recursive, the next level of prefixes (PRE lines), like folders. Long listings stream page by page; --json prints one JSON object per line.",
      )
      .argument("[location]", "s3://BUCKET or s3://BUCKET/PREFIX");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const [text] = args as [string | undefined];
    const location = text === undefined ? undefined : parseS3Location(text);
    if (!location && opts.recursive) {
      throw new UsageError(
        "--recursive lists the objects of a bucket; name one.",
        "Run `s3kit ls s3://BUCKET --recursive`.",
      );
    }
    const aws = await ctx.aws();
    const { out } = ctx;
    if (!location) {
      for await (const bucket of bucketEntries(aws, ctx.signal)) {
        if (out.readerGone) break;
        if (out.json) out.jsonLine(bucket);
        else out.data(`${formatDate(bucket.creationDate)}  ${oneLine(bucket.name)}`);
      }
      await out.flushed();
      return undefined;
    }
    // Without --recursive, names are shown relative to the "folder" of the prefix, like `aws s3 ls`.
    const folder = opts.recursive ? "" : location.key.slice(0, location.key.lastIndexOf("/") + 1);
    let written = 0;
    for await (const entry of listObjects(aws, location, {
      recursive: opts.recursive === true,
      signal: ctx.signal,
    })) {
      // The reader went away (| head): nobody is left to list for.
      if (out.readerGone) break;
      if (out.json) {
        out.jsonLine(entry);
      } else if (entry.type === "prefix") {
        out.data(
          `${" ".repeat(DATE_WIDTH)}  ${"PRE".padStart(SIZE_WIDTH)}  ${oneLine(entry.prefix.slice(folder.length))}`,
        );
      } else {
        const size = opts.human ? formatBytes(entry.size) : String(entry.size);
        out.data(
          `${formatDate(entry.lastModified)}  ${size.padStart(SIZE_WIDTH)}  ${oneLine(entry.key.slice(folder.length))}`,
        );
      }
      // Keep pace with a slow reader instead of buffering the whole listing.
      if (++written % 1000 === 0) await out.flushed();
    }
    await out.flushed();
    return undefined;
  },
});

/** Local time, `YYYY-MM-DD HH:MM:SS`, like `aws s3 ls`. */
function formatDate(iso: string | null): string {
  if (!iso) return "".padEnd(DATE_WIDTH);
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
