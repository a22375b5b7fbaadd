// The server's limit as plain Node sees it: GETs of presigned URLs (one per line on stdin)
// with node:http, bodies discarded, `CONCURRENCY` at a time. No signing, no checks, no files.
import http from "node:http";

const concurrency = Number(process.env.CONCURRENCY ?? 16);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const urls = Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        res.on("data", () => {});
        res.on("end", resolve);
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

let next = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, urls.length) }, async () => {
    while (next < urls.length) await get(urls[next++]);
  }),
);
agent.destroy();
