import { parseDuration } from "../../core/presign/index.js";
import {
  locationFromVariadic,
  parseContentLength,
  parseMetadata,
  presignTarget,
} from "../../core/presign/options.js";
import type { PresignedRequest, PutPresignOptions } from "../../core/presign/types.js";
import { defineCommand } from "../context.js";
import { presignNotes, presignOptions, uploadConditions } from "../options/presign.js";
import { declareOptions, type OptionsOf, value } from "../options/spec.js";
import { signOne } from "./sign-one.js";
import { signStdinBatch } from "./stdin-batch.js";

const options = {
  expires: presignOptions.expires,
  contentType: uploadConditions.contentType,
  contentLength: value(
    "--content-length",
    "bytes",
    "signed: the upload must be exactly this many bytes",
  ),
  metadata: uploadConditions.metadata,
  sse: uploadConditions.sse,
  sseKmsKeyId: uploadConditions.sseKmsKeyId,
  checksumSha256: value(
    "--checksum-sha256",
    "base64",
    "signed: the base64 SHA-256 of the body; S3 rejects any other body",
  ),
  curl: presignOptions.curl.describe(
    "print a curl command that uploads FILE with the right headers",
  ),
  stdin: presignOptions.stdin,
  bucket: presignOptions.bucket,
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit presign put s3://my-app-uploads/avatars/42.png --content-type image/png",
    "s3kit presign put s3://my-app-uploads/avatars/42.png --content-type image/png --json",
    "s3kit presign put s3://my-app-uploads/report.pdf --curl report.pdf | sh",
    "s3kit presign put s3://my-app-uploads/data.csv --content-length 1048576 --metadata owner=alice --sse AES256",
    "s3kit presign put --stdin --bucket my-app-uploads --expires 15m < keys.txt",
  ],
  notes: [
    ...presignNotes,
    "s3kit's URLs carry no checksum parameter: the AWS SDK's defaults add a CRC32 of the empty body to upload URLs, which makes every real upload fail. From a browser: fetch(url, {method: \"PUT\", headers, body: file}) with the url and headers of --json; the bucket needs a CORS rule for the page's origin (`s3kit bucket cors set`).",
  ],
  configure(cmd) {
    cmd
      .description(
        [
          "Print a presigned URL that uploads one object with a plain HTTP PUT",
          "(PutObject). Signed locally (SigV4), with no checksum or other parameter",
          "you did not ask for. The uploader must send the signed headers",
          "(Content-Type, Content-Length, metadata, encryption, checksum) with",
          "exactly the values given here: they are listed on stderr, in the",
          "`headers` field of --json, and in the command --curl prints.",
          "",
          "With --stdin, reads one s3://bucket/key per line (or one key per line",
          "with --bucket) and prints one line per input line, in the same order:",
          "its URL (a JSON line with --json), all signed at the same time with the",
          "same options, or, for a line that cannot be signed, an error line in",
          "its place; then exits 2 if there was one. Lines are taken verbatim.",
        ].join("\n"),
      )
      .argument("[location]", "the object to create or replace, s3://bucket/key");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    // `--metadata a=1 s3://b/k` hands the location to --metadata; take it back.
    const { location, values } = locationFromVariadic(args[0] as string | undefined, opts.metadata);
    const target = presignTarget({
      location,
      stdin: opts.stdin === true,
      bucket: opts.bucket,
      example: "s3kit presign put s3://my-bucket/path/to/file.txt",
    });
    const options: PutPresignOptions = {
      expiresIn: parseDuration(opts.expires),
      contentType: opts.contentType,
      contentLength: parseContentLength(opts.contentLength),
      metadata: parseMetadata(values),
      sse: opts.sse,
      sseKmsKeyId: opts.sseKmsKeyId,
      checksumSha256: opts.checksumSha256,
    };

    if (target.kind === "single") {
      return signOne(ctx, {
        method: "PUT",
        options,
        location: target.location,
        curl: opts.curl,
        afterUrl: (request) => announceHeaders(ctx.out.info.bind(ctx.out), request),
      });
    }

    return signStdinBatch(ctx, {
      method: "PUT",
      options,
      bucket: target.bucket,
      curl: opts.curl,
      onFirst: (r) => announceHeaders(ctx.out.info.bind(ctx.out), r),
    });
  },
});

/** Tells the person which headers the upload must send (stderr; the URL alone is on stdout). */
function announceHeaders(info: (message: string) => void, request: PresignedRequest): void {
  const headers = Object.entries(request.headers);
  if (headers.length === 0) return;
  info(
    `The upload must send ${headers.length === 1 ? "this header" : "these headers"} (signed into the URL):\n${headers
      .map(([name, value]) => `  ${displayName(name)}: ${value}`)
      .join("\n")}`,
  );
}

function displayName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
