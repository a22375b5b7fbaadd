/**
 * LeanS3's HTTP/1.1 against a scripted server on loopback: framing (Content-Length,
 * chunked, close-delimited, HEAD, 100 Continue), heads split across reads, connection
 * reuse and a kept-alive connection the server closed, back-pressure, broken bodies,
 * aborts, the connection limit, and errors in the SDK's shape.
 */
import { createServer, type Server, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { isRetryable, mapAwsError } from "../../../src/aws/errors.js";
import { LeanS3 } from "../../../src/aws/lean-s3/client.js";
import { WireError } from "../../../src/aws/lean-s3/http1.js";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

type Reply = (request: Seen, socket: Socket, index: number) => Promise<void> | void;

interface Scripted {
  port: number;
  connections: number;
  maxOpen: number;
  requests: Seen[];
  server: Server;
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(() => r(undefined)));
});

/** A server that parses requests (head and Content-Length body) and lets `reply` answer. */
async function scripted(reply: Reply, host = "127.0.0.1"): Promise<Scripted> {
  const state: Scripted = {
    port: 0,
    connections: 0,
    maxOpen: 0,
    requests: [],
    server: undefined as unknown as Server,
  };
  let open = 0;
  const server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    open++;
    state.maxOpen = Math.max(state.maxOpen, open);
    socket.on("close", () => open--);
    socket.on("error", () => {});
    let buffer = Buffer.alloc(0);
    let busy = false;
    const pump = async () => {
      if (busy) return;
      busy = true;
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end === -1) break;
        const lines = buffer.toString("latin1", 0, end).split("\r\n");
        const [method, path] = (lines[0] as string).split(" ") as [string, string];
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(":");
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers["content-length"] ?? 0);
        if (buffer.length < end + 4 + length) break;
        const body = buffer.subarray(end + 4, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        const seen = { method, path, headers, body: Buffer.from(body) };
        state.requests.push(seen);
        await reply(seen, socket, state.requests.length - 1);
      }
      busy = false;
    };
    socket.on("data", (d) => {
      buffer = Buffer.concat([buffer, d]);
      void pump();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  state.port = (server.address() as { port: number }).port;
  state.server = server;
  return state;
}

function client(port: number, maxSockets = 4): LeanS3 {
  return new LeanS3({
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    maxSockets,
    credentials: async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }),
  });
}

const ok = (body: Buffer | string, extra = "") =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\nETag: "e"\r\n${extra}\r\n${body}`;

describe("LeanS3 over HTTP/1.1", () => {
  it("reads Content-Length bodies and reuses the connection", async () => {
    const server = await scripted((_, socket, i) => {
      socket.write(ok(`body number ${i}`));
    });
    const s3 = client(server.port);
    for (let i = 0; i < 3; i++) {
      const got = await s3.getObject({ Bucket: "b", Key: `k${i}` });
      expect((await got.Body.toBuffer()).toString()).toBe(`body number ${i}`);
      expect(got.ETag).toBe('"e"');
    }
    expect(server.connections).toBe(1);
    expect(server.requests.map((r) => r.path)).toEqual(["/b/k0", "/b/k1", "/b/k2"]);
    s3.destroy();
  });

  it("reads chunked and close-delimited bodies, and heads that arrive byte by byte", async () => {
    const server = await scripted(async (request, socket) => {
      if (request.path === "/b/chunked") {
        socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
        await sleep(5);
        socket.write("lo\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n");
      } else if (request.path === "/b/slow-head") {
        for (const c of ok("abc")) {
          socket.write(c);
          await sleep(1);
        }
      } else {
        socket.end("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
      }
    });
    const s3 = client(server.port);
    const chunked = await s3.getObject({ Bucket: "b", Key: "chunked" });
    expect((await chunked.Body.toBuffer()).toString()).toBe("hello, world");
    const slow = await s3.getObject({ Bucket: "b", Key: "slow-head" });
    expect((await slow.Body.toBuffer()).toString()).toBe("abc");
    const closing = await s3.getObject({ Bucket: "b", Key: "close" });
    expect((await closing.Body.toBuffer()).toString()).toBe("until the end");
    s3.destroy();
  });

  it("reads no body after HEAD, and skips a 100 Continue", async () => {
    const server = await scripted((request, socket) => {
      if (request.method === "HEAD") {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 12345\r\nETag: "h"\r\n\r\n');
      } else {
        socket.write(
          `HTTP/1.1 100 Continue\r\n\r\n${ok("", "x-amz-checksum-crc32: AAAAAA==\r\n")}`,
        );
      }
    });
    const s3 = client(server.port);
    const head = await s3.headObject({ Bucket: "b", Key: "k" });
    expect(head.ContentLength).toBe(12345);
    const put = await s3.putObject({
      Bucket: "b",
      Key: "k",
      Body: Buffer.from("data"),
      headers: [],
    });
    expect(put.ChecksumCRC32).toBe("AAAAAA==");
    expect(server.requests[1]?.body.toString()).toBe("data");
    // On loopback there is nothing between client and server: the payload is not hashed.
    expect(server.requests[1]?.headers["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD");
    expect(server.connections).toBe(1);
    s3.destroy();
  });

  it("signs the payload over plain HTTP across a network", async (context) => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!address) return context.skip();
    const server = await scripted((_, socket) => {
      socket.write(ok(""));
    }, "0.0.0.0");
    const s3 = new LeanS3({
      region: "us-east-1",
      endpoint: `http://${address}:${server.port}`,
      forcePathStyle: true,
      maxSockets: 1,
      credentials: async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }),
    });
    await s3.putObject({ Bucket: "b", Key: "k", Body: Buffer.from("data"), headers: [] });
    expect(server.requests[0]?.headers["x-amz-content-sha256"]).toBe(
      "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7",
    );
    s3.destroy();
  });

  it("sends a request again on a new connection when the kept-alive one was closed", async () => {
    const server = await scripted((_, socket, i) => {
      // Answers as if keeping the connection, then closes it (as idle timeouts do).
      socket.write(ok(`answer ${i}`));
      setTimeout(() => socket.destroy(), 5);
    });
    const s3 = client(server.port);
    const first = await s3.getObject({ Bucket: "b", Key: "one" });
    expect((await first.Body.toBuffer()).toString()).toBe("answer 0");
    await sleep(30);
    const second = await s3.getObject({ Bucket: "b", Key: "two" });
    expect((await second.Body.toBuffer()).toString()).toBe("answer 1");
    expect(server.connections).toBe(2);
    s3.destroy();
  });

  it("pauses the socket while the sink has no room, and loses no byte", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const server = await scripted((_, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`);
      socket.write(big);
    });
    const s3 = client(server.port);
    const got = await s3.getObject({ Bucket: "b", Key: "big" });
    const out = Buffer.alloc(big.length);
    let filled = 0;
    const window = Buffer.alloc(100_000);
    let held = 0;
    let waiting = false;
    await got.Body.pipe({
      space: () => {
        if (held >= window.length) {
          if (!waiting) {
            waiting = true;
            // The "disk" takes a moment; then the window is free again.
            setTimeout(() => {
              window.copy(out, filled - held, 0, held);
              held = 0;
              waiting = false;
              got.Body.resume();
            }, 2);
          }
          return undefined;
        }
        return window.subarray(held);
      },
      filled: (n) => {
        held += n;
        filled += n;
      },
    });
    window.copy(out, filled - held, 0, held);
    expect(filled).toBe(big.length);
    expect(out.equals(big)).toBe(true);
    s3.destroy();
  });

  it("fails a body cut short with a retryable error", async () => {
    const server = await scripted((_, socket) => {
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this");
    });
    const s3 = client(server.port);
    const got = await s3.getObject({ Bucket: "b", Key: "k" });
    const err = await got.Body.toBuffer().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WireError);
    expect(isRetryable(err)).toBe(true);
    s3.destroy();
  });

  it("stops at once when the signal aborts, mid-body", async () => {
    const server = await scripted((_, socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nfirst bytes");
    });
    const s3 = client(server.port);
    const controller = new AbortController();
    const got = await s3.getObject({ Bucket: "b", Key: "k" }, { abortSignal: controller.signal });
    const reading = got.Body.toBuffer();
    setTimeout(() => controller.abort(), 10);
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(isRetryable(await reading.catch((e) => e))).toBe(false);
    s3.destroy();
  });

  it("opens at most maxSockets connections; the others wait their turn", async () => {
    const server = await scripted(async (_, socket, i) => {
      await sleep(10);
      socket.write(ok(`r${i}`));
    });
    const s3 = client(server.port, 2);
    const bodies = await Promise.all(
      Array.from({ length: 6 }, async (_, i) =>
        (await (await s3.getObject({ Bucket: "b", Key: `k${i}` })).Body.toBuffer()).toString(),
      ),
    );
    expect(bodies.sort()).toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
    expect(server.maxOpen).toBeLessThanOrEqual(2);
    s3.destroy();
  });

  it("turns S3's error answers into SDK-shaped errors that map to exit codes", async () => {
    const server = await scripted((request, socket) => {
      if (request.method === "HEAD") {
        socket.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      const xml =
        '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The key &quot;k&quot; does not exist.</Message></Error>';
      socket.write(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/xml\r\nContent-Length: ${xml.length}\r\nx-amz-request-id: R1\r\n\r\n${xml}`,
      );
    });
    const s3 = client(server.port);
    const missing = await s3.getObject({ Bucket: "b", Key: "k" }).catch((e: unknown) => e);
    expect(missing).toMatchObject({
      name: "NoSuchKey",
      Code: "NoSuchKey",
      message: 'The key "k" does not exist.',
      $metadata: { httpStatusCode: 404, requestId: "R1" },
    });
    expect(mapAwsError(missing).exitCode).toBe(3);
    const denied = await s3.headObject({ Bucket: "b", Key: "k" }).catch((e: unknown) => e);
    expect(mapAwsError(denied)).toMatchObject({ code: "Forbidden", exitCode: 4 });
    // The error answers were read to their end: one connection carried all three.
    expect(server.connections).toBe(1);
    s3.destroy();
  });

  it("reports a refused connection with the code error mapping knows", async () => {
    const server = await scripted(() => {});
    const port = server.port;
    await new Promise((r) => server.server.close(() => r(undefined)));
    servers.length = 0;
    const s3 = client(port);
    const err = await s3.getObject({ Bucket: "b", Key: "k" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WireError);
    expect(err).toMatchObject({ code: "ECONNREFUSED" });
    expect(isRetryable(err)).toBe(true);
    expect(mapAwsError(err)).toMatchObject({ code: "EndpointUnreachable", exitCode: 1 });
    s3.destroy();
  });
});
