// Terminal panes kept alive while the workstation runs: a shell inside a
// container (`docker exec -it sh`), an attachment to a container's main process
// (`docker attach`), or a custom command on the host (model/host-command.ts).
// Each one's output feeds a headless xterm, so the details pane can draw its
// screen (cell colours and attributes, view/shell-screen.ts), and the user can
// leave a pane and come back to it without losing it. The program's TERM is
// xterm-256color: the emulator understands what that promises, and the pane
// draws 256 colours.
import { createRequire } from 'node:module';
import type { IBufferCell, IBufferLine, Terminal } from '@xterm/headless';
import type { Backend, ShellConnection } from '../../backend/index.js';
import { DEFAULT_DETACH_KEYS, DetachMatcher, parseDetachKeys } from '../../engine/container/index.js';
import { Emitter } from './emitter.js';
import { spawnHostCommand } from './host-command.js';
import { SHELL_TERM, type PaneIO } from './pane-io.js';

/** shell: exec sh in a container; attach: its main process; command: a custom command on the host. */
export type PaneKind = 'shell' | 'attach' | 'command';

export interface ShellSession {
  /** "shell:<container id>", "attach:<container id>", "command:<n>". */
  key: string;
  kind: PaneKind;
  /** How lists and the pane's label name it ("sh in web", "attach web", "logs-less on web"). */
  title: string;
  containerId?: string;
  /** The row it was opened on: the list marks rows that have a pane. */
  origin: { view: string; row: string };
  term: Terminal;
  io: PaneIO;
  /** Attachments only: docker's detach keys end the attachment, not the container. */
  detach?: DetachMatcher;
  /** A non-tty attachment: no terminal echoes or edits what is typed, so the pane does, and
   * sends a line at Enter (a terminal's cooked mode); stdin: the container takes input (-i). */
  line?: { text: string; stdin: boolean };
  ended: boolean;
  exitCode?: number;
  /** The user detached (ctrl-p ctrl-q): the pane is gone, the container runs on. */
  detached?: boolean;
}

export { SHELL_TERM };

export class ShellModel {
  private readonly sessions = new Map<string, ShellSession>();
  private commands = 0;
  /** Quitting: a pane's exit code is no longer asked for (a wait for it would keep berth from exiting). */
  private closing = false;
  readonly changed = new Emitter<void>();
  readonly failed = new Emitter<string>();

  constructor(private readonly engine: Backend) {}

  get(key: string): ShellSession | undefined { return this.sessions.get(key); }
  /** Open panes, oldest first (the order the pane list and its cycling key go through). */
  all(): ShellSession[] { return [...this.sessions.values()]; }
  /** The container's exec shell. */
  shellOf(containerId: string): ShellSession | undefined { return this.sessions.get(`shell:${containerId}`); }
  /** The pane the container's shell tab shows: its newest live one, else its newest. */
  latestFor(containerId: string): ShellSession | undefined {
    const mine = this.all().filter((s) => s.containerId === containerId);
    return mine.filter((s) => !s.ended).pop() ?? mine.pop();
  }
  /** Whether a row has a live pane (the list's mark). */
  hasPane(view: string, row: string): boolean {
    return this.all().some((s) => !s.ended && s.origin.view === view && s.origin.row === row);
  }

  /** The container's live shell, or a new one (sh, as docker exec -it CONTAINER sh). */
  async open(containerId: string, name: string, rows: number, cols: number): Promise<ShellSession> {
    const live = this.shellOf(containerId);
    if (live && !live.ended) return live;
    const c = this.engine.containers;
    const exec = await c.exec(containerId, { cmd: ['/bin/sh'], env: [`TERM=${SHELL_TERM}`], tty: true, interactive: true, ttySize: { rows, cols }, foreground: { stdin: true } });
    const conn = await c.execAttach(exec);
    const io = connectionIO(conn, true, async () => (this.closing ? undefined : c.execWait(exec, { forget: true })));
    return this.add({ key: `shell:${containerId}`, kind: 'shell', title: `sh in ${name}`, containerId, origin: { view: 'containers', row: containerId } }, io, rows, cols);
  }

  /** An attachment to the container's main process (docker attach): with a tty, its terminal;
   * without, its output from now on, and a line editor for its stdin when it was created with -i. */
  async attach(containerId: string, name: string, rows: number, cols: number): Promise<ShellSession> {
    const live = this.sessions.get(`attach:${containerId}`);
    if (live && !live.ended) return live;
    if (!this.engine.attachMain) throw new Error(`attach is unavailable on ${this.engine.name}: e opens a shell`);
    const main = await this.engine.attachMain(containerId);
    const rec = { config: { tty: main.tty, openStdin: main.openStdin } };
    // the exit code is the container's: an attachment ends when its process does (or when
    // the user detached, and then there is none to wait for)
    let left = false;
    const io = connectionIO(main.conn, main.tty, async () => (left || this.closing ? undefined : main.wait()));
    const close = io.close;
    io.close = () => { left = true; main.release?.(); close(); }; // an endpoint's wait for the exit is a request
    return this.add({
      key: `attach:${containerId}`, kind: 'attach', title: `attach ${name}`, containerId, origin: { view: 'containers', row: containerId },
      detach: new DetachMatcher(parseDetachKeys(DEFAULT_DETACH_KEYS)),
      line: rec.config.tty ? undefined : { text: '', stdin: rec.config.openStdin },
    }, io, rows, cols, !rec.config.tty);
  }

  /** A custom command on the host, in a pty (argv already expanded). */
  command(title: string, argv: string[], origin: ShellSession['origin'], env: Record<string, string>, rows: number, cols: number): ShellSession {
    const io = spawnHostCommand(argv, env, rows, cols);
    return this.add({ key: `command:${++this.commands}`, kind: 'command', title, origin }, io, rows, cols);
  }

  private add(base: Omit<ShellSession, 'term' | 'io' | 'ended'>, io: PaneIO, rows: number, cols: number, convertEol = false): ShellSession {
    // the emulator is loaded with the first pane, not at start-up (a require, not an
    // import(): the bundled CLI is a CommonJS script run from V8's code cache)
    const xterm = createRequire(import.meta.url)('@xterm/headless') as typeof import('@xterm/headless');
    // without a tty nothing turns "\n" into "\r\n": the emulator does, as a terminal's onlcr would
    const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000, convertEol });
    const s: ShellSession = { ...base, term, io, ended: false };
    this.sessions.set(s.key, s);
    io.onOutput((data) => term.write(data, () => this.changed.emit()));
    // the emulator's answers (cursor position, device attributes) go back as a terminal's do
    if (!base.line) term.onData((d) => { if (!s.ended) io.write(d); });
    void io.closed.then((code) => {
      s.ended = true;
      s.exitCode = code;
      this.changed.emit();
    });
    return s;
  }

  /** Typed keys to the pane's program. 'detached': the detach keys ended an attachment. */
  write(s: ShellSession, data: string): 'detached' | undefined {
    s.term.scrollToBottom(); // typing returns to the prompt, as in a terminal
    if (s.ended) return undefined;
    let out = data;
    if (s.detach) {
      const { forward, detach } = s.detach.feed(Buffer.from(data, 'latin1'));
      out = forward.toString('latin1');
      if (detach) { this.detach(s); return 'detached'; }
    }
    if (s.line) return this.lineInput(s, s.line, out);
    if (out) s.io.write(cursorKeys(out, s.term.modes.applicationCursorKeysMode));
    return undefined;
  }

  /** A non-tty attachment's input: echoed and edited here, sent a line at a time. */
  private lineInput(s: ShellSession, l: NonNullable<ShellSession['line']>, data: string): undefined {
    for (const ch of data) {
      if (!l.stdin) { s.term.write('\r\n[no stdin: the container was created without -i]\r\n'); return undefined; }
      if (ch === '\r' || ch === '\n') { s.io.write(`${l.text}\n`); l.text = ''; s.term.write('\r\n'); }
      else if (ch === '\x7f' || ch === '\b') { if (l.text) { l.text = l.text.slice(0, -1); s.term.write('\b \b'); } }
      else if (ch === '\x04' && !l.text) { s.io.closeStdin?.(); l.stdin = false; }
      else if (ch >= ' ') { l.text += ch; s.term.write(ch); }
    }
    this.changed.emit();
    return undefined;
  }

  /** Ends an attachment and drops its pane; the container keeps running. */
  detach(s: ShellSession): void {
    s.detached = true;
    s.io.close();
    this.sessions.delete(s.key);
    this.changed.emit();
  }

  /** Drops an ended pane from the list. */
  forget(s: ShellSession): void {
    if (s.ended) this.sessions.delete(s.key);
    this.changed.emit();
  }

  /** Scrolls the pane's history by `lines` (negative: back), within the scrollback. */
  scroll(s: ShellSession, lines: number): void {
    s.term.scrollLines(lines);
  }

  resize(s: ShellSession, rows: number, cols: number): void {
    if (s.term.rows === rows && s.term.cols === cols) return;
    s.term.resize(cols, rows);
    if (!s.ended) s.io.resize(rows, cols);
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

  /** Leaving berth: shells end (EOF to sh), attachments detach (their containers run on),
   * host commands end with their pty. */
  closeAll(): void {
    // the shells are asked to exit, but not waited for: one that missed its "exit" (the
    // connection closed first) is left to run, as a docker exec whose client went is
    this.closing = true;
    for (const s of this.sessions.values()) {
      if (!s.ended && s.kind === 'shell') { s.io.write('\x04'); s.io.write('exit\r'); }
      s.io.close();
    }
  }
}

/** A monitor connection as a pane's I/O; `exitCode` is asked once the connection closes. */
function connectionIO(conn: ShellConnection & { closeStdin?(): void }, tty: boolean, exitCode: () => Promise<number | undefined>): PaneIO {
  return {
    write: (d) => { conn.write(d); },
    // a container without a tty has no window size to follow
    resize: (rows, cols) => { if (tty) conn.resize(rows, cols); },
    close: () => conn.close(),
    closeStdin: () => conn.closeStdin?.(),
    onOutput: (fn) => conn.onOutput((_stream, data) => fn(data)),
    closed: conn.closed.then(async () => { try { return await exitCode(); } catch { return undefined; /* container gone */ } }),
  };
}

/**
 * Cursor keys in the mode the program in the pane asked for (DECCKM), not the one berth's
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
