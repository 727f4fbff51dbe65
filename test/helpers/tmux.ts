// Driving the real TUI in a private tmux server (-L): a shell in a fixed-size
// pane, keys sent as a user types them, the screen read back as text. Below the
// pane, what every test/tui file does with it: berth's TUI on a test root, and
// the teardown that ends the panes and finds what was left behind.
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/index.js';
import { berthBin, type TestRoot } from './root.js';

export class TmuxPane {
  readonly socket = `berth-test-${randomBytes(4).toString('hex')}`;

  constructor(width = 160, height = 45, env: Record<string, string> = {}) {
    const envArgs = Object.entries({ PS1: 'PROMPT$ ', TERM: 'xterm-256color', NCURSES_NO_UTF8_ACS: '1', ...env }).map(([k, v]) => `${k}=${v}`);
    this.tmux(['new-session', '-d', '-x', String(width), '-y', String(height), 'env', ...envArgs, 'bash', '--norc', '--noprofile']);
    this.tmux(['set-option', '-g', 'status', 'off']);
  }

  tmux(args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Types a line into the shell. */
  type(line: string): void {
    this.tmux(['send-keys', '-l', line]);
    this.tmux(['send-keys', 'Enter']);
  }

  /** Sends tmux key names ("j", "Enter", "Escape", "Tab", "/"). */
  keys(...keys: string[]): void {
    for (const k of keys) {
      // a lone ";" argument is tmux's command separator: escape it
      this.tmux(['send-keys', k.length === 1 ? '-l' : '', k === ';' ? '\\;' : k].filter(Boolean));
      // a lone ESC followed at once by a key reads as alt-<key>, in blessed as in any terminal app
      if (k === 'Escape') spawnSync('sleep', ['0.15']);
    }
  }

  screen(colors = false): string {
    return this.tmux(['capture-pane', '-p', ...(colors ? ['-e'] : [])]);
  }

  /** Rows `from`..`to` of the screen (0-based, inclusive). */
  rows(from: number, to: number): string {
    return this.screen().split('\n').slice(from, to + 1).join('\n');
  }

  alternateOn(): boolean {
    return this.tmux(['display-message', '-p', '#{alternate_on}']).trim() === '1';
  }

  /** Polls the screen until `pred` holds; throws with the last screen after `timeoutMs`. */
  async waitFor(pred: (screen: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let s = '';
    while (Date.now() < end) {
      s = this.screen();
      if (pred(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    // the server leaves its socket file behind
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}

/** The shell line that runs berth on `t`'s root with `args` (none: the TUI) from the package's
 * directory, without the caller's DOCKER_HOST, then prints "EXITED<tag> STATUS" (a test waits
 * for it to see berth end, and how). */
export function berthLine(t: TestRoot, args = '', tag = ''): string {
  return `cd ${packageRoot} && env -u DOCKER_HOST node -- ${berthBin} --root ${t.root}${args ? ` ${args}` : ''}; echo "EXITED${tag} $?"`;
}

/** A new `width`×`height` pane running berth on `t` (`args`: after --root ROOT; `env`: the
 * shell's, e.g. XDG_CONFIG_HOME). */
export function berthPane(t: TestRoot, width: number, height: number, opts: { args?: string; env?: Record<string, string> } = {}): TmuxPane {
  const pane = new TmuxPane(width, height, opts.env);
  pane.type(berthLine(t, opts.args));
  return pane;
}

/** A TUI test file's teardown: its panes' tmux servers end, then `also` (the file's own peers:
 * an engine, a registry, temp dirs), then the root goes, and nothing may be left behind. */
export async function endTui(t: TestRoot, panes: Array<TmuxPane | undefined>, also?: () => unknown): Promise<void> {
  for (const p of panes) p?.kill();
  await also?.();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
}

/** The rows inside the list box (between its top border line and its bottom one). */
export function listRows(s: string): string[] {
  const lines = s.split('\n');
  const top = lines.findIndex((l) => / — \d+ of \d+/.test(l));
  const end = lines.findIndex((l, i) => i > top && /^[m└][q─]+[j┘]$/.test(l.trim()));
  return lines.slice(top + 1, end);
}

/** The logs tab's hint line (follow, timestamps, wrap, window, lines). */
export const logsHint = (s: string): string => s.split('\n').find((l) => /\d+ lines/.test(l) && /follow/.test(l)) ?? '';
