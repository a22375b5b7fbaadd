// A stand-in for the Aws connection whose clients answer from handlers. Only for the error
// paths no local server produces on demand (throttling, SimulatePrincipalPolicy, races,
// redirects, endpoints that refuse one setting): everything else runs against moto,
// versitygw or MinIO.
import type { Aws, Credentials } from "../../src/aws/clients.js";

export type Handler = (input: Record<string, unknown>) => unknown;
/** Per operation (`HeadBucket`, `ListUsers`, …) an answer, or answers used one per call. */
export type Handlers = Record<string, Handler | Handler[]>;

export interface FakeCall {
  command: string;
  input: Record<string, unknown>;
}

export interface FakeAwsOptions {
  region?: string;
  /** A custom endpoint for every service (as --endpoint-url gives); AWS's own by default. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** What the credential chain would find (for signing). */
  credentials?: Credentials;
}

export interface FakeAws {
  aws: Aws;
  /** The client every service gets (S3, IAM, STS share it: they answer by operation). */
  client: { send(command: unknown): Promise<unknown> };
  calls: FakeCall[];
  /** The operations called, in order (the names of `calls`). */
  operations: string[];
}

/**
 * An error shaped as the SDK throws it: its name is the service's error code, with the
 * HTTP status in `$metadata` (none for a network failure) and client or server fault.
 */
export function sdkError(
  name: string,
  status: number | undefined = 400,
  message = name,
  extra: Record<string, unknown> = {},
): Error {
  return Object.assign(new Error(message), {
    name,
    ...(status === undefined
      ? { $metadata: {} }
      : { $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } }),
    ...extra,
  });
}

/** A handler that throws `sdkError(...)`. */
export function throwing(...args: Parameters<typeof sdkError>): Handler {
  return () => {
    throw sdkError(...args);
  };
}

/** A handler that fails `times` times with `error`, then answers. */
export function failing(times: number, error: () => Error, then: Handler): Handler {
  let left = times;
  return (input) => {
    if (left > 0) {
      left--;
      throw error();
    }
    return then(input);
  };
}

export function fakeAws(handlers: Handlers, options: FakeAwsOptions = {}): FakeAws {
  const { region = "us-east-1", endpoint, forcePathStyle = false, credentials } = options;
  const calls: FakeCall[] = [];
  const operations: string[] = [];
  const client = {
    send: async (command: unknown) => {
      const { input } = command as { input: Record<string, unknown> };
      const name = (command as object).constructor.name.replace(/Command$/, "");
      calls.push({ command: name, input });
      operations.push(name);
      const handler = handlers[name];
      const next = Array.isArray(handler) ? handler.shift() : handler;
      if (!next) throw new Error(`unexpected call ${name}`);
      return next(input);
    },
  };
  const aws = {
    region,
    settings: {
      region: { value: region, source: "test" },
      endpoints: endpoint ? { s3: { value: endpoint, source: "--endpoint-url" } } : {},
      forcePathStyle,
    },
    usesCustomEndpoint: endpoint !== undefined,
    endpoint: (service: string) => endpoint ?? `https://${service}.${region}.amazonaws.com`,
    credentials: async () => {
      if (!credentials) throw new Error("unexpected credential lookup");
      return credentials;
    },
    s3: async () => client,
    iam: async () => client,
    sts: async () => client,
  } as unknown as Aws;
  return { aws, client, calls, operations };
}
