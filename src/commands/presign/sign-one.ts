// `presign get|put LOCATION`: the one-URL path both commands share.
import { buildCurlCommand, hasDotSegments } from "../../core/presign/index.js";
import { checkSignOptions } from "../../core/presign/options.js";
import { openPresignSession, sessionExpiryWarning } from "../../core/presign/session.js";
import type {
  GetPresignOptions,
  PresignedRequest,
  PutPresignOptions,
} from "../../core/presign/types.js";
import { parseS3Location } from "../../core/s3/location.js";
import type { Context } from "../context.js";

export type SignOneInput = (
  | { method: "GET"; options: GetPresignOptions }
  | { method: "PUT"; options: PutPresignOptions }
) & {
  location: string;
  /** --curl FILE: print the curl command instead of the URL. */
  curl: string | undefined;
  /** Called after a plain URL was printed for a person (put names the headers to send). */
  afterUrl?: (request: PresignedRequest) => void;
};

/** Signs one location and prints its URL (or curl command, or JSON). */
export async function signOne(ctx: Context, input: SignOneInput): Promise<undefined> {
  const { bucket, key } = parseS3Location(input.location, { needKey: true, accessPoints: true });
  checkSignOptions(input.method, input.options);
  const session = await openPresignSession(await ctx.aws());
  const request =
    input.method === "GET"
      ? await session.presigner.get(bucket, key, input.options)
      : await session.presigner.put(bucket, key, input.options);
  const warning = sessionExpiryWarning(session, request.expiresAt);
  if (warning) ctx.out.warn(warning);
  const curl = input.curl === undefined ? undefined : buildCurlCommand(request, input.curl);
  if (curl === undefined && hasDotSegments(request.url)) ctx.out.warn(DOT_SEGMENTS);
  ctx.out.result<PresignedRequest & { curl?: string }>(
    curl === undefined ? request : { ...request, curl },
    (r) => r.curl ?? r.url,
  );
  if (!ctx.out.json && curl === undefined) input.afterUrl?.(request);
  return undefined;
}

const DOT_SEGMENTS =
  'the key has a "." or ".." segment, which browsers, fetch and curl remove from a URL before sending it (and S3 then refuses the signature): use a client that sends the path as it is, such as curl --path-as-is (--curl FILE prints the command).';
