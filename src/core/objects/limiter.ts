import { setTimeout as sleep } from "node:timers/promises";
import { isRetryable } from "../../aws/errors.js";

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
      const delay = Math.min(5_000, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {}).catch(
        () => {},
      );
      if (options.signal?.aborted) throw err;
    }
  }
}
