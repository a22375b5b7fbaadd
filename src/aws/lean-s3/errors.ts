import type { ResponseHead } from "./http1.js";

/**
 * An S3 error answer, shaped like the SDK's (name = S3's code, `Code`, `$fault`,
 * `$metadata.httpStatusCode`, the response headers), so that error mapping and retries
 * treat it as they treat the SDK's.
 */
export class LeanS3Error extends Error {
  Code?: string;
  Region?: string;
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode: number; requestId?: string | undefined };
  readonly $response: { statusCode: number; headers: Record<string, string> };

  constructor(name: string, message: string, head: ResponseHead) {
    super(message);
    this.name = name;
    this.$fault = head.status >= 500 ? "server" : "client";
    this.$metadata = {
      httpStatusCode: head.status,
      requestId: head.headers["x-amz-request-id"],
    };
    this.$response = { statusCode: head.status, headers: head.headers };
  }
}

/** The error for a non-2xx answer: S3's XML `<Error>` when there is one, else the status. */
export function requestError(head: ResponseHead, body: string): LeanS3Error {
  const code = xmlField(body, "Code");
  const message = xmlField(body, "Message");
  if (code) {
    const err = new LeanS3Error(code, message ?? code, head);
    err.Code = code;
    const region = xmlField(body, "Region");
    if (region) err.Region = region;
    return err;
  }
  // No body (HEAD, or a proxy's answer): as the SDK does, 404 is NotFound and the rest unknown.
  if (head.status === 404) return new LeanS3Error("NotFound", "NotFound", head);
  return new LeanS3Error("Unknown", "UnknownError", head);
}

function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? decodeXml(match[1] as string) : undefined;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    switch (entity) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return '"';
      case "apos":
        return "'";
      default:
        return String.fromCodePoint(
          entity[1] === "x" ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1)),
        );
    }
  });
}
