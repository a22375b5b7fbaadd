// A stand-in for the Aws connection whose clients answer from handlers, for the error
// paths no local server produces (throttling, SimulatePrincipalPolicy, races).
import type { Aws } from "../../../src/aws/clients.js";

export type Handler = (input: Record<string, unknown>) => unknown;
export type Handlers = Record<string, Handler>;

export interface FakeAws {
  aws: Aws;
  calls: { command: string; input: Record<string, unknown> }[];
}

export function sdkError(name: string, status = 400, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

export function fakeAws(
  handlers: Handlers,
  { region = "us-east-1", endpoint }: { region?: string; endpoint?: string } = {},
): FakeAws {
  const calls: FakeAws["calls"] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, "");
      calls.push({ command: name, input: command.input });
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected call ${name}`);
      return handler(command.input);
    },
  };
  const aws = {
    region,
    usesCustomEndpoint: endpoint !== undefined,
    endpoint: (service: string) => endpoint ?? `https://${service}.${region}.amazonaws.com`,
    iam: async () => client,
    s3: async () => client,
    sts: async () => client,
  } as unknown as Aws;
  return { aws, calls };
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
