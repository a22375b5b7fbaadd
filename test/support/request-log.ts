import { createServer, request } from "node:http";

export interface LoggedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestLog {
  endpoint: string;
  readonly requests: readonly LoggedRequest[];
  clear(): void;
  /** Requests that change something: PUT, POST, DELETE. */
  writes(): LoggedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of a local S3 server that records every request (method, path,
 * query, headers): what a test counts to prove what a command sent, whatever the server
 * logs or not.
 */
export async function startRequestLog(target: string): Promise<RequestLog> {
  const upstream = new URL(target);
  const requests: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: { ...req.headers } });
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    clear: () => {
      requests.length = 0;
    },
    writes: () => requests.filter((r) => ["PUT", "POST", "DELETE"].includes(r.method)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
