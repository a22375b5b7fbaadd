import { type Dirent, statSync } from "node:fs";
import { opendir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Readable, Writable } from "node:stream";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import { mapAwsError } from "../../aws/errors.js";
import type { LeanS3 } from "../../aws/lean-s3/client.js";
import { BufferPool, Limiter } from "../concurrency.js";
import { ExitCode, NotFoundError, S3kitError, UsageError } from "../errors.js";
import { assertValidKey } from "../s3/keys.js";
import { MiB } from "../s3/size.js";
import { baseName, type Endpoint, folderPrefix, parseEndpoint } from "./endpoints.js";
import {
  type Engine,
  sharedSignal,
  type TransferObserver,
  type TransferOutcome,
} from "./engine/context.js";
import { copyObject } from "./engine/copy.js";
import { downloadFile } from "./engine/download.js";
import { downloadToStream } from "./engine/download-stream.js";
import { headObject, type ObjectInfo, objectInfoFromHead } from "./engine/object-info.js";
import { leanRequests, type ObjectRequests, sdkRequests } from "./engine/requests.js";
import { uploadFile } from "./engine/upload.js";
import { uploadStream } from "./engine/upload-stream.js";
import { WRITE_BATCH } from "./engine/write.js";
import { compileFilter, type FilterRule } from "./glob.js";
import { LIST_ENCODING, listedKey } from "./list.js";
import { collisionError, collisionsUnder, keysLostTo, localPlacement } from "./local-paths.js";
import { notFoundOr } from "./not-found.js";
import { TransferSession } from "./session.js";
import {
  givenSettingFlags,
  type ObjectSettings,
  parseObjectSettings,
  parseTuning,
  type RawObjectSettings,
  type RawTuning,
  type Tuning,
  tuningFor,
} from "./settings.js";
import { Verifier } from "./verify-worker.js";

export type TransferKind = "upload" | "download" | "copy";

/** What a recursive download does with keys that would land on one file: stop, or skip them. */
export type OnCollision = "error" | "skip";
export const ON_COLLISION: readonly OnCollision[] = ["error", "skip"];

export interface CopyRequest {
  source: string;
  destination: string;
  recursive: boolean;
  filters: readonly FilterRule[];
  /** Given only by --on-collision; "error" otherwise. */
  onCollision?: OnCollision | undefined;
  tuning: RawTuning;
  settings: RawObjectSettings;
}

/** A validated `cp`: both sides parsed, the local source checked, flags turned into values. */
export interface CopyPlan {
  kind: TransferKind;
  recursive: boolean;
  source: Endpoint;
  destination: Endpoint;
  filters: readonly FilterRule[];
  onCollision: OnCollision;
  tuning: Tuning;
  settings: ObjectSettings;
}

/** One file or object to move. */
export interface TransferItem {
  /** A local path, an `s3://` URL or `-`. */
  source: string;
  destination: string;
  size: number | undefined;
  /** For recursive transfers: the path below the source folder or prefix. */
  relative?: string;
  info?: ObjectInfo;
  /** An S3 source's ETag as listed (recursive transfers). */
  etag?: string | undefined;
}

export interface Skipped {
  source: string;
  reason: string;
}

export interface ItemResult {
  source: string;
  destination: string;
  bytes: number;
  etag?: string | undefined;
  parts: number;
  verified?: string[] | undefined;
  checksum?: string | undefined;
}

export interface ItemFailure {
  source: string;
  destination: string;
  error: { code: string; message: string; hint?: string };
  exitCode: number;
}

export interface TransferSummary {
  kind: TransferKind;
  source: string;
  destination: string;
  dryRun: boolean;
  files: number;
  bytes: number;
  seconds: number;
  failed: number;
  transfers: ItemResult[];
  failures: ItemFailure[];
  skipped: Skipped[];
}

/**
 * Checks a `cp` before anything is transferred: locations, flags, and that a local source
 * exists (exit 3 with the path) and is a folder exactly when --recursive is given.
 */
export async function prepareCopy(request: CopyRequest, cwd: string): Promise<CopyPlan> {
  const tuning = parseTuning(request.tuning);
  const source = parseEndpoint(request.source, cwd);
  const destination = parseEndpoint(request.destination, cwd);
  let kind: TransferKind;
  if (source.kind === "s3" && destination.kind === "s3") kind = "copy";
  else if (destination.kind === "s3") kind = "upload";
  else if (source.kind === "s3") kind = "download";
  else {
    throw new UsageError(
      `Neither "${request.source}" nor "${request.destination}" is an S3 location.`,
      "One side of cp must be s3://BUCKET/KEY; use your shell's cp for local copies.",
      "InvalidLocation",
    );
  }
  const settingFlags = givenSettingFlags(request.settings);
  if (kind === "download" && settingFlags.length > 0) {
    throw new UsageError(
      `${settingFlags.join(", ")} ${settingFlags.length === 1 ? "applies" : "apply"} to uploads and copies, not downloads.`,
      "Drop the flag, or use `s3kit stat` to see what the object has.",
    );
  }
  const settings = parseObjectSettings(request.settings);
  if (request.filters.length > 0 && !request.recursive) {
    throw new UsageError(
      "--include and --exclude work with --recursive.",
      "Add --recursive to copy a folder or prefix, or drop the filters.",
    );
  }
  if (
    request.onCollision !== undefined &&
    !(request.recursive && kind === "download" && destination.kind === "local")
  ) {
    throw new UsageError(
      "--on-collision applies to recursive downloads (where two keys, such as a/b and a//b, can map to one file).",
      "Drop --on-collision, or add --recursive to download a prefix into a folder.",
    );
  }
  if (request.recursive && (source.kind === "stdio" || destination.kind === "stdio")) {
    throw new UsageError(
      "--recursive cannot read from stdin or write to stdout.",
      "Name a folder or an s3:// prefix on both sides.",
    );
  }
  if (source.kind === "local") {
    const info = await stat(source.path).catch(() => undefined);
    if (!info) {
      throw new NotFoundError(
        `${source.text} does not exist.`,
        "Check the path; relative paths start from the current folder.",
        "SourceNotFound",
      );
    }
    if (info.isDirectory() && !request.recursive) {
      throw new UsageError(
        `${source.text} is a folder.`,
        `Pass --recursive to upload everything in it: s3kit cp ${source.text} ${request.destination} --recursive`,
        "SourceIsFolder",
      );
    }
    if (!info.isDirectory() && request.recursive) {
      throw new UsageError(
        `${source.text} is a file, but --recursive copies a folder.`,
        "Drop --recursive to upload one file.",
      );
    }
    if (!info.isDirectory() && !info.isFile()) {
      throw new UsageError(`${source.text} is not a regular file.`, "Pipe it in with `-` instead.");
    }
  }
  if (source.kind === "s3" && !request.recursive) {
    if (source.key === "" || source.key.endsWith("/")) {
      throw new UsageError(
        `${source.text} names a ${source.key === "" ? "bucket" : "prefix"}, not an object.`,
        `Pass --recursive to copy everything under it, or name one object: s3://${source.bucket}/KEY.`,
        "InvalidLocation",
      );
    }
  }
  if (source.kind === "stdio" && destination.kind === "s3") {
    if (destination.key === "" || destination.key.endsWith("/")) {
      throw new UsageError(
        `${destination.text} names no object key for the data from stdin.`,
        `Name the object: s3://${destination.bucket}/${destination.key}data.bin`,
        "InvalidLocation",
      );
    }
  }
  if (kind === "download" && destination.kind === "local" && request.recursive) {
    const existing = await stat(destination.path).catch(() => undefined);
    if (existing && !existing.isDirectory()) {
      throw new UsageError(
        `${destination.text} is a file; a recursive download needs a folder.`,
        "Name a folder (it is created if it does not exist).",
      );
    }
  }
  if (kind === "copy" && request.recursive && source.kind === "s3" && destination.kind === "s3") {
    const from = folderPrefix(source.key);
    const to = folderPrefix(destination.key);
    if (source.bucket === destination.bucket && to.startsWith(from)) {
      throw new UsageError(
        `${destination.text} is inside ${source.text}.`,
        "Copy to a prefix outside the source, or to another bucket.",
      );
    }
  }
  return {
    kind,
    recursive: request.recursive,
    source,
    destination,
    filters: request.filters,
    onCollision: request.onCollision ?? "error",
    tuning,
    settings,
  };
}

function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Splits an `s3://` URL produced by this module. */
function splitUrl(url: string): { bucket: string; key: string } {
  const rest = url.slice("s3://".length);
  const slash = rest.indexOf("/");
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The files or objects a plan moves: one, or everything under a folder or prefix that the filters let through. */
export async function collectItems(
  plan: CopyPlan,
  aws: Aws,
  signal: AbortSignal,
): Promise<{ items: TransferItem[]; skipped: Skipped[] }> {
  const { source, destination } = plan;
  const skipped: Skipped[] = [];
  if (!plan.recursive) {
    const item = await singleItem(plan, aws, signal);
    checkDestinationKeys([item]);
    return { items: [item], skipped };
  }
  const filter = compileFilter(plan.filters);
  const items: TransferItem[] = [];
  if (source.kind === "local" && destination.kind === "s3") {
    const prefix = folderPrefix(destination.key);
    for await (const file of walk(source.path, skipped)) {
      const rel = relative(source.path, file.path).split(sep).join("/");
      if (!filter(rel)) continue;
      items.push({
        source: file.path,
        destination: s3Url(destination.bucket, prefix + rel),
        size: file.size,
        relative: rel,
      });
    }
  } else if (source.kind === "s3") {
    const prefix = folderPrefix(source.key);
    const s3 = await aws.s3();
    for await (const object of listAll(s3, source.bucket, prefix, signal)) {
      const rel = object.key.slice(prefix.length);
      // An empty key ending in "/" is a folder marker (the S3 console's folders): nothing to
      // copy. One that holds bytes is an object like any other.
      if (object.key.endsWith("/") && object.size === 0) continue;
      if (!filter(rel)) continue;
      const url = s3Url(source.bucket, object.key);
      if (destination.kind === "local") {
        const placement = localPlacement(rel);
        if ("unsafe" in placement) {
          skipped.push({ source: url, reason: placement.unsafe });
          continue;
        }
        items.push({
          source: url,
          destination: join(destination.path, ...placement.path.split("/")),
          size: object.size,
          relative: placement.path,
          etag: object.etag,
        });
      } else if (destination.kind === "s3") {
        items.push({
          source: url,
          destination: s3Url(destination.bucket, folderPrefix(destination.key) + rel),
          size: object.size,
          relative: rel,
          etag: object.etag,
        });
      }
    }
  }
  items.sort((a, b) => (a.relative ?? "").localeCompare(b.relative ?? ""));
  checkDestinationKeys(items);
  if (destination.kind === "local" && source.kind === "s3") {
    return { items: await withoutCollisions(plan, items, destination.path, skipped), skipped };
  }
  return { items, skipped };
}

/**
 * The download's items once no two land on one file: with collisions, an error that lists
 * them all before anything is written (exit 5), or with --on-collision skip, the items
 * without the keys that would be lost (each named in `skipped`).
 */
async function withoutCollisions(
  plan: CopyPlan,
  items: readonly TransferItem[],
  root: string,
  skipped: Skipped[],
): Promise<TransferItem[]> {
  const placed = items.map((i) => ({ source: i.source, path: i.relative as string }));
  const collisions = await collisionsUnder(placed, root);
  if (collisions.length === 0) return [...items];
  if (plan.onCollision === "error") throw collisionError(collisions, plan.destination.text);
  const lost = keysLostTo(collisions);
  for (const [source, reason] of lost) skipped.push({ source, reason });
  return items.filter((i) => !lost.has(i.source));
}

/**
 * The keys an upload or copy would create (a folder's paths below a prefix, a file name
 * added to one) must be keys S3 takes: otherwise nothing is transferred (exit 2), rather
 * than failing part-way.
 */
function checkDestinationKeys(items: readonly TransferItem[]): void {
  const refused: UsageError[] = [];
  for (const item of items) {
    if (!item.destination.startsWith("s3://")) continue;
    try {
      assertValidKey(splitUrl(item.destination).key, item.destination);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      refused.push(err);
    }
  }
  const [first] = refused;
  if (first === undefined) return;
  if (refused.length === 1) throw first;
  throw new UsageError(
    `${refused.length} of the keys this copy would create are not valid S3 keys. The first: ${first.message}`,
    `Nothing was transferred. ${first.hint ?? ""} Shorten the destination prefix or the folder names, or exclude those files.`,
    first.code,
  );
}

async function singleItem(plan: CopyPlan, aws: Aws, signal: AbortSignal): Promise<TransferItem> {
  const { source, destination } = plan;
  if (source.kind === "stdio" && destination.kind === "s3") {
    return { source: "-", destination: destination.text, size: undefined };
  }
  if (source.kind === "local" && destination.kind === "s3") {
    const size = (await stat(source.path)).size;
    const key =
      destination.key === "" || destination.key.endsWith("/")
        ? destination.key + baseName(source.path)
        : destination.key;
    return { source: source.path, destination: s3Url(destination.bucket, key), size };
  }
  if (source.kind !== "s3") throw new Error("unreachable: the plan has an S3 source");
  const info = await headSource(aws, source.bucket, source.key, signal);
  if (destination.kind === "stdio") {
    return { source: source.text, destination: "-", size: info.size, info };
  }
  if (destination.kind === "local") {
    const existing = statSync(destination.path, { throwIfNoEntry: false });
    const path =
      destination.isDirectoryName || existing?.isDirectory()
        ? join(destination.path, baseName(source.key))
        : destination.path;
    return { source: source.text, destination: path, size: info.size, info };
  }
  const key =
    destination.key === "" || destination.key.endsWith("/")
      ? destination.key + baseName(source.key)
      : destination.key;
  return {
    source: source.text,
    destination: s3Url(destination.bucket, key),
    size: info.size,
    info,
  };
}

async function headSource(aws: Aws, bucket: string, key: string, signal: AbortSignal) {
  const s3 = await aws.s3();
  try {
    return objectInfoFromHead(
      await headObject({ objects: sdkRequests(s3), signal }, { bucket, key }),
    );
  } catch (err) {
    throw await notFoundOr(err, s3, bucket, key);
  }
}

/** Files below a folder, depth first; symbolic links to files are followed, to folders not. */
async function* walk(
  root: string,
  skipped: Skipped[],
): AsyncGenerator<{ path: string; size: number }> {
  const stack = [root];
  while (stack.length > 0) {
    const folder = stack.pop() as string;
    const entries: Dirent[] = [];
    for await (const entry of await opendir(folder)) entries.push(entry);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        stack.push(path);
      } else if (entry.isFile()) {
        // One stat per file: synchronous, as an asynchronous one costs more than the call.
        yield { path, size: statSync(path).size };
      } else if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (target?.isFile()) yield { path, size: target.size };
        else
          skipped.push({ source: path, reason: target ? "a link to a folder" : "a broken link" });
      } else {
        skipped.push({ source: path, reason: "not a regular file" });
      }
    }
  }
}

export interface ListedObject {
  key: string;
  size: number;
  etag?: string | undefined;
  lastModified?: Date | undefined;
  storageClass?: string | undefined;
}

/** Every object under a prefix, page by page (1,000 keys a page). */
export async function* listAll(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix || undefined,
        ContinuationToken: token,
        EncodingType: LIST_ENCODING,
      }),
      signal ? { abortSignal: signal as never } : {},
    );
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      yield {
        key: listedKey(o.Key, page.EncodingType),
        size: o.Size ?? 0,
        etag: o.ETag,
        lastModified: o.LastModified,
        storageClass: o.StorageClass,
      };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export interface RunOptions {
  signal: AbortSignal;
  session: TransferSession;
  observer: TransferObserver & {
    fileStarted?(item: TransferItem): void;
    fileDone?(result: ItemResult): void;
    fileFailed?(failure: ItemFailure): void;
  };
  stdin?: Readable;
  stdout?: Writable;
  /** Objects up to this size are copied with one CopyObject (5 GiB; lower only in tests). */
  maxSingleCopy?: number;
  /**
   * Keep each file's result for the summary (--json, or one file). Without it only the
   * counts are kept: a run of 100,000 files holds no list of what it did.
   */
  keepResults?: boolean;
}

/** Downloaded bytes waiting for the disk, at most. */
const DOWNLOAD_BUFFERS = 32 * MiB;

/** The memory held by upload part buffers at once: enough for the parts in flight, capped. */
export function bufferBudget(tuning: Tuning): number {
  const part = tuning.largestPart ?? tuning.partSize;
  return Math.max(part * 2, Math.min(tuning.concurrency * part, 64 * MiB));
}

export function createSession(s3: S3Client): TransferSession {
  return new TransferSession(s3);
}

/**
 * Runs the transfers with bounded concurrency. A failed file does not stop the others
 * (they are reported); Ctrl-C stops everything and the session cleans up.
 */
export async function runTransfers(
  plan: CopyPlan,
  items: readonly TransferItem[],
  aws: Aws,
  options: RunOptions,
): Promise<Omit<TransferSummary, "skipped" | "dryRun">> {
  const s3 = await aws.s3();
  const started = performance.now();
  const lean = await aws.leanS3(plan.tuning.concurrency);
  const engine = createEngine({
    s3,
    lean,
    loopback: aws.s3IsLoopback,
    buckets: [plan.source, plan.destination].flatMap((e) => (e.kind === "s3" ? [e.bucket] : [])),
    tuning: plan.tuning,
    settings: plan.settings,
    session: options.session,
    signal: options.signal,
    observer: options.observer,
    maxSingleCopy: options.maxSingleCopy,
  });
  const keepResults = options.keepResults !== false;
  const transfers: ItemResult[] = [];
  const failures: ItemFailure[] = [];
  let files = 0;
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < items.length && !options.signal.aborted) {
      const item = items[next++] as TransferItem;
      options.observer.fileStarted?.(item);
      try {
        const outcome = await transferOne(engine, plan.kind, item, options);
        const result: ItemResult = {
          source: item.source,
          destination: item.destination,
          bytes: outcome.bytes,
          etag: outcome.etag,
          parts: outcome.parts,
          ...(outcome.verified ? { verified: outcome.verified } : {}),
          ...(outcome.checksum ? { checksum: outcome.checksum } : {}),
        };
        files++;
        bytes += result.bytes;
        if (keepResults) transfers.push(result);
        options.observer.fileDone?.(result);
      } catch (err) {
        if (options.signal.aborted || items.length === 1) throw err;
        const mapped = err instanceof S3kitError ? err : mapAwsError(err);
        const failure: ItemFailure = {
          source: item.source,
          destination: item.destination,
          error: mapped.toJSON(),
          exitCode: mapped.exitCode,
        };
        failures.push(failure);
        options.observer.fileFailed?.(failure);
      }
    }
  };
  // Files in flight: as many as requests may be, since most files are one request.
  try {
    await Promise.all(
      Array.from({ length: Math.min(plan.tuning.concurrency, items.length) }, worker),
    );
  } finally {
    await engine.verifier?.close();
    lean?.destroy();
  }
  if (options.signal.aborted) {
    throw new S3kitError({
      code: "Interrupted",
      message: "Interrupted; the transfer was stopped.",
      exitCode: ExitCode.interrupted,
    });
  }
  transfers.sort((a, b) => a.destination.localeCompare(b.destination));
  return {
    kind: plan.kind,
    source: plan.source.text,
    destination: plan.destination.text,
    files,
    bytes,
    seconds: (performance.now() - started) / 1000,
    failed: failures.length,
    transfers,
    failures,
  };
}

export interface EngineInput {
  s3: S3Client;
  /** s3kit's own object requests, when the endpoint allows them (Aws.leanS3). */
  lean: LeanS3 | undefined;
  /** The endpoint is on this machine: the tuning adapts (tuningFor). */
  loopback: boolean;
  /** Every bucket the run reads or writes. */
  buckets: readonly string[];
  tuning: Tuning;
  settings: ObjectSettings;
  session: TransferSession;
  signal: AbortSignal;
  observer: TransferObserver;
  maxSingleCopy?: number | undefined;
}

/** The engine cp, sync and mv run their transfers on. */
export function createEngine(input: EngineInput): Engine {
  const tuning = tuningFor(input.tuning, input.loopback);
  return {
    s3: input.s3,
    objects: objectRequestsFor(input.buckets, input.s3, input.lean),
    signal: sharedSignal(input.signal),
    session: input.session,
    limiter: new Limiter(input.tuning.concurrency),
    pool: new BufferPool(bufferBudget(tuning), tuning.largestPart ?? tuning.partSize),
    writePool: new BufferPool(DOWNLOAD_BUFFERS, WRITE_BATCH),
    tuning,
    settings: input.settings,
    observer: input.observer,
    verifier: new Verifier(),
    folders: new Set(),
    ...(input.maxSingleCopy !== undefined ? { maxSingleCopy: input.maxSingleCopy } : {}),
  };
}

/**
 * s3kit's own requests when every bucket of the run is one they can address (plain names
 * in a plain region), else the SDK's.
 */
function objectRequestsFor(
  buckets: readonly string[],
  s3: S3Client,
  lean: LeanS3 | undefined,
): ObjectRequests {
  return lean && buckets.every((b) => lean.supports(b)) ? leanRequests(lean) : sdkRequests(s3);
}

async function transferOne(
  engine: Engine,
  kind: TransferKind,
  item: TransferItem,
  options: RunOptions,
): Promise<TransferOutcome> {
  if (kind === "upload") {
    const target = splitUrl(item.destination);
    if (item.source === "-") {
      if (!options.stdin) throw new Error("no stdin to read");
      return uploadStream(engine, options.stdin, target);
    }
    return uploadFile(engine, item.source, item.size ?? 0, target);
  }
  const source = splitUrl(item.source);
  if (kind === "download") {
    if (item.destination === "-") {
      if (!options.stdout) throw new Error("no stdout to write");
      return downloadToStream(engine, source, options.stdout);
    }
    let info = item.info;
    if (!info && item.size !== undefined && item.size >= engine.tuning.multipartThreshold) {
      // Ranged downloads need the ETag and checksum of the whole object first.
      info = await engine.limiter.run(async () =>
        objectInfoFromHead(await headObject(engine, source)),
      );
    }
    return downloadFile(engine, source, item.destination, info);
  }
  return copyObject(engine, source, splitUrl(item.destination), item.size);
}
