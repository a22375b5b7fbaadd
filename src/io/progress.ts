import { formatBytes } from "../core/s3/size.js";
import type { Output } from "./output.js";
import { toTerminal } from "./terminal-text.js";

/** A transfer's progress on stderr: bytes, rate, ETA and (for several files) files done. */
export interface ProgressBar {
  /** Bytes moved since the last call (negative when a retried part starts over). */
  bytes(delta: number): void;
  fileDone(): void;
  /** Prints a line above the bar (a warning while the bar runs). */
  log(write: () => void): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  totalBytes?: number | undefined;
  totalFiles?: number | undefined;
}

const REDRAW_MS = 120;
const RATE_WINDOW_MS = 4_000;

const noProgress: ProgressBar = {
  bytes: () => {},
  fileDone: () => {},
  log: (write) => write(),
  stop: () => {},
};

/** A progress bar on an interactive stderr; elsewhere (pipes, CI, --json, --quiet) nothing. */
export function startProgress(out: Output, options: ProgressOptions): ProgressBar {
  if (!out.interactive) return noProgress;
  const stderr = out.streams.stderr;
  const label = toTerminal(options.label);
  const started = Date.now();
  const samples: [number, number][] = [[started, 0]];
  let done = 0;
  let files = 0;
  let drawn = false;
  let stopped = false;

  const rate = (now: number): number => {
    while (samples.length > 2 && now - (samples[1] as [number, number])[0] > RATE_WINDOW_MS) {
      samples.shift();
    }
    const [t0, b0] = samples[0] as [number, number];
    const seconds = (now - t0) / 1000;
    return seconds > 0.2 ? (done - b0) / seconds : 0;
  };

  const render = (): string => {
    const now = Date.now();
    samples.push([now, done]);
    const perSecond = rate(now);
    const total = options.totalBytes;
    const parts = [label];
    if (total !== undefined && total > 0) {
      const fraction = Math.min(1, done / total);
      const width = 20;
      const filled = Math.round(fraction * width);
      parts.push(
        `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`,
        `${String(Math.floor(fraction * 100)).padStart(3)}%`,
        `${formatBytes(done)} / ${formatBytes(total)}`,
      );
    } else {
      parts.push(formatBytes(done));
    }
    parts.push(`${formatBytes(Math.round(perSecond))}/s`);
    if (total !== undefined && perSecond > 0 && done < total) {
      parts.push(`ETA ${formatEta((total - done) / perSecond)}`);
    }
    if (options.totalFiles !== undefined && options.totalFiles > 1) {
      parts.push(`${files}/${options.totalFiles} files`);
    }
    return parts.join("  ").slice(0, Math.max(20, out.streams.columns - 1));
  };

  const draw = () => {
    if (stopped) return;
    stderr.write(`\r\u001b[2K${render()}`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) stderr.write("\r\u001b[2K");
    drawn = false;
  };
  const timer = setInterval(draw, REDRAW_MS);
  timer.unref();

  return {
    bytes: (delta) => {
      done += delta;
    },
    fileDone: () => {
      files++;
    },
    log: (write) => {
      clear();
      write();
      draw();
    },
    stop: () => {
      if (stopped) return;
      clearInterval(timer);
      clear();
      stopped = true;
    },
  };
}

export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** `1.2 s`, `350 ms`, `2 min 5 s` for summaries. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
