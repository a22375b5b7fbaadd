import type { MiddlewareStack } from "@smithy/types";
import type { Service } from "./settings.js";

const SECRET_FIELD = /secret|token|password|signature|credential|privatekey/i;
const SECRET_QUERY = /^x-amz-(signature|credential|security-token)$/i;

/** Input parameters with secrets and bodies replaced, safe for a terminal or a CI log. */
export function redactInput(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(redactInput);
  if (input === null || typeof input !== "object") return input;
  if (input instanceof Uint8Array || typeof (input as { pipe?: unknown }).pipe === "function") {
    return "<body>";
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key === "Body") out[key] = "<body>";
    else if (SECRET_FIELD.test(key)) out[key] = "<redacted>";
    else out[key] = redactInput(value);
  }
  return out;
}

export function redactUrl(url: string): string {
  const parsed = new URL(url);
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY.test(name)) parsed.searchParams.set(name, "<redacted>");
  }
  return parsed.href;
}

interface HttpLike {
  method?: string;
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
  query?: Record<string, string | string[] | null>;
}

function describeRequest(request: HttpLike): string {
  const port = request.port ? `:${request.port}` : "";
  const query = Object.entries(request.query ?? {})
    .map(([k, v]) => (SECRET_QUERY.test(k) ? `${k}=<redacted>` : v === null ? k : `${k}=${v}`))
    .join("&");
  return `${request.method} ${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ""}`;
}

/**
 * `--debug`: one line per operation with its (redacted) input, one per HTTP attempt,
 * and the outcome. Responses are never printed: some carry secrets (CreateAccessKey).
 */
export function addDebugLogging(
  client: { middlewareStack: MiddlewareStack<object, object> },
  service: Service,
  log: (line: string) => void,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = `${service.toUpperCase()} ${(context as { commandName?: string }).commandName?.replace(/Command$/, "")}`;
      log(`→ ${operation} ${JSON.stringify(redactInput(args.input))}`);
      const started = performance.now();
      try {
        const result = await next(args);
        const meta = (
          result.output as { $metadata?: { httpStatusCode?: number; attempts?: number } }
        ).$metadata;
        log(
          `← ${operation} ${meta?.httpStatusCode ?? ""} in ${Math.round(performance.now() - started)} ms (${meta?.attempts ?? 1} attempt(s))`,
        );
        return result;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        log(
          `✗ ${operation} ${e.$metadata?.httpStatusCode ?? ""} ${e.name ?? "Error"} after ${Math.round(performance.now() - started)} ms`,
        );
        throw err;
      }
    },
    { step: "initialize", name: "s3kitDebugOperation", priority: "high" },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      log(`  http ${describeRequest(args.request as HttpLike)}`);
      return next(args);
    },
    { step: "finalizeRequest", name: "s3kitDebugHttp", priority: "low" },
  );
}
