import type { Output } from "./output.js";
import { toTerminal } from "./terminal-text.js";

/** A progress bar for a count of items (objects deleted, keys listed). */
export interface ItemProgress {
  /** `total` is undefined while it is not known yet (the listing is still running). */
  update(done: number, total?: number, note?: string): void;
  /** Removes the bar (the command prints its own summary). */
  stop(): void;
}

const noop: ItemProgress = { update() {}, stop() {} };

/**
 * `label [██████░░░░] 6,000/10,000 60% 2,400/s` on an interactive stderr, redrawn at
 * most ten times a second; nothing elsewhere (pipes, CI, --json, --quiet).
 */
export function startItemProgress(out: Output, label: string): ItemProgress {
  if (!out.interactive) return noop;
  const stream = out.streams.stderr;
  const started = Date.now();
  let lastDraw = 0;
  let last = { done: 0, total: undefined as number | undefined, note: "" };
  const fmt = (n: number) => n.toLocaleString("en-US");

  const draw = () => {
    const { done, total, note } = last;
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0.2 ? ` ${fmt(Math.round(done / seconds))}/s` : "";
    let line: string;
    if (total !== undefined && total > 0) {
      const width = 24;
      const filled = Math.min(width, Math.round((done / total) * width));
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      const pct = Math.floor((done / total) * 100);
      line = `${label} [${bar}] ${fmt(done)}/${fmt(total)} ${pct}%${rate}`;
    } else {
      line = `${label} ${fmt(done)}${note ? ` ${note}` : ""}${rate}`;
    }
    const columns = out.streams.columns || 80;
    stream.write(`\r${toTerminal(line.slice(0, columns - 1))}\u001b[K`);
  };

  return {
    update(done, total, note = "") {
      last = { done, total, note };
      const now = Date.now();
      if (now - lastDraw >= 100 || (total !== undefined && done >= total)) {
        lastDraw = now;
        draw();
      }
    },
    stop() {
      stream.write("\r\u001b[K");
    },
  };
}
