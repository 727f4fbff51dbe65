// Custom commands (lazydocker's customCommands): a command line from the
// config, templated with the selected item's fields, run on the host in a pty
// so that programs that want a terminal (ssh, less, vim, a compose CLI) work
// in a pane. The line is split into words first and each word is a template of
// its own (Go's text/template, the engine's, as --format): a value (a label, an
// image name) can fill a word but never adds words or reaches a shell, so
// nothing a container's creator chose runs on the host. A pipeline is written as
// `sh -c '… "$1" …' sh {{.ID}}`, the value passed as an argument.
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import type { IPty } from 'node-pty';
import { compileTemplate, renderTemplate } from '../../engine/template/index.js';
import { splitWords } from './run-spec.js';
import { SHELL_TERM, type PaneIO } from './pane-io.js';

/** `{{ … }}` actions, kept whole while the line is split at its spaces. */
const ACTION = /\{\{[\s\S]*?\}\}/g;

/** The command's argv for `data` (the item's fields). Throws on a template error. */
export function expandCommand(line: string, data: unknown): string[] {
  const actions: string[] = [];
  // a placeholder that has no space, quote or backslash in it: splitting cannot cut it
  const masked = line.replace(ACTION, (a) => `\u0001${actions.push(a) - 1}\u0001`);
  const words = splitWords(masked).map((w) => w.replace(/\u0001(\d+)\u0001/g, (_m, i: string) => actions[Number(i)]));
  if (!words.length) throw new Error('custom command: the command is empty');
  return words.map((w) => (w.includes('{{') ? renderTemplate(compileTemplate(w), data) : w));
}

/** What the wrapper prints once the command has ended: an OSC no terminal draws, with the
 * command's exit status. */
const DONE = /\x1b\]777;berth-done;(\d+)\x07/;
const DONE_PREFIX = '\x1b]777;berth-done;';
/**
 * The command runs under a small sh that prints DONE after it and then waits for a line:
 * Linux drops what is still in a pty's buffer when its last writer closes it, so a command
 * that prints a lot and ends at once (`ls -la`, `berth ps`) lost its tail. The pty stays open
 * until berth has read DONE, i.e. everything before it. argv reaches sh as arguments ("$@"),
 * never as script text.
 */
const WRAPPER = `"$@"; s=$?; printf '\\033]777;berth-done;%d\\007' "$s"; read -r _; exit "$s"`;

/** Runs argv on a new pty of rows×cols (node-pty needs a size: a new pty is 0×0 here). */
export function spawnHostCommand(argv: string[], env: Record<string, string>, rows: number, cols: number): PaneIO {
  // loaded with the first custom command (a native addon, kept out of the bundle)
  const pty = createRequire(import.meta.url)('node-pty') as typeof import('node-pty');
  const p: IPty = pty.spawn('/bin/sh', ['-c', WRAPPER, argv[0], ...argv], {
    name: SHELL_TERM, rows, cols, cwd: process.env.HOME || homedir(),
    env: { ...process.env, ...env, TERM: SHELL_TERM } as Record<string, string>,
  });
  let ended = false, status: number | undefined, held = '';
  let out: (data: string) => void = () => {};
  const closed = new Promise<number | undefined>((resolve) => p.onExit((e) => { ended = true; resolve(status ?? e.exitCode); }));
  p.onData((d) => {
    if (status !== undefined) return; // the wrapper's own echo of the line that lets it go
    // DONE may be split across reads: hold back a tail that could be its start
    const text = held + d;
    const m = DONE.exec(text);
    if (m) {
      status = Number(m[1]);
      out(text.slice(0, m.index));
      p.write('\n');
      setTimeout(() => { if (!ended) p.kill('SIGKILL'); }, 2000).unref();
      return;
    }
    const i = text.lastIndexOf('\x1b');
    const tail = i >= 0 ? text.slice(i) : '';
    const partial = tail !== '' && (DONE_PREFIX.startsWith(tail) || (tail.startsWith(DONE_PREFIX) && !tail.includes('\x07')));
    const cut = partial ? i : text.length;
    held = text.slice(cut);
    out(text.slice(0, cut));
  });
  return {
    write: (d) => { if (!ended && status === undefined) p.write(d); },
    resize: (r, c) => { if (!ended) p.resize(c, r); },
    close: () => { if (!ended) p.kill('SIGHUP'); }, // as a terminal closing: the program's hangup
    onOutput: (fn) => { out = fn; },
    closed,
  };
}
