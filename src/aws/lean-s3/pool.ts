import { Connection, type ConnectOptions, type Origin } from "./http1.js";

/**
 * Keep-alive connections per origin, at most `maxSockets` at once (callers beyond wait in
 * order). Idle connections do not keep the process alive and are closed after a while.
 */
export class ConnectionPool {
  private readonly origins = new Map<string, OriginPool>();

  constructor(private readonly options: ConnectOptions & { maxSockets: number; idleMs: number }) {}

  /** A connected (or connecting) connection for the origin; resolves once one is free. */
  async acquire(origin: Origin, signal?: AbortSignal): Promise<Connection> {
    const key = `${origin.protocol}//${origin.hostname}:${origin.port}`;
    let pool = this.origins.get(key);
    if (!pool) {
      pool = new OriginPool(origin, this.options);
      this.origins.set(key, pool);
    }
    return pool.acquire(signal);
  }

  /** Gives a connection back: kept for the next request if it can carry one, else closed. */
  release(connection: Connection): void {
    const key = `${connection.origin.protocol}//${connection.origin.hostname}:${connection.origin.port}`;
    this.origins.get(key)?.release(connection);
  }

  destroy(): void {
    for (const pool of this.origins.values()) pool.destroy();
    this.origins.clear();
  }
}

class OriginPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: ((connection: Connection | undefined) => void)[] = [];
  private open = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly origin: Origin,
    private readonly options: ConnectOptions & { maxSockets: number; idleMs: number },
  ) {}

  async acquire(signal?: AbortSignal): Promise<Connection> {
    for (;;) {
      const reused = this.idle.pop();
      if (reused) {
        reused.onIdleClose = undefined;
        if (!reused.usable) {
          this.open--;
          continue;
        }
        reused.socket.ref();
        return reused;
      }
      if (this.open < this.options.maxSockets) return this.connect();
      const freed = await new Promise<Connection | undefined>((resolve, reject) => {
        const onAbort = () => {
          const i = this.waiting.indexOf(wake);
          if (i !== -1) this.waiting.splice(i, 1);
          reject(abortError());
        };
        const wake = (connection: Connection | undefined) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(connection);
        };
        if (signal?.aborted) return reject(abortError());
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiting.push(wake);
      });
      if (freed?.usable) {
        freed.socket.ref();
        return freed;
      }
      if (freed) this.open--;
    }
  }

  release(connection: Connection): void {
    if (!connection.usable) {
      connection.destroy();
      this.closed();
      return;
    }
    const next = this.waiting.shift();
    if (next) {
      next(connection);
      return;
    }
    connection.socket.unref();
    this.idle.push(connection);
    connection.onIdleClose = () => {
      const i = this.idle.indexOf(connection);
      if (i !== -1) {
        this.idle.splice(i, 1);
        this.open--;
      }
    };
    this.scheduleSweep();
  }

  /** Closes every connection, idle or busy (the run is over). */
  destroy(): void {
    for (const c of this.all) c.destroy();
    this.all.clear();
    this.idle.length = 0;
    if (this.timer) clearTimeout(this.timer);
  }

  private connect(): Connection {
    this.open++;
    const connection = new Connection(this.origin, this.options);
    this.all.add(connection);
    connection.socket.once("close", () => this.all.delete(connection));
    return connection;
  }

  /** A connection closed for good: a waiting caller may open a new one. */
  private closed(): void {
    this.open--;
    const next = this.waiting.shift();
    if (next) next(undefined);
  }

  private scheduleSweep(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const c of this.idle.splice(0)) {
        c.onIdleClose = undefined;
        c.destroy();
        this.open--;
      }
    }, this.options.idleMs);
    this.timer.unref();
  }
}

function abortError(): Error {
  const err = new Error("The request was aborted");
  err.name = "AbortError";
  return err;
}
