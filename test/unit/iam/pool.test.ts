import { describe, expect, it } from "vitest";
import { allPages, mapPool, parseConcurrency } from "../../../src/core/iam/pool.js";

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

describe("allPages", () => {
  it("follows markers until the listing is complete", async () => {
    const pages = await allPages(async (marker) =>
      marker === undefined
        ? { IsTruncated: true, Marker: "m1", items: [1] }
        : marker === "m1"
          ? { IsTruncated: true, Marker: "m2", items: [2] }
          : { IsTruncated: false, items: [3] },
    );
    expect(pages.flatMap((p) => p.items)).toEqual([1, 2, 3]);
  });
});

describe("--concurrency", () => {
  it("takes 1 to 64", () => {
    expect(parseConcurrency("8")).toBe(8);
    expect(() => parseConcurrency("0")).toThrow("1 to 64");
    expect(() => parseConcurrency("many")).toThrow("1 to 64");
  });
});
