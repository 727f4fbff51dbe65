// `build --progress tty` (and auto on a terminal): BuildKit's live view. One
// frame is redrawn in place ten times a second: a header with the total time
// and steps done, one line per step with its timer on the right, and under a
// running step the last lines of its output (`=> => # …`), which collapse
// when it is done. The frame is cut to the terminal's width (no line wraps,
// so moving the cursor up by the lines drawn lands on the frame's top) and
// height (the oldest finished steps go first). A failed step's output is
// printed after the last frame, as BuildKit does, before the error itself.
import type { BuildProgress } from '../engine/build/index.js';

const OUTPUT_LINES = 6;
const TICK_MS = 100;

interface Step {
  name: string;
  started: number;
  ended?: number;
  cached?: boolean;
  error?: boolean;
  /** The last lines of output, and the unfinished one. */
  lines: string[];
  partial: string;
}

export interface TtyOut {
  write(s: string): unknown;
  columns?: number;
  rows?: number;
}

export interface TtyProgress {
  port: BuildProgress;
  /** The last frame with the export step (the build succeeded). */
  finish(imageId: string, tags: string[]): void;
  /** The last frame, then each failed step's output (the build failed). */
  fail(): void;
}

export function ttyProgress(out: TtyOut, now: () => number = Date.now): TtyProgress {
  const begun = now();
  const steps = new Map<number, Step>();
  let drawn = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

  const frame = (final: boolean, extra: string[] = []): string[] => {
    // one column spare: a full-width line would leave the cursor waiting to wrap
    const width = Math.max(20, (out.columns ?? 80) - 1);
    const all = [...steps.values()];
    const done = all.filter((s) => s.ended !== undefined).length;
    const head = `[+] Building ${secs(now() - begun)} (${done}/${all.length})${final ? ' FINISHED' : ''}`;
    const blocks = all.map((s) => {
      const state = s.error ? 'ERROR ' : s.cached ? 'CACHED ' : '';
      const lines = [row(` => ${state}${s.name}`, s.cached ? '0.0s' : secs((s.ended ?? now()) - s.started), width)];
      if (s.ended === undefined) for (const l of [...s.lines, ...(s.partial ? [s.partial] : [])].slice(-OUTPUT_LINES)) lines.push(cut(` => => # ${l}`, width));
      return { lines, running: s.ended === undefined };
    });
    // too tall for the terminal: finished steps leave from the top first
    const room = Math.max(3, (out.rows ?? 24) - 1) - 1 - extra.length;
    let total = blocks.reduce((n, b) => n + b.lines.length, 0);
    for (let i = 0; i < blocks.length && total > room; i++) {
      if (blocks[i].running) continue;
      total -= blocks[i].lines.length;
      blocks[i].lines = [];
    }
    return [cut(head, width), ...blocks.flatMap((b) => b.lines), ...extra.map((l) => cut(l, width))];
  };

  const draw = (lines: string[]) => {
    // up to the frame's top, each line rewritten and cleared to its end, then whatever was below cleared
    let s = drawn ? `\x1b[${drawn}A\r` : '';
    for (const l of lines) s += `${l}\x1b[K\n`;
    out.write(`${s}\x1b[J`);
    drawn = lines.length;
  };
  const tick = () => draw(frame(false));
  const ensureTimer = () => {
    if (timer) return;
    timer = setInterval(tick, TICK_MS);
    timer.unref?.();
  };
  const stop = () => { if (timer) clearInterval(timer); timer = undefined; };

  const port: BuildProgress = {
    start: (id, name) => { steps.set(id, { name, started: now(), lines: [], partial: '' }); ensureTimer(); tick(); },
    output: (id, data) => {
      const s = steps.get(id);
      if (!s) return;
      const parts = `${s.partial}${printable(data.toString('utf8'))}`.split('\n');
      s.partial = parts.pop() ?? '';
      s.lines = [...s.lines, ...parts].slice(-OUTPUT_LINES);
    },
    cached: (id) => { const s = steps.get(id); if (s) { s.cached = true; s.ended = now(); } },
    done: (id) => { const s = steps.get(id); if (s && s.ended === undefined) s.ended = now(); },
    error: (id) => { const s = steps.get(id); if (s) { s.error = true; s.ended = now(); } },
  };

  return {
    port,
    finish: (imageId, tags) => {
      stop();
      const extra = [' => exporting to image', ` => => writing image ${imageId}`, ...tags.map((t) => ` => => naming to ${t}`)];
      draw(frame(true, extra));
    },
    fail: () => {
      stop();
      draw(frame(true));
      for (const s of steps.values()) {
        if (!s.error) continue;
        const shown = [...s.lines, ...(s.partial ? [s.partial] : [])];
        out.write(`------\n > ${s.name}:\n${shown.map((l) => `${l}\n`).join('')}------\n`);
      }
    },
  };
}

/** `left` and `right` on one line of `width` columns (the left cut to fit). */
function row(left: string, right: string, width: number): string {
  const room = width - right.length - 1;
  const l = cut(left, room);
  return `${l}${' '.repeat(Math.max(1, room - l.length + 1))}${right}`;
}

function cut(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

/** Output as text that cannot move the cursor: tabs become spaces, other control characters go (CR ends a line). */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').replace(/\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]/g, '');
}
