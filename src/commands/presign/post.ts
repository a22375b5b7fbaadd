import { UsageError } from "../../core/errors.js";
import { parseDuration, renderUploadForm } from "../../core/presign/index.js";
import {
  checkPostOptions,
  locationFromVariadic,
  parseMaxSize,
  parseMetadata,
} from "../../core/presign/options.js";
import {
  FILENAME_PLACEHOLDER,
  type PresignedPost,
  type PresignPostOptions,
  presignPost,
} from "../../core/presign/post.js";
import { openPresignSession, sessionExpiryWarning } from "../../core/presign/session.js";
import { parseS3Location } from "../../core/s3/location.js";
import { formatSize, parseSize, SIZE_UNITS_HELP } from "../../core/s3/size.js";
import { renderFields } from "../../io/table.js";
import { defineCommand } from "../context.js";
import { presignOptions, uploadConditions } from "../options/presign.js";
import { declareOptions, flag, type OptionsOf, value } from "../options/spec.js";

const options = {
  expires: presignOptions.expires.describe(
    "how long the form works: 900, 15m, 1h, 7d (at most 7d)",
  ),
  maxSize: value(
    "--max-size",
    "size",
    `largest file accepted, e.g. 10MB (at most 5GiB; ${SIZE_UNITS_HELP})`,
  ),
  minSize: value("--min-size", "size", `smallest file accepted (default 0; ${SIZE_UNITS_HELP})`),
  contentType: uploadConditions.contentType.describe(
    "the file must be uploaded with exactly this Content-Type",
  ),
  contentTypePrefix: value(
    "--content-type-prefix",
    "prefix",
    "the file's Content-Type must start with this, e.g. image/",
  ),
  metadata: uploadConditions.metadata.describe(
    "user metadata stored with the file (fixed by the policy)",
  ),
  sse: uploadConditions.sse.describe("server-side encryption for the file"),
  sseKmsKeyId: uploadConditions.sseKmsKeyId,
  html: flag("--html", "print a minimal working HTML upload form instead"),
};

type Options = OptionsOf<typeof options>;

export default defineCommand<Options>({
  examples: [
    "s3kit presign post s3://my-app-uploads/avatars/ --max-size 5MB --content-type-prefix image/",
    "s3kit presign post s3://my-app-uploads/avatars/ --max-size 5MB --content-type-prefix image/ --json",
    "s3kit presign post s3://my-app-uploads/inbox/ --max-size 10MB --html > upload.html",
    "s3kit presign post s3://my-app-uploads/reports/q3.pdf --content-type application/pdf --expires 15m",
  ],
  notes: [
    "JSON: {url, fields, expiresAt, conditions}: POST the fields, in order, as multipart/form-data, with the file as the last field; conditions is the decoded policy. With --content-type-prefix the form sends a Content-Type field too (the file's type). S3 answers 204 on success, 403 with a reason (Policy Condition failed, SignatureDoesNotMatch, Request has expired) or 400 EntityTooLarge.",
    "The bucket needs a CORS rule that allows POST from the page's origin. --content-type-prefix does not go with --content-type. Exit codes: 2 bad input, 4 no credentials.",
  ],
  configure(cmd) {
    cmd
      .description(
        [
          "Print a presigned POST: a URL and form fields that let a browser upload",
          "one file with an HTML form (multipart/form-data), within the limits of",
          "a signed policy.",
          "",
          "A location ending in / (or a bare bucket) is a key prefix: the browser's",
          `file name completes the key (uploads/${FILENAME_PLACEHOLDER}). The policy pins every`,
          "field and adds the conditions asked for: size range, Content-Type",
          "(exact or by prefix), key prefix. The file must be the last form field.",
        ].join("\n"),
      )
      .argument("[location]", "where uploads go: s3://bucket/prefix/ or s3://bucket/exact-key");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const { location: given, values } = locationFromVariadic(
      args[0] as string | undefined,
      opts.metadata,
    );
    if (given === undefined) {
      throw new UsageError(
        "No location given.",
        "Give where uploads go, e.g. s3kit presign post s3://my-bucket/uploads/.",
        "MissingLocation",
      );
    }
    if (opts.html && ctx.out.json) {
      throw new UsageError(
        "--html and --json print different things.",
        "Use --json for the URL and fields as data, or --html for a ready upload page.",
        "InvalidOption",
      );
    }
    const location = parseS3Location(given);
    const options: PresignPostOptions = {
      bucket: location.bucket,
      key: location.key,
      expiresIn: parseDuration(opts.expires),
      maxSize: parseMaxSize(opts.maxSize),
      minSize: opts.minSize === undefined ? undefined : parseSize(opts.minSize, "--min-size"),
      contentType: opts.contentType,
      contentTypePrefix: opts.contentTypePrefix,
      metadata: parseMetadata(values),
      sse: opts.sse,
      sseKmsKeyId: opts.sseKmsKeyId,
    };
    checkPostOptions(options);

    const session = await openPresignSession(await ctx.aws());
    const post = presignPost(session.config, options);
    const warning = sessionExpiryWarning(session, post.expiresAt);
    if (warning) ctx.out.warn(warning);

    if (opts.html) {
      ctx.out.file(
        renderUploadForm(post, {
          contentTypePrefix: opts.contentTypePrefix,
          accept:
            opts.contentTypePrefix !== undefined
              ? `${opts.contentTypePrefix}${opts.contentTypePrefix.endsWith("/") ? "*" : ""}`
              : opts.contentType,
        }),
      );
      return undefined;
    }
    ctx.out.result(post, (p) => renderPost(p, opts));
    if (!ctx.out.json) {
      ctx.out.hint(
        "POST the fields above as multipart/form-data, in this order, with the file as the last field (any name, e.g. file).",
      );
    }
    return undefined;
  },
});

function renderPost(post: PresignedPost, opts: Options): string {
  const limits: [string, string][] = [];
  const range = post.conditions.find(
    (c): c is ["content-length-range", number, number] =>
      Array.isArray(c) && c[0] === "content-length-range",
  );
  if (range) limits.push(["Size", `${formatSize(range[1])} to ${formatSize(range[2])}`]);
  if (opts.contentType) limits.push(["Content-Type", opts.contentType]);
  if (opts.contentTypePrefix)
    limits.push([
      "Content-Type",
      `${opts.contentTypePrefix}… (the form must send a Content-Type field)`,
    ]);
  const key = post.fields.key ?? "";
  return [
    renderFields([
      ["URL", post.url],
      [
        "Key",
        key.endsWith(FILENAME_PLACEHOLDER) ? `${key} (the uploaded file's name completes it)` : key,
      ],
      ...limits,
      ["Expires", post.expiresAt],
    ]),
    "",
    "Form fields:",
    renderFields(Object.entries(post.fields)).replace(/^/gm, "  "),
  ].join("\n");
}
