// Bounded work: how many tasks run at once, how many bytes are held at once, and when a
// failed call is tried again. Transfers, deletes, listings and IAM lookups all use these.
import { setTimeout as sleep } from "node:timers/promises";
import { isRetryable, isThrottling } from "../aws/errors.js";
import { InterruptedError, UsageError } from "./errors.js";

/** At most `limit` tasks at a time; the others wait in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** Maps items with at most `limit` calls in flight, keeping the order of the results. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/**
 * Runs tasks as they are produced with at most `limit` in flight. `add` waits while the
 * pool is full (back-pressure for a producer such as a paginated listing). After a task
 * failed the pool starts nothing more: the next `add`, or `drain`, waits for the tasks
 * still running and throws the first failure.
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** True once a task has failed (a producer can stop listing). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  async add(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit && !this.failure) await Promise.race(this.running);
    if (this.failure) return this.drain();
    const promise: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running.delete(promise);
      });
    this.running.add(promise);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
  }
}

/** A buffer on loan from a BufferPool; `release` gives its bytes back to the budget. */
export interface BufferLease {
  buffer: Buffer;
  release(): void;
}

/**
 * A budget of bytes held in memory at once (upload parts, downloaded batches on their way
 * to disk), so a transfer streams whatever the file size. Buffers of the usual size are kept
 * and reused.
 */
export class BufferPool {
  private available: number;
  private readonly free: Buffer[] = [];
  private readonly waiting: { cost: number; resolve: () => void }[] = [];

  constructor(
    readonly budget: number,
    readonly reusableSize: number,
  ) {
    this.available = budget;
  }

  /** A buffer of exactly `size` bytes (contents undefined); waits while the budget is spent. */
  async acquire(size: number): Promise<BufferLease> {
    const cost = this.costOf(size);
    if (this.available < cost || this.waiting.length > 0) {
      await new Promise<void>((resolve) => this.waiting.push({ cost, resolve }));
    } else {
      this.available -= cost;
    }
    return this.lend(size, cost);
  }

  /** A buffer now if the budget allows, else undefined (for callers that cannot wait here). */
  tryAcquire(size: number): BufferLease | undefined {
    const cost = this.costOf(size);
    if (this.available < cost || this.waiting.length > 0) return undefined;
    this.available -= cost;
    return this.lend(size, cost);
  }

  // Buffers of at least half the reusable size come from the reusable ones, so the last
  // (shorter) part of a file does not allocate a fresh buffer.
  private isReusable(size: number): boolean {
    return size <= this.reusableSize && size * 2 >= this.reusableSize;
  }

  private costOf(size: number): number {
    return Math.min(this.isReusable(size) ? this.reusableSize : size, this.budget);
  }

  private lend(size: number, cost: number): BufferLease {
    const reusable = this.isReusable(size);
    const backing = reusable
      ? (this.free.pop() ?? Buffer.allocUnsafeSlow(this.reusableSize))
      : Buffer.allocUnsafeSlow(size);
    let released = false;
    return {
      buffer: backing.subarray(0, size),
      release: () => {
        if (released) return;
        released = true;
        if (reusable) this.free.push(backing);
        this.give(cost);
      },
    };
  }

  private give(cost: number): void {
    this.available += cost;
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as { cost: number; resolve: () => void };
      if (this.available < next.cost) break;
      this.available -= next.cost;
      this.waiting.shift();
      next.resolve();
    }
  }
}

/**
 * Exponential back-off with jitter: attempt 0 waits between half and all of `baseMs`,
 * each later attempt twice as long, never more than `maxMs`.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryOptions {
  attempts?: number;
  signal?: AbortSignal;
  baseDelayMs?: number;
  onRetry?: (err: unknown, attempt: number) => void;
}

/**
 * Runs `task` until it succeeds, retrying network failures, 5xx and throttling with
 * exponential backoff and jitter. The SDK retries each request too; this layer also
 * covers failures the SDK cannot retry, such as a connection reset mid-download.
 */
export async function withRetries<T>(
  task: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (err) {
      if (options.signal?.aborted || attempt >= attempts || !isRetryable(err)) throw err;
      options.onRetry?.(err, attempt);
      const delay = backoffDelay(attempt - 1, base, 5_000);
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {}).catch(
        () => {},
      );
      if (options.signal?.aborted) throw err;
    }
  }
}

export interface PoolOptions {
  /** Calls in flight at once. */
  concurrency?: number;
  /** Extra attempts after the SDK's own retries gave up on a throttled call. */
  retries?: number;
  /** First back-off; doubles with each throttled attempt (with jitter). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  clock?: () => number;
  /** Told about each back-off (for --debug narration). */
  onThrottle?: (delayMs: number, attempt: number) => void;
}

/** Calls in flight at once in a pool of small API calls (IAM lookups), unless told. */
export const DEFAULT_POOL_CONCURRENCY = 8;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A gate shared by the workers of one pool, closed while the service asks to slow down.
 * Listing 200 users means hundreds of small IAM calls, and IAM throttles bursts. The SDK
 * already retries a throttled call a few times; when it gives up, every worker pauses (not
 * just the one that was throttled) and the call is tried again, with exponential back-off
 * and jitter.
 */
export class Backoff {
  private resumeAt = 0;
  private readonly options: Required<
    Pick<PoolOptions, "retries" | "baseDelayMs" | "maxDelayMs" | "sleep" | "random" | "clock">
  > &
    Pick<PoolOptions, "signal" | "onThrottle">;

  constructor(options: PoolOptions = {}) {
    this.options = {
      retries: options.retries ?? 6,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 20_000,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
      clock: options.clock ?? Date.now,
      signal: options.signal,
      onThrottle: options.onThrottle,
    };
  }

  /** Runs `call`, retrying it (after the shared pause) while it is throttled. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.wait();
      try {
        return await call();
      } catch (err) {
        if (!isThrottling(err) || attempt >= this.options.retries) throw err;
        const { baseDelayMs, maxDelayMs, random } = this.options;
        const delay = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
        this.resumeAt = Math.max(this.resumeAt, this.options.clock() + delay);
        this.options.onThrottle?.(delay, attempt + 1);
      }
    }
  }

  private async wait(): Promise<void> {
    for (;;) {
      if (this.options.signal?.aborted) throw new InterruptedError();
      const remaining = this.resumeAt - this.options.clock();
      if (remaining <= 0) return;
      await this.options.sleep(remaining);
    }
  }
}

/**
 * Maps `items` through `work` with at most `concurrency` calls in flight, in order of
 * the input. `work` gets a `call` wrapper: each SDK call made through it shares the
 * pool's back-off.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  work: (item: T, call: <X>(fn: () => Promise<X>) => Promise<X>, index: number) => Promise<R>,
  options: PoolOptions = {},
): Promise<R[]> {
  const backoff = new Backoff(options);
  const call = <X>(fn: () => Promise<X>) => backoff.run(fn);
  return mapConcurrently(items, options.concurrency ?? DEFAULT_POOL_CONCURRENCY, (item, index) =>
    work(item, call, index),
  );
}

/** The most requests s3kit keeps in flight at once (the HTTP agent's sockets per host). */
export const MAX_CONCURRENCY = 64;

/** `--concurrency N`: a whole number from 1 to 64. `fallback` is the command's default, for the hint. */
export function parseConcurrency(text: string, fallback: number): number {
  const trimmed = text.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError(
      `--concurrency "${text}" is not a whole number from 1 to ${MAX_CONCURRENCY}.`,
      `Give how many requests may run at once, e.g. --concurrency 8 (default ${fallback}).`,
      "InvalidConcurrency",
    );
  }
  return n;
}
