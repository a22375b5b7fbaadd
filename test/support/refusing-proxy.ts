import { createServer, request } from "node:http";

export interface RefusingProxy {
  endpoint: string;
  /** Requests refused so far. */
  readonly refused: number;
  /** Requests held (never answered) so far. */
  readonly held: number;
  close(): Promise<void>;
}

type Match = (method: string, url: URL) => boolean;

/**
 * An HTTP proxy in front of a local server that answers chosen requests with an S3
 * AccessDenied error itself, as S3 does for a caller without the permission, holds others
 * unanswered (a step that hangs, to press Ctrl-C during), and passes every other request
 * through: a step can fail where no local server fails it.
 */
export async function startRefusingProxy(
  target: string,
  refuse: Match,
  hold: Match = () => false,
): Promise<RefusingProxy> {
  const upstream = new URL(target);
  let refused = 0;
  let held = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    if (hold(req.method ?? "GET", url)) {
      held++;
      req.resume();
      return;
    }
    if (refuse(req.method ?? "GET", url)) {
      refused++;
      req.resume();
      res.writeHead(403, { "content-type": "application/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      );
      return;
    }
    const forward = request(
      {
        hostname: upstream.hostname,
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get refused() {
      return refused;
    },
    get held() {
      return held;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
