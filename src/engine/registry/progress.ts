// docker's pull/push progress: one line per layer ("<12 hex>: Downloading
// [==>   ] 1.2MB/3.4MB", "Pull complete", ...). On a terminal the lines are
// redrawn in place (at most every 100 ms while bytes flow); otherwise each status
// change is printed once as a plain line (logs stay readable); quiet prints nothing.
import { shortId } from '../image/index.js';

export type ProgressMode = 'tty' | 'plain' | 'quiet';

export interface ProgressSink {
  /** A line that is not a layer's (headers, "Digest: ..."). */
  line(text: string): void;
  /** A layer's status; `bytes` only for transfer progress. */
  status(digest: string, text: string, bytes?: { done: number; total?: number }): void;
  /** Stops redrawing (the last state is shown). */
  end(): void;
}

const BAR = 50;
const REDRAW_MS = 100;

export function humanSize(n: number): string {
  // docker's units.HumanSize: decimal, 3 significant digits
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

export function progressBar(done: number, total?: number): string {
  if (total === undefined || total <= 0) return humanSize(done);
  const fill = Math.min(BAR, Math.floor((done / total) * BAR));
  const bar = '='.repeat(Math.max(0, fill - 1)) + (fill > 0 ? (fill === BAR ? '=' : '>') : '') + ' '.repeat(BAR - fill);
  return `[${bar}]  ${humanSize(done)}/${humanSize(total)}`;
}

export function createProgress(mode: ProgressMode, out: NodeJS.WritableStream = process.stdout): ProgressSink {
  if (mode === 'quiet') return { line() {}, status() {}, end() {} };
  if (mode === 'plain') {
    const last = new Map<string, string>();
    return {
      line: (t) => out.write(`${t}\n`),
      status(digest, text, bytes) {
        void bytes; // byte counts are for terminals only: "Downloading" is printed once
        const id = shortId(digest);
        if (last.get(id) === text) return;
        last.set(id, text);
        out.write(`${id}: ${text}\n`);
      },
      end() {},
    };
  }
  return new TtyProgress(out);
}

class TtyProgress implements ProgressSink {
  private readonly rows: Array<{ id: string; text: string }> = [];
  /** Layer lines currently on screen (below the cursor's start). */
  private drawn = 0;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: NodeJS.WritableStream) {}

  line(text: string): void {
    this.redraw();
    this.out.write(`${text}\n`);
    // later layer lines go below it
    this.rows.length = 0;
    this.drawn = 0;
  }

  status(digest: string, text: string, bytes?: { done: number; total?: number }): void {
    const id = shortId(digest);
    const full = bytes ? `${text} ${progressBar(bytes.done, bytes.total)}` : text;
    const row = this.rows.find((r) => r.id === id);
    if (row) row.text = full;
    else this.rows.push({ id, text: full });
    const now = Date.now();
    if (bytes && now - this.last < REDRAW_MS) {
      this.timer ??= setTimeout(() => { this.timer = undefined; this.redraw(); }, REDRAW_MS);
      return;
    }
    this.redraw();
  }

  end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.redraw();
  }

  private redraw(): void {
    this.last = Date.now();
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const r of this.rows) s += `\r\x1b[2K${r.id}: ${r.text}\n`;
    this.drawn = this.rows.length;
    this.out.write(s);
  }
}
