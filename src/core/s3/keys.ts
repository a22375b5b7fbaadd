// What S3 takes as an object key (or a key prefix), checked before any request.
import { UsageError } from "../errors.js";
import { isWellFormedUnicode } from "../presign/uri-encode.js";

/** S3 keys are at most 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

// Characters outside XML 1.0's Char production: a key may hold them, but an XML request
// body (DeleteObjects) cannot carry them, and S3-compatible servers refuse the request.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/**
 * Why S3 would refuse this key or prefix, as a phrase that follows its name ("is longer
 * than …"), or undefined when S3 takes it: at most 1024 bytes of UTF-8, and no unpaired
 * UTF-16 surrogate (which has no UTF-8 form, so no URL can carry it).
 */
export function keyProblem(key: string): string | undefined {
  // A character is at most 3 UTF-8 bytes per UTF-16 unit: most keys need no count.
  if (key.length * 3 > MAX_KEY_BYTES && Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    return `is longer than S3's limit of ${MAX_KEY_BYTES} bytes`;
  }
  if (!isWellFormedUnicode(key)) {
    return "contains an unpaired UTF-16 surrogate and cannot be encoded in a URL";
  }
  return undefined;
}

/**
 * Throws a usage error (exit 2) for a key or prefix S3 would refuse. `input` is what the
 * user typed (an s3:// location, a line), for the message.
 */
export function assertValidKey(key: string, input: string = key): void {
  const problem = keyProblem(key);
  if (problem === undefined) return;
  const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
  throw new UsageError(
    `The key in "${shown}" ${problem}.`,
    problem.startsWith("is longer")
      ? "Use a shorter key."
      : "Check the input's character encoding.",
    "InvalidKey",
  );
}

/** False for a key an XML request body cannot carry (it goes in a URL instead). */
export function fitsInXml(key: string): boolean {
  return !NOT_XML_CHAR.test(key);
}
