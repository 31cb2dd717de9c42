// Progress of a write on stderr. On a terminal: one bar redrawn in place with \r (bytes,
// tensors, rate, ETA), at most 10 times a second. Otherwise (a pipe, a log file, a CI job):
// plain lines, one per 10% of the bytes and one per finished file.
import type { WriteProgress } from '../io/common.js';

export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A file the write will produce, with its expected tensor data bytes (the header adds a little). */
export interface PlannedFile {
  path: string;
  dataBytes: number;
  tensors: number;
}

interface FileState {
  bytesWritten: number;
  totalBytes: number;
  tensorsDone: number;
  tensorCount: number;
  finished: boolean;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class Progress {
  private readonly files = new Map<string, FileState>();
  private readonly planned: Map<string, PlannedFile>;
  private readonly started: number;
  private lastDraw = -Infinity;
  private nextTenth = 1;
  private drawn = false;
  private readonly tty: boolean;
  private readonly totalTensors: number;

  constructor(
    private readonly stream: ProgressStream,
    planned: readonly PlannedFile[],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    this.planned = new Map(planned.map((f) => [f.path, f]));
    this.tty = stream.isTTY === true;
    this.totalTensors = planned.reduce((a, f) => a + f.tensors, 0);
  }

  /** Bytes done and expected in all files (a file's exact size once it has started, else its data bytes). */
  totals(): { done: number; total: number; tensorsDone: number } {
    let done = 0;
    let total = 0;
    let tensorsDone = 0;
    for (const [path, f] of this.planned) {
      const s = this.files.get(path);
      if (s === undefined) total += f.dataBytes;
      else {
        done += s.bytesWritten;
        total += s.totalBytes;
        tensorsDone += s.tensorsDone;
      }
    }
    return { done, total, tensorsDone };
  }

  /** The writer's onProgress callback. */
  readonly update = (p: WriteProgress): void => {
    const s: FileState = { bytesWritten: p.bytesWritten, totalBytes: p.totalBytes, tensorsDone: p.tensorsDone, tensorCount: p.tensorCount, finished: p.tensorsDone === p.tensorCount };
    if (!this.planned.has(p.path)) this.planned.set(p.path, { path: p.path, dataBytes: p.totalBytes, tensors: p.tensorCount });
    const before = this.files.get(p.path);
    this.files.set(p.path, s);
    const t = this.now();
    const fileDone = s.finished && before?.finished !== true;
    if (this.tty) {
      if (t - this.lastDraw >= 100 || fileDone) {
        this.lastDraw = t;
        this.draw();
      }
      return;
    }
    const { done, total } = this.totals();
    const frac = total === 0 ? 1 : done / total;
    let tenth = false;
    while (this.nextTenth <= 10 && frac >= this.nextTenth / 10) {
      this.nextTenth++;
      tenth = true;
    }
    if (tenth || (fileDone && this.planned.size > 1)) this.stream.write(`${this.line()}${fileDone && this.planned.size > 1 ? `  (${p.path} done)` : ''}\n`);
  };

  private line(): string {
    const { done, total, tensorsDone } = this.totals();
    const secs = (this.now() - this.started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const pct = total === 0 ? 100 : (100 * done) / total;
    const files = this.planned.size > 1 ? `  files ${[...this.files.values()].filter((f) => f.finished).length}/${this.planned.size}` : '';
    return `${pct.toFixed(0).padStart(3)}%  ${formatBytes(done)} / ${formatBytes(total)}  tensors ${tensorsDone}/${this.totalTensors}${files}  ${formatBytes(rate)}/s  ETA ${formatDuration(eta)}`;
  }

  private draw(): void {
    const { done, total } = this.totals();
    const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 70));
    const fill = total === 0 ? width : Math.round((width * done) / total);
    const bar = `[${'#'.repeat(Math.min(width, fill))}${'.'.repeat(Math.max(0, width - fill))}]`;
    this.stream.write(`\r${bar} ${this.line()}\x1b[K`);
    this.drawn = true;
  }

  /** Ends the progress display: the final state on a terminal, and a newline after the bar. */
  finish(): void {
    if (this.tty) {
      this.draw();
      this.stream.write('\n');
      this.drawn = false;
    }
  }

  /** Leaves the terminal line clean before another message (after an error or an interrupt). */
  interrupt(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  /** Seconds since the write started. */
  elapsed(): number {
    return (this.now() - this.started) / 1000;
  }
}
