// The blessed screen and the promise that the terminal comes back intact:
// alternate screen left, cursor shown, mouse reporting off, the keypad and
// cursor keys back in normal mode and raw mode ended, on quit, on a crash and
// on signals.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import { memoizeLineAttrs } from './attr-memo.js';

export function createScreen(mouse: boolean, terminal: string): Widgets.Screen {
  memoizeLineAttrs();
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
    // blessed's enter() sent smkx (application cursor keys and keypad: Up = ESC O A); its
    // leave() would undo it, but only while the alternate screen is still on, which it is
    // not once normalBuffer() ran. Sent here, first: rmkx from the terminal's own
    // description, or xterm's (DECCKM off, DECKPNM) when it has none.
    const rmkx = (prog as unknown as { tput: { strings: Record<string, string | undefined> } }).tput.strings.keypad_local;
    prog.flush();
    prog.write(rmkx || '\x1b[?1l\x1b>');
    prog.normalBuffer();
    screen.destroy();
    prog.flush();
  } catch {
    // the terminal may be gone (hangup): nothing left to restore
  }
  try { if (process.stdin.isTTY) process.stdin.setRawMode(false); } catch { /* not a tty */ }
}
