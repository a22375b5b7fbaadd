// Bounded concurrency with a shared back-off for throttling: listing 200 users means
// hundreds of small IAM calls, and IAM throttles bursts. The SDK already retries a
// throttled call a few times; when it gives up, every worker of the pool pauses (not
// just the one that was throttled) and the call is tried again, with exponential
// back-off and jitter.

import { isThrottling } from "../../aws/errors.js";
import { InterruptedError, UsageError } from "../errors.js";

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

export const DEFAULT_CONCURRENCY = 8;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A gate shared by the workers of one pool: closed while the service asks us to slow down. */
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
        const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
        const delay = Math.round(ceiling / 2 + random() * (ceiling / 2));
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
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await work(items[index] as T, call, index);
    }
  };
  const size = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

/** Collects every page of an IAM listing (Marker / IsTruncated). */
export async function allPages<P extends { IsTruncated?: boolean; Marker?: string }>(
  fetch: (marker: string | undefined) => Promise<P>,
): Promise<P[]> {
  const pages: P[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await fetch(marker);
    pages.push(page);
    if (!page.IsTruncated || !page.Marker || page.Marker === marker) return pages;
    marker = page.Marker;
  }
}

/** `--concurrency N`: 1 to 64. */
export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(
      `--concurrency must be a whole number from 1 to 64, not "${value}".`,
      "For example --concurrency 8.",
    );
  }
  return n;
}
