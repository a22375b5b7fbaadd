import { parseDuration } from "../../core/presign/index.js";
import { presignTarget } from "../../core/presign/options.js";
import type { GetPresignOptions } from "../../core/presign/types.js";
import { defineCommand } from "../context.js";
import { presignNotes, presignOptions } from "../options/presign.js";
import { declareOptions, type OptionsOf, value } from "../options/spec.js";
import { signOne } from "./sign-one.js";
import { signStdinBatch } from "./stdin-batch.js";

const options = {
  expires: presignOptions.expires,
  versionId: value("--version-id", "id", "a specific version of the object"),
  responseContentType: value(
    "--response-content-type",
    "type",
    "make S3 answer with this Content-Type",
  ),
  responseContentDisposition: value(
    "--response-content-disposition",
    "value",
    'make S3 answer with this Content-Disposition, e.g. attachment; filename="a.pdf"',
  ),
  responseCacheControl: value(
    "--response-cache-control",
    "value",
    "make S3 answer with this Cache-Control",
  ),
  responseContentEncoding: value(
    "--response-content-encoding",
    "value",
    "make S3 answer with this Content-Encoding",
  ),
  responseContentLanguage: value(
    "--response-content-language",
    "value",
    "make S3 answer with this Content-Language",
  ),
  curl: presignOptions.curl.describe("print a curl command that downloads the object to FILE"),
  stdin: presignOptions.stdin,
  bucket: presignOptions.bucket,
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit presign get s3://my-app-uploads/reports/q3.pdf",
    "s3kit presign get s3://my-app-uploads/reports/q3.pdf --expires 7d --json",
    "s3kit presign get s3://my-app-uploads/q3.pdf --response-content-disposition 'attachment; filename=\"Q3.pdf\"'",
    "s3kit presign get s3://my-app-uploads/q3.pdf --curl q3.pdf | sh",
    "s3kit presign get --stdin --bucket my-app-uploads < keys.txt > urls.txt",
  ],
  notes: [...presignNotes],
  configure(cmd) {
    cmd
      .description(
        [
          "Print a presigned URL that downloads one object (GetObject) without",
          "credentials. Signed locally (SigV4); the URL carries no parameter you",
          "did not ask for.",
          "",
          "With --stdin, reads one s3://bucket/key per line (or one key per line",
          "with --bucket) and prints one line per input line, in the same order:",
          "its URL (a JSON line with --json), all signed at the same time, or, for",
          "a line that cannot be signed (empty, not UTF-8, not a location), an",
          "error line in its place; then exits 2 if there was one. Lines are taken",
          "verbatim: a line of white space is a key.",
        ].join("\n"),
      )
      .argument("[location]", "the object, s3://bucket/key");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const target = presignTarget({
      location: args[0] as string | undefined,
      stdin: opts.stdin === true,
      bucket: opts.bucket,
      example: "s3kit presign get s3://my-bucket/path/to/file.txt",
    });
    const options: GetPresignOptions = {
      expiresIn: parseDuration(opts.expires),
      versionId: opts.versionId,
      responseContentType: opts.responseContentType,
      responseContentDisposition: opts.responseContentDisposition,
      responseCacheControl: opts.responseCacheControl,
      responseContentEncoding: opts.responseContentEncoding,
      responseContentLanguage: opts.responseContentLanguage,
    };

    if (target.kind === "single") {
      return signOne(ctx, {
        method: "GET",
        options,
        location: target.location,
        curl: opts.curl,
      });
    }

    return signStdinBatch(ctx, {
      method: "GET",
      options,
      bucket: target.bucket,
      curl: opts.curl,
    });
  },
});
