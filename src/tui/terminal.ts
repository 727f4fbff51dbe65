// Picking a terminal description blessed can use. blessed cannot parse some
// modern terminfo files (Debian 12's extended format) and falls back quietly
// to a bare xterm; xterm-256color is what it ships and reads reliably.
import blessed from 'blessed';

export function usableTerm(term = process.env.TERM): string {
  if (!term || term === 'dumb') return 'xterm-256color';
  try {
    // blessed.tput exists at runtime but not in @types/blessed
    const tput = (blessed as unknown as { tput(o: { terminal: string }): { error?: unknown; info?: { name?: string } } }).tput;
    const t = tput({ terminal: term });
    if (!t.error && t.info?.name) return term;
  } catch {
    // unreadable: fall through
  }
  return 'xterm-256color';
}
