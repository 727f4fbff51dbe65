// The results file: machine and load (the 2 shared cores may be busy with CI),
// tool versions, then one markdown table of every figure with its verdict.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Row } from './util.js';

export interface Meta { started: Date; finished: Date; quick: boolean; loadAtStart: number[]; versions: Record<string, string>; skipped: Record<string, string>; commit: string }

export const currentLoad = () => loadavg().map((l) => Number(l.toFixed(2)));

export function table(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return ['| section | what | median [min–max] / figure | note |', '|---|---|---|---|',
    ...rows.map((r) => `| ${r.section} | ${esc(r.what)} | ${esc(r.value)} | ${esc(r.note ?? '')} |`)].join('\n');
}

export function report(rows: Row[], m: Meta): string {
  const os = (() => { try { return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? ''; } catch { return ''; } })();
  return [
    `# berth benchmarks — ${m.started.toISOString()}${m.quick ? ' (quick mode)' : ''}`,
    '',
    `Machine: ${os}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; commit ${m.commit}.`,
    `Load average at start: ${m.loadAtStart.join(' / ')} (1/5/15 min), at the end: ${currentLoad().join(' / ')}` +
      ` — the two cores are shared (a CI run may be using them), so absolute times drift: read the ratios of interleaved runs.`,
    `Run time: ${((m.finished.getTime() - m.started.getTime()) / 1000).toFixed(0)} s.`,
    '',
    'Versions: ' + Object.entries(m.versions).map(([k, v]) => `${k} \`${v}\``).join(', ') + '.',
    '',
    'Start, pull and density figures are interleaved rounds (each round runs every tool once, in rotating order, after one warm-up round for start). The TUI\'s first frame alternates with a floor pane in the same tmux server.',
    '',
    table(rows),
    '',
    Object.keys(m.skipped).length ? 'Skipped anchors: ' + Object.entries(m.skipped).map(([k, v]) => `${k} (${v})`).join('; ') + '.' : '',
    '',
  ].join('\n');
}
