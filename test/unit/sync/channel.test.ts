import { describe, expect, it } from "vitest";
import { Channel } from "../../../src/core/sync/channel.js";

describe("the queue between the plan and the transfers", () => {
  it("hands items over in order, makes the writer wait while full, and ends on close", async () => {
    const channel = new Channel<number>(2);
    const read: number[] = [];
    const reader = (async () => {
      for await (const n of channel) {
        read.push(n);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    let most = 0;
    for (let i = 0; i < 20; i++) {
      await channel.push(i);
      most = Math.max(most, i - read.length);
    }
    channel.close();
    await reader;
    expect(read).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Never more than the capacity (plus the one being read) ahead of the reader.
    expect(most).toBeLessThanOrEqual(3);
  });

  it("several readers share the items; close releases a writer that waits", async () => {
    const channel = new Channel<number>(1);
    const seen: number[] = [];
    const readers = [0, 1, 2].map(async () => {
      for await (const n of channel) seen.push(n);
    });
    for (let i = 0; i < 10; i++) await channel.push(i);
    channel.close();
    await Promise.all(readers);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));

    const stuck = new Channel<number>(1);
    await stuck.push(1);
    const waiting = stuck.push(2);
    stuck.close();
    await expect(waiting).resolves.toBe(undefined);
  });
});
