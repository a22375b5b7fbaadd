/**
 * The presign core: pure functions and an in-process SigV4 signer. Nothing here
 * imports the AWS SDK statically; the SDK is loaded only for the buckets and
 * regions that need its special endpoint rules (see presigner.ts).
 */
export { buildCurlCommand, hasDotSegments, shellQuote } from "./curl-command.js";
export { formatDuration, MAX_PRESIGN_SECONDS, parseDuration } from "./duration.js";
export { PresignInputError, type PresignInputErrorCode } from "./errors.js";
export { type ExpiryCheck, expiryWarning } from "./expiry-warning.js";
export {
  type PolicyCondition,
  type PresignedPost,
  type PresignPostOptions,
  presignPost,
} from "./post.js";
export { renderUploadForm, type UploadFormOptions } from "./post-form.js";
export { createPresigner, type Presigner } from "./presigner.js";
export type {
  GetPresignOptions,
  PresignCredentials,
  PresignedRequest,
  PresignerConfig,
  PresignMethod,
  PutPresignOptions,
  ServerSideEncryption,
} from "./types.js";
