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

/** Runs argv on a new pty of rows×cols (node-pty needs a size: a new pty is 0×0 here). */
export function spawnHostCommand(argv: string[], env: Record<string, string>, rows: number, cols: number): PaneIO {
  // loaded with the first custom command (a native addon, kept out of the bundle)
  const pty = createRequire(import.meta.url)('node-pty') as typeof import('node-pty');
  const p: IPty = pty.spawn(argv[0], argv.slice(1), {
    name: SHELL_TERM, rows, cols, cwd: process.env.HOME || homedir(),
    env: { ...process.env, ...env, TERM: SHELL_TERM } as Record<string, string>,
  });
  let ended = false;
  const closed = new Promise<number | undefined>((resolve) => p.onExit((e) => { ended = true; resolve(e.exitCode); }));
  return {
    write: (d) => { if (!ended) p.write(d); },
    resize: (r, c) => { if (!ended) p.resize(c, r); },
    close: () => { if (!ended) p.kill('SIGHUP'); }, // as a terminal closing: the program's hangup
    onOutput: (fn) => { p.onData(fn); },
    closed,
  };
}
