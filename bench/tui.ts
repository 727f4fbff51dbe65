// The TUI in a real terminal: tmux on a private socket (-L) so we never touch a
// user's tmux server; the server is started once, so its own start-up is not
// counted. Time to first frame = new-session → first capture-pane showing the
// tab header and the list, repeated, interleaved with a floor (a pane that
// prints the same words at once: what tmux, sh and the polling cost), and berth's
// own figure from inside (process start → first frame drawn, BERTH_TUI_LOG).
// Keypress = send `j` → first capture-pane where the highlighted row has moved;
// idle CPU = utime+stime of the TUI process from /proc/PID/stat over a quiet window;
// memory = the TUI process's RSS at the end and its peak (VmHWM), with whatever log
// the selected container has open in the logs tab.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuTicks } from './procs.js';
import { berthBin, summary, type Summary } from './util.js';

export interface TuiFigures {
  firstFrame: Summary;
  /** The same wait for a pane that prints the header at once. */
  floor: Summary;
  /** Process start → first frame drawn, as berth measures it. */
  inProcess: Summary;
  keypress?: Summary;
  /** The same presses on a pane that moves its highlighted row at once: what tmux, the
   *  terminal and the capture-pane polling cost. */
  keypressFloor?: Summary;
  idleCpuPct: number;
  /** RSS at the end and its peak over the run, MiB. */
  rssMiB: number;
  peakRssMiB: number;
}

function memMiB(pid: number): { rss: number; peak: number } {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(st)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

const sock = `berth-bench-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', sock, ...args], { encoding: 'utf8' });
const isFirstFrame = (screen: string) => / berth .*Containers \(\d+\)/.test(screen) && /Containers — /.test(screen);

/** The keypress floor's pane: a list of rows, the selected one on a blue background,
 *  redrawn whole on j/k (a node script, as berth is, already running when timed). */
const FLOOR_LIST = `
process.stdin.setRawMode(true);
let sel = 0;
const draw = () => process.stdout.write('\\x1b[H\\x1b[2J' + Array.from({ length: 40 }, (_, i) =>
  (i === sel ? '\\x1b[44m' : '') + ('  row ' + i).padEnd(150) + '\\x1b[0m').join('\\r\\n'));
process.stdin.on('data', (d) => { for (const c of d.toString()) sel = Math.max(0, Math.min(39, sel + (c === 'j') - (c === 'k'))); draw(); });
draw();
`;

/** new-session running cmd → ms until its pane shows a first frame; the session is left running. */
async function timeToFrame(session: string, cmd: string, isFrame = isFirstFrame): Promise<number> {
  const t0 = performance.now();
  const s = tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', cmd);
  if (s.status !== 0) throw new Error(`tmux: ${s.stderr}`);
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', session).stdout;
    if (isFrame(screen)) return performance.now() - t0;
    if (performance.now() - t0 > 30000) throw new Error(`no first frame in 30 s:\n${screen}`);
    await sleep(2);
  }
}

/** send-keys `key` to `pane` → ms until the pane's highlighted row has moved. */
async function timeKeypress(pane: string, key: string): Promise<number> {
  const before = highlighted(tmux('capture-pane', '-e', '-p', '-t', pane).stdout);
  const k0 = performance.now();
  tmux('send-keys', '-t', pane, key);
  for (;;) {
    if (highlighted(tmux('capture-pane', '-e', '-p', '-t', pane).stdout) !== before) return performance.now() - k0;
    if (performance.now() - k0 > 5000) throw new Error(`${pane}: selection did not move in 5 s`);
  }
}

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

/** `args`: more arguments (`tui -H … --engine dockerd`); `frame`: what a first frame shows
 *  (default: the embedded engine's header and list); `inProcess`: berth's own trace line. */
export async function benchTui(root: string, opts: { idleSeconds: number; keypresses: number; frames: number; args?: string[]; frame?: (screen: string) => boolean; inProcess?: RegExp }): Promise<TuiFigures> {
  const logDir = mkdtempSync(join(tmpdir(), 'berth-bench-tui-'));
  const traceLog = join(logDir, 'tui.log');
  const cmd = `exec env -u DOCKER_HOST TERM=xterm-256color NCURSES_NO_UTF8_ACS=1 BERTH_TUI_LOG=${traceLog} ${process.execPath} -- ${berthBin} --root ${root} ${(opts.args ?? []).join(' ')}`;
  const frameTest = opts.frame ?? isFirstFrame;
  const floorCmd = `printf ' berth   1 Containers (0)\\nContainers — 0 of 0\\n'; exec sleep 1000`;
  try {
    tmux('new-session', '-d', '-s', 'keep', 'exec sleep 100000'); // the server, started once
    const frames: number[] = [], floors: number[] = [];
    for (let i = 0; i < opts.frames; i++) {
      for (const which of i % 2 ? ['floor', 'berth'] : ['berth', 'floor']) {
        const session = `${which}-${i}`;
        if (which === 'berth') frames.push(await timeToFrame(session, cmd, frameTest));
        else floors.push(await timeToFrame(session, floorCmd));
        if (i < opts.frames - 1 || which === 'floor') tmux('kill-session', '-t', session);
        await sleep(300);
      }
    }
    const last = `berth-${opts.frames - 1}`;
    const inProcess = [...readFileSync(traceLog, 'utf8').matchAll(new RegExp(opts.inProcess ?? /first frame (\d+) ms after process start/, 'g'))].map((m) => Number(m[1]));
    const pid = Number(tmux('display', '-p', '-t', last, '#{pane_pid}').stdout.trim());
    await sleep(1500); // let the first stats tick and any lazy loading pass

    let keypress: Summary | undefined, keypressFloor: Summary | undefined;
    const rowCount = Number(/Containers — \d+ of (\d+)/.exec(tmux('capture-pane', '-p', '-t', last).stdout)?.[1] ?? 0);
    if (rowCount >= 2 && opts.keypresses > 0) {
      const floorScript = join(logDir, 'floor-list.cjs');
      writeFileSync(floorScript, FLOOR_LIST);
      tmux('new-session', '-d', '-s', 'floor-list', '-x', '200', '-y', '50', `exec ${process.execPath} -- ${floorScript}`);
      await sleep(500);
      const times: number[] = [], floorTimes: number[] = [];
      // the floor's presses interleave with berth's, one each in turn
      for (let i = 0; i < opts.keypresses; i++) {
        const key = i % 2 ? 'k' : 'j'; // back and forth: stays inside the list
        for (const [pane, into] of [[last, times], ['floor-list', floorTimes]] as const) {
          into.push(await timeKeypress(pane, key));
          await sleep(150);
        }
      }
      keypress = summary(times);
      keypressFloor = summary(floorTimes);
    }

    await sleep(1000);
    const c0 = cpuTicks(pid), w0 = performance.now();
    await sleep(opts.idleSeconds * 1000);
    const idleCpuPct = (cpuTicks(pid) - c0) / 100 / ((performance.now() - w0) / 1000) * 100;
    const mem = memMiB(pid);
    return { firstFrame: summary(frames), floor: summary(floors), inProcess: summary(inProcess), keypress, keypressFloor, idleCpuPct, rssMiB: mem.rss, peakRssMiB: mem.peak };
  } finally {
    tmux('kill-server');
    rmSync(logDir, { recursive: true, force: true });
  }
}
