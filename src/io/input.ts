import type { IOStreams } from "./streams.js";

/** All of standard input as text (for `-` in place of a file name). */
export async function readStdinText(streams: Pick<IOStreams, "stdin">): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of streams.stdin) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}
