import { parseConcurrency } from "../concurrency.js";
import { UsageError } from "../errors.js";
import { GiB, MiB, parseSize } from "../s3/size.js";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "./checksums.js";

/** S3's limits on multipart uploads. */
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * GiB;
export const MAX_PARTS = 10_000;
export const MAX_SINGLE_PUT = 5 * GiB;
export const MAX_OBJECT_SIZE = 5 * 1024 * GiB;

export interface Tuning {
  /** Files of this size or larger go up (and down) in parts. */
  multipartThreshold: number;
  /** Part size of uploads and copies. */
  partSize: number;
  /** Whether --part-size gave it (else the run may adapt it, see tuningFor). */
  partSizeGiven?: boolean;
  /**
   * Parts of one file uploaded at once, at most (within concurrency), and the part size
   * uploads grow to when --part-size was not given: set for the run by tuningFor.
   */
  partsPerFile?: number;
  largestPart?: number;
  /** The range size downloads grow to when --part-size was not given (see tuningFor). */
  largestRange?: number;
  /** Range size of downloads: --part-size when given, else a larger default. */
  rangeSize: number;
  /** Requests in flight at once (parts and files together). */
  concurrency: number;
  /**
   * Ranges of one file downloaded at once, at most (within concurrency): set for the run
   * from where the endpoint is (see tuningFor).
   */
  rangesPerFile?: number;
}

export const DEFAULT_TUNING: Tuning = {
  multipartThreshold: 8 * MiB,
  partSize: 8 * MiB,
  rangeSize: 16 * MiB,
  concurrency: 16,
};

/** What an upload or copy writes on the object besides its bytes. */
export interface ObjectSettings {
  contentType?: string;
  metadata?: Record<string, string>;
  cacheControl?: string;
  storageClass?: string;
  sse?: "AES256" | "aws:kms" | "aws:kms:dsse";
  kmsKeyId?: string;
  /** The checksum uploads carry (default CRC32), or "none". */
  checksum?: ChecksumAlgorithm | "none";
}

export const STORAGE_CLASSES = [
  "STANDARD",
  "REDUCED_REDUNDANCY",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER",
  "DEEP_ARCHIVE",
  "GLACIER_IR",
  "OUTPOSTS",
  "SNOW",
  "EXPRESS_ONEZONE",
] as const;

/** The largest part a loopback upload grows to by itself. */
export const LOOPBACK_PART_SIZE = 32 * MiB;
/** The largest range a loopback download grows to by itself. */
export const LOOPBACK_RANGE_SIZE = 256 * MiB;

/**
 * The run's tuning for where its endpoint is. Over a network a single connection's rate is
 * bounded by latency, so a large file moves as many parts and ranges at once (8 MiB parts,
 * 8 ranges). From a server on the same machine (loopback) the network is as fast as memory:
 * client and server share the CPU, and every extra stream, request and part only costs some.
 * There a file moves 2 ranges or parts at a time (a core receives while the other writes),
 * in parts of up to 32 MiB and ranges of up to 256 MiB unless --part-size says otherwise. Measured on two cores against
 * versitygw (bench/RESULTS.md): 1 GiB down 1.90 s of CPU with 8 ranges, 1.42 s with 2; 1 GiB
 * up in 8 MiB parts, 16 at once: client 1.05 s, server 4.69 s; in 32 MiB parts, 2 at once:
 * 0.96 s and 3.54 s (each part is a file the server creates, hashes and joins at the end).
 */
export function tuningFor(tuning: Tuning, loopback: boolean): Tuning {
  if (!loopback) return { ...tuning, rangesPerFile: 8, partsPerFile: tuning.concurrency };
  return {
    ...tuning,
    rangesPerFile: 2,
    partsPerFile: 2,
    ...(tuning.partSizeGiven
      ? {}
      : { largestPart: LOOPBACK_PART_SIZE, largestRange: LOOPBACK_RANGE_SIZE }),
  };
}

/**
 * The range size of one download: --part-size (or the default), or where the run may grow
 * ranges (largestRange), a quarter of the file up to that: fewer requests for the server to
 * answer, and still two ranges at a time to the end (1 GiB from loopback: 1.30 s of CPU in
 * 16 MiB ranges, 1.13 s in 256 MiB ones; server 0.59 -> 0.52 s).
 */
export function downloadRangeSize(size: number, tuning: Tuning): number {
  if (tuning.largestRange === undefined) return tuning.rangeSize;
  const quarter = Math.ceil(size / 4 / MiB) * MiB;
  return Math.max(tuning.rangeSize, Math.min(tuning.largestRange, quarter));
}

/**
 * The part size of one upload: --part-size (or the default), or where the run may grow parts
 * (largestPart), half the file up to that, so that a file just over the threshold still
 * goes up in two parts. Then grown so that the file fits in 10,000 parts.
 */
export function uploadPartSize(size: number, tuning: Tuning): number {
  let part = tuning.partSize;
  if (tuning.largestPart !== undefined) {
    const half = Math.ceil(size / 2 / MiB) * MiB;
    part = Math.max(tuning.partSize, Math.min(tuning.largestPart, half));
  }
  return partSizeFor(size, part);
}

export interface RawTuning {
  multipartThreshold?: string | undefined;
  partSize?: string | undefined;
  concurrency?: string | undefined;
}

export function parseTuning(raw: RawTuning): Tuning {
  const tuning = { ...DEFAULT_TUNING };
  if (raw.multipartThreshold !== undefined) {
    tuning.multipartThreshold = parseSize(raw.multipartThreshold, "--multipart-threshold");
    if (tuning.multipartThreshold > MAX_SINGLE_PUT) {
      throw new UsageError(
        `--multipart-threshold ${raw.multipartThreshold} is above 5 GiB, the largest single upload S3 accepts.`,
        "Use a threshold of 5GiB or less (the default is 8MiB).",
        "InvalidSize",
      );
    }
  }
  if (raw.partSize !== undefined) {
    tuning.partSize = parseSize(raw.partSize, "--part-size");
    tuning.partSizeGiven = true;
    tuning.rangeSize = tuning.partSize;
    if (tuning.partSize < MIN_PART_SIZE || tuning.partSize > MAX_PART_SIZE) {
      throw new UsageError(
        `--part-size ${raw.partSize} is outside S3's limits for a part (5 MiB to 5 GiB).`,
        "Use a part size from 5MiB to 5GiB, e.g. --part-size 16MiB.",
        "InvalidSize",
      );
    }
  }
  if (raw.concurrency !== undefined) {
    tuning.concurrency = parseConcurrency(raw.concurrency, DEFAULT_TUNING.concurrency);
  }
  return tuning;
}

/** The part size for an object: the chosen one, grown so the object fits in 10,000 parts. */
export function partSizeFor(size: number, partSize: number): number {
  const needed = Math.ceil(size / MAX_PARTS);
  if (needed <= partSize) return partSize;
  return Math.ceil(needed / MiB) * MiB;
}

export interface RawObjectSettings {
  contentType?: string | undefined;
  metadata?: readonly string[] | undefined;
  cacheControl?: string | undefined;
  storageClass?: string | undefined;
  sse?: string | undefined;
  kmsKey?: string | undefined;
  checksum?: string | undefined;
}

// A header value S3 keeps intact: printable ASCII.
const HEADER_VALUE = /^[\x20-\x7e]*$/;
// A metadata name is an HTTP header token.
const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function parseObjectSettings(raw: RawObjectSettings): ObjectSettings {
  const settings: ObjectSettings = {};
  if (raw.contentType !== undefined) {
    if (raw.contentType.trim() === "" || !HEADER_VALUE.test(raw.contentType)) {
      throw new UsageError(
        `--content-type "${raw.contentType}" is not a valid content type.`,
        "Give a MIME type such as text/html or application/json.",
        "InvalidContentType",
      );
    }
    settings.contentType = raw.contentType;
  }
  if (raw.cacheControl !== undefined) {
    if (raw.cacheControl.trim() === "" || !HEADER_VALUE.test(raw.cacheControl)) {
      throw new UsageError(
        `--cache-control "${raw.cacheControl}" is not a valid header value.`,
        'Give a Cache-Control value such as "public, max-age=31536000, immutable".',
        "InvalidCacheControl",
      );
    }
    settings.cacheControl = raw.cacheControl;
  }
  if (raw.metadata && raw.metadata.length > 0) {
    const metadata: Record<string, string> = {};
    for (const entry of raw.metadata) {
      const eq = entry.indexOf("=");
      const name = eq === -1 ? entry : entry.slice(0, eq);
      const value = eq === -1 ? undefined : entry.slice(eq + 1);
      if (value === undefined || !HEADER_TOKEN.test(name) || !HEADER_VALUE.test(value)) {
        throw new UsageError(
          `--metadata "${entry}" is not a valid KEY=VALUE pair.`,
          "Write --metadata KEY=VALUE (repeat it for more); keys are letters, digits and -_. and values printable ASCII.",
          "InvalidMetadata",
        );
      }
      const lower = name.toLowerCase();
      // S3 stores metadata names in lowercase: a second value for one would replace the first.
      if (metadata[lower] !== undefined && metadata[lower] !== value) {
        throw new UsageError(
          `--metadata gives "${lower}" twice, with different values ("${metadata[lower]}", then "${value}").`,
          "Give each metadata key once (names are not case-sensitive).",
          "InvalidMetadata",
        );
      }
      metadata[lower] = value;
    }
    settings.metadata = metadata;
  }
  if (raw.storageClass !== undefined) {
    const upper = raw.storageClass.toUpperCase();
    if (!(STORAGE_CLASSES as readonly string[]).includes(upper)) {
      throw new UsageError(
        `--storage-class "${raw.storageClass}" is not an S3 storage class.`,
        `Use one of ${STORAGE_CLASSES.join(", ")}.`,
        "InvalidStorageClass",
      );
    }
    settings.storageClass = upper;
  }
  if (raw.sse !== undefined) {
    const value = raw.sse.toLowerCase();
    const sse =
      value === "aes256" || value === "s3"
        ? "AES256"
        : value === "aws:kms" || value === "kms"
          ? "aws:kms"
          : value === "aws:kms:dsse"
            ? "aws:kms:dsse"
            : undefined;
    if (!sse) {
      throw new UsageError(
        `--sse "${raw.sse}" is not a server-side encryption mode.`,
        "Use --sse AES256 (SSE-S3), --sse aws:kms (with --kms-key for your key) or --sse aws:kms:dsse.",
        "InvalidSse",
      );
    }
    settings.sse = sse;
  }
  if (raw.kmsKey !== undefined) {
    if (raw.kmsKey.trim() === "" || !HEADER_VALUE.test(raw.kmsKey)) {
      throw new UsageError(
        `--kms-key "${raw.kmsKey}" is not a KMS key id or ARN.`,
        undefined,
        "InvalidKmsKey",
      );
    }
    if (settings.sse === "AES256") {
      throw new UsageError(
        "--kms-key needs KMS encryption, but --sse AES256 was given.",
        "Drop --sse (--kms-key implies aws:kms) or use --sse aws:kms.",
        "InvalidSse",
      );
    }
    settings.sse ??= "aws:kms";
    settings.kmsKeyId = raw.kmsKey;
  }
  if (raw.checksum !== undefined) {
    const value = raw.checksum.toLowerCase().replace(/-/g, "");
    if (value !== "none" && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(value)) {
      throw new UsageError(
        `--checksum "${raw.checksum}" is not a checksum algorithm S3 supports.`,
        "Use one of crc32 (the default), crc32c, crc64nvme, sha256 (or sha1), or none.",
        "InvalidChecksum",
      );
    }
    settings.checksum = value as ChecksumAlgorithm | "none";
  }
  return settings;
}

/** The names of the settings given, for "applies to uploads only" errors. */
export function givenSettingFlags(raw: RawObjectSettings): string[] {
  const flags: [keyof RawObjectSettings, string][] = [
    ["contentType", "--content-type"],
    ["metadata", "--metadata"],
    ["cacheControl", "--cache-control"],
    ["storageClass", "--storage-class"],
    ["sse", "--sse"],
    ["kmsKey", "--kms-key"],
    ["checksum", "--checksum"],
  ];
  return flags
    .filter(([key]) => {
      const value = raw[key];
      return Array.isArray(value) ? value.length > 0 : value !== undefined;
    })
    .map(([, flag]) => flag);
}
