// The user's terminal while a container owns it: raw mode on, and restored exactly as it was
// on every way out (the session ends, detach, an error, SIGTERM/SIGHUP, process exit).
// setRawMode(false) puts back the modes libuv saved when raw mode was first set.

export interface RawTerminal {
  /** Restores the terminal (idempotent). */
  restore(): void;
}

const FATAL = ['SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
const SIGNUM: Record<(typeof FATAL)[number], number> = { SIGTERM: 15, SIGHUP: 1, SIGQUIT: 3 };

/** Puts stdin (a TTY) in raw mode. `onFatalSignal` runs after the restore, before exiting 128+n. */
export function enterRawMode(onFatalSignal: () => void = () => {}): RawTerminal {
  const stdin = process.stdin;
  let active = stdin.isTTY === true;
  const restore = (): void => {
    if (!active) return;
    active = false;
    try {
      stdin.setRawMode(false);
    } catch { /* the terminal is gone (SIGHUP): nothing to restore */ }
    process.off('exit', restore);
    for (const s of FATAL) process.off(s, handlers[s]);
  };
  const fatal = (s: (typeof FATAL)[number]) => (): void => {
    restore();
    onFatalSignal();
    process.exit(128 + SIGNUM[s]);
  };
  const handlers = { SIGTERM: fatal('SIGTERM'), SIGHUP: fatal('SIGHUP'), SIGQUIT: fatal('SIGQUIT') };
  if (active) {
    stdin.setRawMode(true);
    process.on('exit', restore);
    for (const s of FATAL) process.on(s, handlers[s]);
  }
  return { restore };
}
