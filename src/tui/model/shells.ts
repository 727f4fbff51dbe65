// Shells inside containers, kept alive while the workstation runs: each is a
// `docker exec -it sh` (engine exec with a tty, under its own monitor) whose
// output feeds a headless xterm, so the details pane can draw its screen (cell
// colours and attributes, view/shell-screen.ts) and the user can leave it and
// come back without losing it. The shell's TERM is xterm-256color: the emulator
// understands what that promises, and the pane draws 256 colours.
import { createRequire } from 'node:module';
import type { IBufferCell, IBufferLine, Terminal } from '@xterm/headless';
import type { Backend, ExecHandle, ShellConnection } from '../../backend/index.js';
import { Emitter } from './emitter.js';

export interface ShellSession {
  containerId: string;
  exec: ExecHandle;
  term: Terminal;
  conn: ShellConnection;
  ended: boolean;
  exitCode?: number;
}

/** What the shell is told it runs in. */
export const SHELL_TERM = 'xterm-256color';

export class ShellModel {
  private readonly sessions = new Map<string, ShellSession>();
  readonly changed = new Emitter<void>();
  readonly failed = new Emitter<string>();

  constructor(private readonly engine: Backend) {}

  get(containerId: string): ShellSession | undefined { return this.sessions.get(containerId); }
  all(): ShellSession[] { return [...this.sessions.values()]; }

  /** The container's live shell, or a new one (sh, as docker exec -it CONTAINER sh). */
  async open(containerId: string, rows: number, cols: number): Promise<ShellSession> {
    const live = this.sessions.get(containerId);
    if (live && !live.ended) return live;
    // the emulator is loaded with the first shell, not at start-up (a require, not an
    // import(): the bundled CLI is a CommonJS script run from V8's code cache)
    const xterm = createRequire(import.meta.url)('@xterm/headless') as typeof import('@xterm/headless');
    const exec = await this.engine.containers.exec(containerId, { cmd: ['/bin/sh'], env: [`TERM=${SHELL_TERM}`], tty: true, interactive: true, ttySize: { rows, cols }, foreground: { stdin: true } });
    const conn = await this.engine.containers.execAttach(exec);
    const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
    const s: ShellSession = { containerId, exec, term, conn, ended: false };
    this.sessions.set(containerId, s);
    conn.onOutput((_stream, data) => term.write(data, () => this.changed.emit()));
    void conn.closed.then(async () => {
      s.ended = true;
      try { s.exitCode = await this.engine.containers.execWait(exec, { forget: true }); } catch { /* container gone */ }
      this.changed.emit();
    });
    return s;
  }

  write(s: ShellSession, data: string): void {
    s.term.scrollToBottom(); // typing returns to the prompt, as in a terminal
    if (!s.ended) s.conn.write(cursorKeys(data, s.term.modes.applicationCursorKeysMode));
  }

  /** Scrolls the shell's history by `lines` (negative: back), within the scrollback. */
  scroll(s: ShellSession, lines: number): void {
    s.term.scrollLines(lines);
  }

  resize(s: ShellSession, rows: number, cols: number): void {
    if (s.term.rows === rows && s.term.cols === cols) return;
    s.term.resize(cols, rows);
    if (!s.ended) s.conn.resize(rows, cols);
  }

  /** The rows on screen (scrolled back by `back` lines when the user scrolled), with the
   * cursor's row within them (outside 0..rows-1 while scrolled away from it). */
  screen(s: ShellSession): { rows: Array<IBufferLine | undefined>; cursorX: number; cursorY: number; back: number } {
    const b = s.term.buffer.active;
    // blank rows a shell prints before anything else (ash's banner starts with two newlines)
    // are skipped while nothing has scrolled off yet: the first output is the pane's first row
    let lead = 0;
    if (b.type === 'normal' && b.baseY === 0) while (lead < b.cursorY && !b.getLine(lead)?.translateToString(true)) lead++;
    const rows: Array<IBufferLine | undefined> = [];
    for (let y = 0; y < s.term.rows; y++) rows.push(b.getLine(b.viewportY + lead + y));
    return { rows, cursorX: b.cursorX, cursorY: b.cursorY + b.baseY - b.viewportY - lead, back: b.baseY - b.viewportY };
  }

  /** A cell to read rows with (reused: one per call of getCell would be garbage per cell). */
  cell(s: ShellSession): IBufferCell {
    return s.term.buffer.active.getNullCell();
  }

  /** Ends every shell (EOF to sh, then the connection): leaving berth ends its shells. */
  closeAll(): void {
    for (const s of this.sessions.values()) {
      if (!s.ended) { s.conn.write('\x04'); s.conn.write('exit\r'); }
      s.conn.close();
    }
  }
}

/**
 * Cursor keys in the mode the program in the shell asked for (DECCKM), not the one berth's
 * own terminal is in (blessed turns application mode on for itself): `ESC [ A` normally,
 * `ESC O A` once a program such as vim or less switched it on.
 */
export function cursorKeys(data: string, application: boolean): string {
  const m = /^\x1b[[O]([ABCDHF])$/.exec(data);
  return m ? `\x1b${application ? 'O' : '['}${m[1]}` : data;
}

/** A blessed keypress as the bytes a terminal would send. */
export function keyBytes(ch: string | undefined, key: { sequence?: string; name?: string; full?: string }): string {
  if (key.sequence) return key.sequence === '\n' ? '\r' : key.sequence;
  return ch ?? '';
}
