import { ExitCode, S3kitError } from "../../errors.js";

export class ChecksumMismatchError extends S3kitError {
  constructor(what: string, algorithm: string, expected: string, actual: string) {
    super({
      code: "ChecksumMismatch",
      message: `${what}: the downloaded data does not match the object's ${algorithm} (expected ${expected}, got ${actual}); the partial file was removed.`,
      hint: "Run the command again; if it keeps failing, the object or the connection is damaged.",
      exitCode: ExitCode.failure,
    });
    // Retried like the SDK's own "Checksum mismatch": the next attempt may arrive intact.
    this.name = "ChecksumMismatch";
  }
}

export class IncompleteBodyError extends Error {
  override name = "IncompleteBody";
}
