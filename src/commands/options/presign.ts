// The options `presign get` and `presign put` share: how long the URL works, a ready curl
// command, and --stdin batches (with --bucket, of keys); and what `presign put` and
// `presign post` let an upload do, which the signature fixes.

import { DEFAULT_EXPIRES } from "../../core/presign/options.js";
import { bucket } from "./common.js";
import { choice, flag, list, value } from "./spec.js";

export const presignOptions = {
  expires: value(
    "--expires",
    "duration",
    "how long the URL works: 900, 15m, 1h, 7d (at most 7d)",
  ).default(DEFAULT_EXPIRES),
  curl: value("--curl", "file", "print a curl command for FILE"),
  stdin: flag("--stdin", "sign one location per input line"),
  bucket: bucket.describe("with --stdin: every input line is a key in this bucket"),
};

/** What a presigned upload must send; descriptions are put's, post says them its own way. */
export const uploadConditions = {
  contentType: value("--content-type", "type", "signed: the upload must send this Content-Type"),
  metadata: list(
    "--metadata",
    "key=value",
    "signed: user metadata the upload must send (x-amz-meta-KEY headers)",
  ),
  sse: choice("--sse", "algorithm", "signed: server-side encryption the upload must ask for", [
    "AES256",
    "aws:kms",
  ]),
  sseKmsKeyId: value("--sse-kms-key-id", "key", "with --sse aws:kms: the KMS key to encrypt with"),
};

/** What `presign get` and `put` say after their examples. */
export const presignNotes: readonly string[] = [
  "Signing is local and makes no request: a URL for a missing object or bucket is signed all the same, and the server answers 404 when it is used. The URL goes to stdout alone (URL=$(s3kit presign …) works); notes go to stderr. A location may name an access point: s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/KEY.",
  "A URL stops working when the credentials that signed it expire (SSO, an assumed role, an instance role), whatever --expires says; s3kit warns on stderr when that comes first. --curl adds --path-as-is for keys with . or .. segments, which curl and browsers would otherwise remove.",
  '--stdin: output line N answers input line N. Lines are taken verbatim (only the line ending is removed). A line that cannot be signed (empty, not UTF-8, over 64 KiB, not a location, an invalid bucket or key) gets "error: line N: …" in its place ({"line", "error"} with --json), and s3kit exits 2 at the end. URLs stream out as lines arrive; a batch whose input is still arriving when --expires has passed stops with exit 1.',
  "JSON: {url, method, headers, expiresAt}; headers are the ones the client must send, with exactly these values; --curl adds curl. Exit codes: 2 bad input (nothing printed for it), 4 no credentials.",
];
