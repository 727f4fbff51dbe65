// The keymap is data: every action with its keys, the context where it applies
// and its help text. Key dispatch and the help overlay are both generated from
// it, and the user's config replaces an action's keys by name. A view's own
// actions come from its file (views/*.ts), with the view's name as context.
import { VIEWS } from './views/index.js';

/** 'global', 'list', 'details', 'logs', 'inspect', 'shell', or a view's name. */
export type Context = string;

export interface Binding {
  action: string;
  keys: string[];
  context: Context;
  help: string;
}

const b = (context: Context, action: string, keys: string[], help: string): Binding => ({ action, keys, context, help });

export const DEFAULT_KEYMAP: readonly Binding[] = [
  b('global', 'quit', ['q', 'C-c'], 'quit berth (the terminal is restored)'),
  b('global', 'help', ['?'], 'this help'),
  ...VIEWS.map((v) => b('global', `view.${v.name}`, [v.key], `${v.name} view`)),
  b('global', 'view.next', ['tab'], 'next view'),
  b('global', 'view.prev', ['S-tab'], 'previous view'),
  b('global', 'command', [':'], 'command mode (:help lists commands)'),
  b('global', 'pull', ['P'], 'pull an image (progress shown)'),
  b('global', 'mouse', ['m'], 'toggle mouse capture (off: select text with the mouse)'),
  b('global', 'theme.next', ['T'], 'next theme'),
  b('global', 'theme.save', [], 'keep the theme shown now in the config file (:theme.save)'),
  b('global', 'engine.next', ['E'], 'next engine (embedded, dockerd, podman…; :engine NAME picks one)'),
  b('global', 'back', ['escape'], 'back: close details, clear marks or the filter'),
  b('global', 'panes', ['O'], 'open panes (shells, attachments, custom commands): pick one to go into it'),
  b('global', 'panes.next', ['`'], 'into the next open pane (cycles)'),

  b('list', 'down', ['j', 'down'], 'move down'),
  b('list', 'up', ['k', 'up'], 'move up'),
  b('list', 'top', ['g', 'home'], 'first row'),
  b('list', 'bottom', ['G', 'end'], 'last row'),
  b('list', 'pageDown', ['C-d', 'pagedown'], 'page down'),
  b('list', 'pageUp', ['C-u', 'pageup'], 'page up'),
  b('list', 'filter', ['/'], 'filter the list (Enter keeps it, Esc clears)'),
  b('list', 'open', ['enter'], 'open the details of the row'),
  b('list', 'mark', ['space'], 'mark / unmark the row for bulk actions'),
  b('list', 'markAll', ['C-a'], 'mark every shown row'),
  b('list', 'remove', ['d'], 'remove the marked or selected rows (confirm; says what is affected and what will be refused)'),
  b('list', 'forceRemove', ['D'], 'force-remove, as -f (running containers are killed; an image in use is only untagged)'),
  b('list', 'prune', ['x'], 'prune (stopped containers / dangling images / unused volumes / unused networks), with confirm; a: all unused (--all)'),
  b('list', 'sort.next', ['>'], 'sort by the next column (htop\'s keys; past the last: unsorted)'),
  b('list', 'sort.prev', ['<'], 'sort by the previous column'),
  b('list', 'sort.reverse', ['I'], 'reverse the sort order'),
  b('list', 'commands', ['!'], 'custom commands for this kind of row (config "customCommands"), run on the host in a pane'),

  ...VIEWS.flatMap((v) => Object.entries(v.actions).map(([name, a]) => b(v.name, name, a.keys, a.help))),

  b('details', 'down', ['j', 'down'], 'scroll / move down'),
  b('details', 'up', ['k', 'up'], 'scroll / move up (logs: past the top, older lines are read)'),
  b('details', 'pageDown', ['C-d', 'pagedown'], 'page down'),
  b('details', 'pageUp', ['C-u', 'pageup'], 'page up'),
  b('details', 'top', ['g', 'home'], 'to the start'),
  b('details', 'bottom', ['G', 'end'], 'to the end (logs: follow again)'),
  b('details', 'tab.next', [']'], 'next details tab'),
  b('details', 'tab.prev', ['['], 'previous details tab'),
  b('details', 'tab.inspect', ['i'], 'inspect tab'),
  b('details', 'tab.logs', ['l'], 'logs tab'),
  b('details', 'tab.stats', ['c'], 'stats (charts) tab'),
  b('details', 'back', ['escape', 'h'], 'back to the list'),

  b('logs', 'search', ['/'], 'search the logs (also while following)'),
  b('logs', 'next', ['n'], 'next match (older; a search starts at the newest)'),
  b('logs', 'prev', ['N'], 'previous match (newer)'),
  b('logs', 'timestamps', ['t'], 'show / hide timestamps'),
  b('logs', 'wrap', ['w'], 'wrap / cut long lines'),
  b('logs', 'follow', ['f'], 'follow (stick to the end) on / off'),
  b('logs', 'window', ['W'], 'how far back: last 1000 lines, since 1m / 5m / 15m, all'),
  b('logs', 'save', ['o'], 'save the buffered log to a file'),

  b('shell', 'leave', ['C-]'], 'leave the pane (it keeps running; e, O or ` returns to it); ctrl-p ctrl-q detaches an attachment'),
  b('shell', 'scrollUp', ['S-pageup'], "scroll back in the shell's history (typing returns to the prompt)"),
  b('shell', 'scrollDown', ['S-pagedown'], "scroll forward in the shell's history"),

  b('inspect', 'toggle', ['enter', 'space'], 'fold / unfold the JSON node'),
  b('inspect', 'foldAll', ['z'], 'fold every node below the top'),
  b('inspect', 'unfoldAll', ['Z'], 'unfold everything'),
];

/** The contexts a key is looked up in, most specific first: the list's, or the details
 * area's (with the open tab's own context). The app resolves every key through one. */
export function contextStack(view: string, focus: 'list' | 'details', tab?: string): Context[] {
  if (focus === 'list') return [view, 'list', 'global'];
  const own: Context[] = tab === 'logs' ? ['logs'] : tab === 'inspect' ? ['inspect'] : [];
  return [...own, 'details', view, 'global'];
}

/** Every stack a key can meet (shell mode has its own: its keys against the shell's input). */
function allStacks(): Context[][] {
  const out: Context[][] = [['shell']];
  for (const { name } of VIEWS) {
    out.push(contextStack(name, 'list'));
    for (const tab of ['logs', 'inspect', 'other']) out.push(contextStack(name, 'details', tab));
  }
  return out;
}

export class Keymap {
  readonly bindings: Binding[];
  readonly warnings: string[] = [];

  /** `overrides`: "action" or "context.action" -> keys (from the config file). */
  constructor(overrides: Record<string, string[]> = {}) {
    this.bindings = DEFAULT_KEYMAP.map((x) => ({ ...x, keys: [...x.keys] }));
    const remapped = new Set<Binding>();
    for (const [name, keys] of Object.entries(overrides)) {
      const hits = this.bindings.filter((x) => x.action === name || `${x.context}.${x.action}` === name);
      if (!hits.length) this.warnings.push(`config keys: no action "${name}"`);
      for (const h of hits) {
        // a key list equal to the default (a whole --print-config output fed back) changes nothing
        if (h.keys.join('\0') !== keys.join('\0')) remapped.add(h);
        h.keys = keys;
      }
    }
    this.warnings.push(...this.conflicts(remapped));
  }

  /**
   * Keys that reach only one of two actions. Two actions of one context on one key are
   * always a conflict. Across contexts looked up together, the more specific one wins on
   * purpose (escape in the details area goes back to the list, not the global back), so
   * that counts only when the config made it: a remapped key that hides, or is hidden by,
   * another action.
   */
  private conflicts(remapped: Set<Binding>): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const stack of allStacks()) {
      const inStack = this.bindings.filter((b) => stack.includes(b.context));
      for (const key of new Set(inStack.flatMap((b) => b.keys))) {
        const on = inStack.filter((b) => b.keys.includes(key)).sort((a, b) => stack.indexOf(a.context) - stack.indexOf(b.context));
        const winner = on[0];
        for (const loser of on.slice(1)) {
          if (loser.context !== winner.context && !remapped.has(loser) && !remapped.has(winner)) continue;
          const [a, b] = [`${winner.context}.${winner.action}`, `${loser.context}.${loser.action}`];
          const id = `${key} ${a} ${b}`;
          if (seen.has(id)) continue;
          seen.add(id);
          out.push(`key conflict: "${displayKey(key)}" is bound to ${a} and ${b} (${a} wins; remap one in the config)`);
        }
      }
    }
    return out;
  }

  /** The action for `key` in the first context (most specific first) that binds it. */
  resolve(key: string, contexts: readonly Context[]): Binding | undefined {
    for (const c of contexts) {
      const hit = this.bindings.find((x) => x.context === c && x.keys.includes(key));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The keys of an action, for hints ("s", "enter/r"). */
  keysOf(action: string, context?: Context): string {
    const x = this.bindings.find((y) => y.action === action && (!context || y.context === context));
    return x ? x.keys.join('/') : '';
  }

  /** The help overlay's text, grouped by context, generated from the bindings. */
  helpLines(): string[] {
    const titles: Record<Context, string> = {
      global: 'Everywhere', list: 'Lists', ...Object.fromEntries(VIEWS.map((v) => [v.name, v.title])),
      details: 'Details area', logs: 'Logs tab', inspect: 'Inspect tab', shell: 'Shell (all other keys go to the shell)',
    };
    const out: string[] = [`{bold}${'keys'.padEnd(18)}${'action (config.json "keys" remaps it by name)'.padEnd(27)} what it does{/bold}`, ''];
    for (const ctx of Object.keys(titles) as Context[]) {
      const rows = this.bindings.filter((x) => x.context === ctx);
      if (!rows.length) continue;
      out.push(`{bold}${titles[ctx]}{/bold}`);
      // the action's name is what the config's "keys" remaps (berth tui --print-config lists them)
      for (const r of rows) out.push(`  ${(r.keys.map(displayKey).join(' ') || '-').padEnd(16)} ${`${r.context}.${r.action}`.padEnd(26)} ${r.help}`);
      out.push('');
    }
    return out;
  }
}

/** How a key is written in help ("C-c" → "ctrl-c", "S-tab" → "shift-tab"). */
export function displayKey(k: string): string {
  if (k === 'escape') return 'esc';
  return k.replace(/^C-/, 'ctrl-').replace(/^S-/, 'shift-').replace(/^M-/, 'alt-');
}

/** blessed's keypress → the key name used in the keymap: the character itself for
 * printable keys ("K", "?", "/"), blessed's name otherwise ("enter", "C-d", "S-tab"). */
export function keyName(ch: string | undefined, key: { full?: string; name?: string }): string {
  if (ch && ch.length === 1 && ch > ' ' && ch !== '\x7f') return ch;
  const full = key.full ?? key.name ?? '';
  return full === 'return' ? 'enter' : full;
}
