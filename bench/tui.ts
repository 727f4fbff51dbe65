// The TUI in a real terminal: tmux on a private socket (-L) so we never touch a
// user's tmux server. Time to first frame = new-session spawn → first
// capture-pane showing the tab header and the list; keypress = send `j` → first
// capture-pane where the highlighted row has moved; idle CPU = utime+stime of the
// TUI process from /proc/PID/stat over a quiet window.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuTicks } from './procs.js';
import { berthBin, summary, type Summary } from './util.js';

export interface TuiFigures { firstFrameMs: number; keypress?: Summary; idleCpuPct: number }

const sock = `berth-bench-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', sock, ...args], { encoding: 'utf8' });

/** Lines of the pane whose SGR sequences set a background colour (the selection, the active tab). */
function highlighted(screen: string): string {
  const lines = screen.split('\n');
  const hits: number[] = [];
  lines.forEach((l, i) => {
    for (const m of l.matchAll(/\x1b\[([0-9;]*)m/g)) {
      const p = m[1].split(';').map(Number);
      for (let k = 0; k < p.length; k++) {
        if (p[k] === 38) { k += p[k + 1] === 5 ? 2 : 4; continue; } // skip a foreground colour's arguments
        if ((p[k] >= 40 && p[k] <= 48) || (p[k] >= 100 && p[k] <= 107)) { hits.push(i); return; }
      }
    }
  });
  return hits.join(',');
}

export async function benchTui(root: string, opts: { idleSeconds: number; keypresses: number }): Promise<TuiFigures> {
  const cmd = `exec env TERM=xterm-256color NCURSES_NO_UTF8_ACS=1 ${process.execPath} ${berthBin} --root ${root}`;
  try {
    const t0 = performance.now();
    const s = tmux('new-session', '-d', '-x', '200', '-y', '50', cmd);
    if (s.status !== 0) throw new Error(`tmux: ${s.stderr}`);
    let firstFrameMs = 0;
    for (;;) {
      const screen = tmux('capture-pane', '-p').stdout;
      if (/ berth .*Containers \(\d+\)/.test(screen) && /Containers — /.test(screen)) { firstFrameMs = performance.now() - t0; break; }
      if (performance.now() - t0 > 30000) throw new Error(`no first frame in 30 s:\n${screen}`);
      await sleep(2);
    }
    const pid = Number(tmux('display', '-p', '#{pane_pid}').stdout.trim());
    await sleep(1500); // let the first stats tick and any lazy loading pass

    let keypress: Summary | undefined;
    const rowCount = Number(/Containers \((\d+)\)/.exec(tmux('capture-pane', '-p').stdout)?.[1] ?? 0);
    if (rowCount >= 2 && opts.keypresses > 0) {
      const times: number[] = [];
      for (let i = 0; i < opts.keypresses; i++) {
        const key = i % 2 ? 'k' : 'j'; // back and forth: stays inside the list
        const before = highlighted(tmux('capture-pane', '-e', '-p').stdout);
        const k0 = performance.now();
        tmux('send-keys', key);
        for (;;) {
          if (highlighted(tmux('capture-pane', '-e', '-p').stdout) !== before) { times.push(performance.now() - k0); break; }
          if (performance.now() - k0 > 5000) throw new Error('selection did not move in 5 s');
        }
        await sleep(150);
      }
      keypress = summary(times);
    }

    await sleep(1000);
    const c0 = cpuTicks(pid), w0 = performance.now();
    await sleep(opts.idleSeconds * 1000);
    const idleCpuPct = (cpuTicks(pid) - c0) / 100 / ((performance.now() - w0) / 1000) * 100;
    return { firstFrameMs, keypress, idleCpuPct };
  } finally {
    tmux('kill-server');
  }
}
