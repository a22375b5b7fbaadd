import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BufferPool, Limiter, withRetries } from "../../../src/core/objects/limiter.js";

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
