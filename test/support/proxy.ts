import { connect, createServer, type Socket } from "node:net";

export interface ProxyOptions {
  /** The server to forward to, e.g. http://127.0.0.1:5000. */
  target: string;
  /** Which connections (numbered from 1) to cut off mid-transfer. */
  reset?: (connection: number) => boolean;
  /** After how many bytes (both directions together) a doomed connection is reset. */
  resetAfterBytes?: number;
  /** The most connections to reset; the rest pass untouched. */
  maxResets?: number;
  /** Per-connection throughput limit in each direction, in bytes per second. */
  bytesPerSecond?: number;
  /** Flips one bit of what the server sends, at this offset of every connection (damaged data). */
  corruptAt?: number;
  /**
   * Holds what the client sends for this long (ms; a [min, max] range picks one per
   * connection) before the server sees it, like a distant region. Requests still held when
   * the client goes away never reach the server.
   */
  latencyMs?: number | readonly [number, number];
  /**
   * Sees every piece of a request before the server does (synchronously, so a test can
   * change the world between the client sending and the server answering); "reset"
   * cuts the connection off instead, as a dropped network would.
   */
  inspect?: (chunk: Buffer) => "pass" | "reset";
}

export interface TestProxy {
  endpoint: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections reset so far. */
  readonly resets: number;
  close(): Promise<void>;
}

function pickLatency(option: ProxyOptions["latencyMs"]): number {
  if (option === undefined) return 0;
  if (typeof option === "number") return option;
  const [min, max] = option;
  return min + Math.random() * (max - min);
}

/**
 * A loopback TCP proxy for tests: it can reset chosen connections part-way through a
 * request or response (like a flaky network or load balancer), slow connections down and
 * delay requests.
 */
export async function startProxy(options: ProxyOptions): Promise<TestProxy> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  let connections = 0;
  let resets = 0;
  const server = createServer((client) => {
    const number = ++connections;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const doomed =
      (options.reset?.(number) ?? false) &&
      resets < (options.maxResets ?? Number.POSITIVE_INFINITY);
    if (doomed) resets++;
    let transferred = 0;
    let cut = false;
    const cutOff = () => {
      if (cut) return;
      cut = true;
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    let fromServer = 0;
    const latency = pickLatency(options.latencyMs);
    const delayed = (from: Socket, to: Socket) => {
      const held: { due: number; chunk: Buffer | null }[] = [];
      let timer: NodeJS.Timeout | undefined;
      const release = () => {
        timer = undefined;
        while (held.length > 0 && (held[0]?.due ?? 0) <= Date.now()) {
          const { chunk } = held.shift() as { chunk: Buffer | null };
          if (cut || to.destroyed) return;
          if (chunk) to.write(chunk);
          else to.end();
        }
        const next = held[0];
        if (next) timer = setTimeout(release, Math.max(0, next.due - Date.now()));
      };
      const hold = (chunk: Buffer | null) => {
        held.push({ due: Date.now() + latency, chunk });
        timer ??= setTimeout(release, latency);
      };
      from.on("data", (chunk: Buffer) => {
        if (options.inspect?.(chunk) === "reset") cutOff();
        else hold(chunk);
      });
      from.on("end", () => hold(null));
      from.on("close", () => {
        // The client went away: what it sent and the server has not seen yet is lost.
        if (timer) clearTimeout(timer);
        held.length = 0;
      });
    };
    const forward = (from: Socket, to: Socket) => {
      let windowStart = Date.now();
      let windowBytes = 0;
      from.on("data", (chunk: Buffer) => {
        if (cut) return;
        if (from === client && options.inspect?.(chunk) === "reset") {
          cutOff();
          return;
        }
        if (from === upstream && options.corruptAt !== undefined) {
          const at = options.corruptAt - fromServer;
          if (at >= 0 && at < chunk.length) {
            chunk = Buffer.from(chunk);
            chunk[at] = (chunk[at] as number) ^ 0x01;
          }
          fromServer += chunk.length;
        }
        transferred += chunk.length;
        if (doomed && transferred >= (options.resetAfterBytes ?? 64 * 1024)) {
          // Let part of the chunk through first, so the peer sees a transfer that started.
          to.write(chunk.subarray(0, chunk.length >> 1), () => cutOff());
          return;
        }
        const flushed = to.write(chunk);
        const rate = options.bytesPerSecond;
        if (rate) {
          windowBytes += chunk.length;
          const due = windowStart + (windowBytes / rate) * 1000;
          const wait = due - Date.now();
          if (wait > 0) {
            from.pause();
            setTimeout(() => from.resume(), wait).unref();
          }
          if (Date.now() - windowStart > 1000) {
            windowStart = Date.now();
            windowBytes = 0;
          }
        } else if (!flushed) {
          from.pause();
          to.once("drain", () => from.resume());
        }
      });
      from.on("end", () => to.end());
    };
    if (latency > 0) delayed(client, upstream);
    else forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get resets() {
      return resets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
