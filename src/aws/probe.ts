import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface ProbeResult {
  status: number;
  /** The server's clock, from its Date header. */
  serverDate: Date | undefined;
  /** Local time halfway through the request, to compare with serverDate. */
  localDate: Date;
  latencyMs: number;
}

/**
 * An unsigned GET of the endpoint root: any HTTP answer (even 403) proves the
 * endpoint is reachable, and its Date header tells how far our clock is off.
 */
export function probeEndpoint(
  url: string,
  tls: { ca?: Buffer } = {},
  timeoutMs = 5_000,
): Promise<ProbeResult> {
  const started = Date.now();
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", timeout: timeoutMs, ...tls }, (res) => {
      res.resume();
      const finished = Date.now();
      const date = res.headers.date ? new Date(res.headers.date) : undefined;
      resolve({
        status: res.statusCode ?? 0,
        serverDate: date && !Number.isNaN(date.getTime()) ? date : undefined,
        localDate: new Date((started + finished) / 2),
        latencyMs: finished - started,
      });
    });
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
    );
    req.on("error", reject);
    req.end();
  });
}
