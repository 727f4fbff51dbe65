// A user at a keyboard: a program run on a fresh pty (node-pty, always with a size: new
// ptys start at 0x0 here), its output rendered by a headless xterm whose answers (cursor
// position reports) go back as a real terminal's would. Tests read the screen.
import pty from 'node-pty';
import xterm from '@xterm/headless';

export interface PtyExit { exitCode: number; signal?: number }

export class PtyUser {
  readonly term: xterm.Terminal;
  private readonly proc: pty.IPty;
  private raw = '';
  readonly exited: Promise<PtyExit>;

  constructor(file: string, args: string[], opts: { cols?: number; rows?: number; env?: Record<string, string> } = {}) {
    const cols = opts.cols ?? 100, rows = opts.rows ?? 30;
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
    this.proc = pty.spawn(file, args, {
      cols, rows, cwd: process.cwd(), name: 'xterm',
      env: { ...process.env, TERM: 'xterm', ...opts.env } as Record<string, string>,
    });
    this.proc.onData((d) => { this.raw += d; this.term.write(d); });
    this.term.onData((d) => { try { this.proc.write(d); } catch { /* exited */ } });
    this.exited = new Promise((resolve) => this.proc.onExit((e) => resolve(e)));
  }

  get pid(): number { return this.proc.pid; }
  /** Everything the program wrote, as bytes were received. */
  get output(): string { return this.raw; }

  type(s: string): void { this.proc.write(s); }

  resize(cols: number, rows: number): void {
    this.proc.resize(cols, rows);
    this.term.resize(cols, rows);
  }

  /** The visible screen, one string per row, trailing blanks trimmed. */
  screen(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push((buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '').trimEnd());
    return out;
  }

  text(): string { return this.screen().join('\n'); }

  /** Waits until the screen (after rendering) matches `re`. */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await new Promise<void>((r) => this.term.write('', r)); // let pending output render
      const t = this.text();
      if (re.test(t)) return t;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} on screen:\n${t}\n--- raw tail: ${JSON.stringify(this.raw.slice(-400))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the program to exit (or throws after timeoutMs). */
  async waitExit(timeoutMs = 10_000): Promise<PtyExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`no exit after ${timeoutMs} ms; screen:\n${this.text()}`)), timeoutMs); });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void { try { this.proc.kill('SIGKILL'); } catch { /* gone */ } }
}
