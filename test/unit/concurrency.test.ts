import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  BufferPool,
  backoffDelay,
  Limiter,
  mapConcurrently,
  mapPool,
  parseConcurrency,
  TaskPool,
  withRetries,
} from "../../src/core/concurrency.js";

describe("Limiter", () => {
  it("runs at most `limit` tasks at once, in order", async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await sleep(5);
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("frees the slot when a task fails", async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(limiter.run(async () => 42)).resolves.toBe(42);
  });
});

describe("BufferPool", () => {
  it("never lends more than its budget and reuses part-sized buffers", async () => {
    const pool = new BufferPool(30, 10);
    const a = await pool.acquire(10);
    const b = await pool.acquire(10);
    const c = await pool.acquire(6); // counted as a whole reusable buffer
    let fourth = false;
    const waiting = pool.acquire(10).then((lease) => {
      fourth = true;
      return lease;
    });
    await sleep(5);
    expect(fourth).toBe(false);
    const backing = a.buffer.buffer;
    a.release();
    const d = await waiting;
    expect(fourth).toBe(true);
    expect(d.buffer.buffer).toBe(backing);
    expect(c.buffer.length).toBe(6);
    for (const lease of [b, c, d]) lease.release();
  });

  it("lends without waiting when it can (tryAcquire)", async () => {
    const pool = new BufferPool(20, 10);
    const a = pool.tryAcquire(10);
    const b = pool.tryAcquire(9);
    expect(pool.tryAcquire(1)).toBeUndefined();
    const backing = a?.buffer.buffer;
    a?.release();
    expect(pool.tryAcquire(10)?.buffer.buffer).toBe(backing);
    b?.release();
  });

  it("allocates small buffers exactly", async () => {
    const pool = new BufferPool(100, 40);
    const small = await pool.acquire(3);
    expect(small.buffer.length).toBe(3);
    small.release();
    small.release(); // twice is harmless
  });
});

describe("retries", () => {
  it("retries a transient failure, then succeeds", async () => {
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error("reset"), { code: "ECONNRESET" });
        return "ok";
      },
      { baseDelayMs: 1 },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after the last attempt and on permanent errors", async () => {
    let calls = 0;
    const reset = () => {
      calls++;
      return Promise.reject(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
    };
    await expect(withRetries(reset, { attempts: 2, baseDelayMs: 1 })).rejects.toThrow("reset");
    expect(calls).toBe(2);
    calls = 0;
    const denied = () => {
      calls++;
      return Promise.reject(Object.assign(new Error("no"), { name: "AccessDenied" }));
    };
    await expect(withRetries(denied, { baseDelayMs: 1 })).rejects.toThrow("no");
    expect(calls).toBe(1);
  });

  it("stops retrying once aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    const task = () => {
      calls++;
      controller.abort();
      return Promise.reject(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
    };
    await expect(
      withRetries(task, { signal: controller.signal, baseDelayMs: 1 }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});

const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "Throttling" });

describe("mapPool", () => {
  it("keeps the input order and never exceeds the concurrency", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapPool(
      Array.from({ length: 40 }, (_, i) => i),
      async (n) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, (n * 7) % 5));
        inFlight--;
        return n * 2;
      },
      { concurrency: 4 },
    );
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(peak).toBe(4);
  });

  it("pauses every worker and retries when a call is throttled", async () => {
    const sleeps: number[] = [];
    let now = 0;
    const attempts = new Map<number, number>();
    const out = await mapPool(
      [1, 2, 3],
      (n, call) =>
        call(async () => {
          const a = (attempts.get(n) ?? 0) + 1;
          attempts.set(n, a);
          if (n === 2 && a <= 2) throw throttled();
          return n;
        }),
      {
        concurrency: 3,
        baseDelayMs: 100,
        random: () => 1,
        clock: () => now,
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
      },
    );
    expect(out).toEqual([1, 2, 3]);
    expect(attempts.get(2)).toBe(3);
    // Exponential: 100 ms, then 200 ms (jitter pinned to the top of its range).
    expect(sleeps).toContain(100);
    expect(sleeps).toContain(200);
    expect(now).toBe(300);
  });

  it("gives up after the retries and passes other errors straight through", async () => {
    await expect(
      mapPool([1], (_n, call) => call(() => Promise.reject(throttled())), {
        retries: 2,
        baseDelayMs: 1,
      }),
    ).rejects.toThrow("Rate exceeded");
    let calls = 0;
    await expect(
      mapPool([1], (_n, call) =>
        call(() => {
          calls++;
          return Promise.reject(Object.assign(new Error("nope"), { name: "AccessDenied" }));
        }),
      ),
    ).rejects.toThrow("nope");
    expect(calls).toBe(1);
  });

  it("stops when interrupted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      mapPool([1], (_n, call) => call(async () => 1), { signal: controller.signal }),
    ).rejects.toThrow("Interrupted");
  });
});

describe("--concurrency", () => {
  it.each([
    ["8", 8],
    ["1", 1],
    ["64", 64],
    [" 16 ", 16],
  ])("%j is %i", (text, n) => {
    expect(parseConcurrency(text, 8)).toBe(n);
  });

  it.each(["0", "65", "-2", "1.5", "1e1", "0x10", "many", ""])("refuses %j (exit 2)", (text) => {
    expect(() => parseConcurrency(text, 16)).toThrow(
      expect.objectContaining({
        code: "InvalidConcurrency",
        exitCode: 2,
        message: `--concurrency "${text}" is not a whole number from 1 to 64.`,
        hint: expect.stringContaining("(default 16)"),
      }),
    );
  });
});

describe("mapConcurrently", () => {
  it("keeps the order, never exceeds the limit, and handles no items", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapConcurrently([5, 1, 4, 2, 3], 2, async (n, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(n);
      inFlight--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(["0:5", "1:1", "2:4", "3:2", "4:3"]);
    expect(peak).toBe(2);
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
  });
});

describe("TaskPool", () => {
  it("holds the producer back while the pool is full", async () => {
    const pool = new TaskPool(2);
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 7; i++) {
      await pool.add(async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(3);
        running--;
      });
      expect(running).toBeLessThanOrEqual(2);
    }
    await pool.drain();
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it("after a failure starts nothing more, waits for the running tasks, then throws the first error", async () => {
    const pool = new TaskPool(3);
    const finished: string[] = [];
    await pool.add(async () => {
      await sleep(1);
      throw new Error("first");
    });
    await pool.add(async () => {
      await sleep(20);
      finished.push("slow");
    });
    await sleep(5);
    expect(pool.failed).toBe(true);
    let started = false;
    await expect(
      pool.add(async () => {
        started = true;
      }),
    ).rejects.toThrow("first");
    expect(started).toBe(false);
    // The slow task ran to its end before the error was reported.
    expect(finished).toEqual(["slow"]);
    await expect(pool.drain()).rejects.toThrow("first");
  });
});

describe("backoffDelay", () => {
  it("doubles from the base, with jitter in the upper half, up to the cap", () => {
    expect(backoffDelay(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(20, 100, 5_000, () => 1)).toBe(5_000);
  });
});
