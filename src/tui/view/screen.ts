// The blessed screen and the promise that the terminal comes back intact:
// alternate screen left, cursor shown, mouse reporting off and raw mode ended
// on quit, on a crash and on signals.
import blessed from 'blessed';
import type { Widgets } from 'blessed';

export function createScreen(mouse: boolean, terminal: string): Widgets.Screen {
  const screen = blessed.screen({
    terminal,
    smartCSR: true,
    fullUnicode: true,
    autoPadding: true,
    warnings: false,
    title: 'berth',
    sendFocus: false,
    dockBorders: true,
    forceUnicode: true,
  });
  if (mouse) screen.enableMouse();
  return screen;
}

let restored = false;
/** Leaves the terminal as we found it (idempotent; safe from exit handlers). */
export function restoreTerminal(screen: Widgets.Screen): void {
  if (restored) return;
  restored = true;
  try {
    const prog = screen.program;
    prog.disableMouse();
    prog.showCursor();
    prog.normalBuffer();
    screen.destroy();
  } catch {
    // the terminal may be gone (hangup): nothing left to restore
  }
  try { if (process.stdin.isTTY) process.stdin.setRawMode(false); } catch { /* not a tty */ }
}
