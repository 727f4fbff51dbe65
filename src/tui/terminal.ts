// Picking a terminal description blessed can use. blessed cannot parse some
// modern terminfo files (Debian 12's extended format) and falls back quietly
// to a bare xterm; xterm-256color is what it ships and reads reliably.
import blessed from 'blessed';

export function usableTerm(term = process.env.TERM): string {
  if (!term || term === 'dumb') return 'xterm-256color';
  try {
    // parse only (blessed.tput exists at runtime but not in @types/blessed): the screen
    // compiles the capabilities once itself, and a compile here would cost ~20 ms more
    const tput = (blessed as unknown as { tput(o: object): { readTerminfo(term: string): { name?: string } | undefined } }).tput({});
    if (tput.readTerminfo(term)?.name) return term;
  } catch {
    // unreadable: fall through
  }
  return 'xterm-256color';
}
