// The terminal panes' actions: opening a shell (`e`), attaching to a container's
// main process (`a`), running a custom command on the host (`!`), the list of
// open panes and the key that cycles through them, and the keys typed into a
// pane. The panes themselves are model/shells.ts's; this decides which one the
// keys reach (state.mode 'shell') and what the status line says.
import type { ActionCtx } from './views/view.js';
import type { ShellSession } from './model/shells.js';
import { keyBytes } from './model/shells.js';
import { expandCommand } from './model/host-command.js';
import { displayKey } from './keys.js';

/** The content area's size: a new pane's terminal starts at it. */
function paneSize(ctx: ActionCtx): { rows: number; cols: number } {
  return { rows: Math.max(2, Number(ctx.layout.content.height)), cols: Math.max(10, Number(ctx.layout.content.width)) };
}

const leaveKey = (ctx: ActionCtx): string => displayKey(ctx.keymap.keysOf('leave', 'shell').split('/')[0] ?? 'C-]');

/** Keys go to the pane from now on; the details area draws it. */
export function enterPane(ctx: ActionCtx, s: ShellSession): void {
  ctx.state.mode = { kind: 'shell', key: s.key };
  ctx.state.lastPane = s.key;
  ctx.state.focus = 'details';
  const how = s.kind === 'attach' ? `ctrl-p ctrl-q detaches, ${leaveKey(ctx)} leaves it attached` : `${leaveKey(ctx)} leaves it running`;
  ctx.say(s.ended ? `${s.title}: ended (any key returns)` : `${s.title} — ${how}`);
  ctx.schedule();
}

/** The selected container (containers view only), with its name. */
function selectedContainer(ctx: ActionCtx): { id: string; name: string } | undefined {
  const id = ctx.state.view === 'containers' ? ctx.selectedKey() : undefined;
  if (!id) { ctx.say('no container selected', true); return undefined; }
  return { id, name: ctx.containers.get(id)?.name ?? id.slice(0, 12) };
}

/** Opens (or returns to) the selected container's shell. */
export function openShell(ctx: ActionCtx): void {
  const c = selectedContainer(ctx);
  if (!c) return;
  ctx.setTab('shell');
  // back to a live shell at once: keys typed right after `e` belong to it
  const live = ctx.shells.shellOf(c.id);
  if (live && !live.ended) return enterPane(ctx, live);
  ctx.say(`opening a shell in ${c.name}…`);
  const { rows, cols } = paneSize(ctx);
  void ctx.shells.open(c.id, c.name, rows, cols).then((s) => enterPane(ctx, s), (e) => ctx.fail(e));
}

/** Attaches a pane to the selected container's main process (docker attach). */
export function openAttach(ctx: ActionCtx): void {
  const c = selectedContainer(ctx);
  if (!c) return;
  ctx.setTab('shell');
  const { rows, cols } = paneSize(ctx);
  void ctx.shells.attach(c.id, c.name, rows, cols).then((s) => enterPane(ctx, s), (e) => ctx.fail(e));
}

/** The view's custom commands (config customCommands.<view>) as a menu. */
export function customCommands(ctx: ActionCtx): void {
  const v = ctx.view;
  const list = ctx.config.customCommands[v.name] ?? [];
  ctx.state.mode = {
    kind: 'menu', title: `Custom commands — ${v.title}`, index: 0,
    empty: `no custom commands for ${v.name}: add them to the config file's "customCommands" (see the README)`,
    items: list.map((c) => ({ label: c.name, hint: c.command, run: () => runCustomCommand(ctx, c.name, c.command) })),
  };
}

function runCustomCommand(ctx: ActionCtx, name: string, command: string): void {
  const v = ctx.view, key = ctx.selectedKey();
  if (key === undefined || !v.fields) return ctx.say('no row selected', true);
  const f = v.fields.of(ctx.table.items[ctx.table.keys.indexOf(key)]);
  const argv = expandCommand(command, { ...f, [v.fields.kind]: f });
  const { rows, cols } = paneSize(ctx);
  // `berth …` inside the command reaches this berth's root
  const s = ctx.shells.command(`${name} on ${String(f.Name ?? key)}`, argv, { view: v.name, row: key }, ctx.engine.layout ? { BERTH_ROOT: ctx.engine.layout.root } : { DOCKER_HOST: ctx.engine.address }, rows, cols);
  enterPane(ctx, s);
}

/** Every open pane as a menu: enter goes into one. */
export function paneList(ctx: ActionCtx): void {
  const state = (s: ShellSession): string => (s.ended ? `ended${s.exitCode !== undefined ? ` (${s.exitCode})` : ''}` : 'running');
  ctx.state.mode = {
    kind: 'menu', title: 'Open panes', index: Math.max(0, ctx.shells.all().findIndex((s) => s.key === ctx.state.lastPane)),
    empty: 'no open panes: e opens a shell, a attaches, ! runs a custom command',
    items: ctx.shells.all().map((s) => ({ label: s.title, hint: `${s.kind}, ${state(s)}`, run: () => enterPane(ctx, s) })),
  };
}

/** Into the pane after the one entered last (the first after the last one). */
export function nextPane(ctx: ActionCtx): void {
  const all = ctx.shells.all();
  if (!all.length) return ctx.say('no open panes: e opens a shell, a attaches, ! runs a custom command', true);
  const i = all.findIndex((s) => s.key === ctx.state.lastPane);
  enterPane(ctx, all[(i + 1) % all.length]);
}

/** A key typed while a pane has the keyboard. */
export function paneKey(ctx: ActionCtx, key: string, name: string, ch: string | undefined, ev: { sequence?: string; name?: string; full?: string }): void {
  const back = (msg: string): void => { ctx.state.mode = { kind: 'normal' }; ctx.state.focus = 'list'; ctx.say(msg); ctx.schedule(); };
  const s = ctx.shells.get(key);
  if (!s) return back('the pane is gone');
  // ctrl-] arrives as a raw 0x1d without a blessed name
  const leave = ctx.keymap.bindings.find((b) => b.context === 'shell' && b.action === 'leave')?.keys ?? [];
  if (s.ended) {
    // an ended pane was open for its last screen: any key returns, and it leaves the list
    if (s.kind !== 'shell') ctx.shells.forget(s);
    return back(`${s.title} ended${s.exitCode !== undefined ? ` with ${s.exitCode}` : ''}`);
  }
  if (leave.includes(name) || (ch === '\x1d' && leave.includes('C-]'))) {
    const what = s.kind === 'shell' ? 'the shell' : s.kind === 'attach' ? 'the attachment' : 'the command';
    return back(`left ${what} (${s.title}): it keeps running (${displayKey(ctx.keymap.keysOf('panes', 'global').split('/')[0] ?? '')} lists open panes)`);
  }
  // the pane's own keys (history scrolling); everything else is the program's input
  const b = ctx.keymap.resolve(name, ['shell']);
  if (b) return ctx.act(`shell.${b.action}`);
  if (ctx.shells.write(s, keyBytes(ch, ev)) === 'detached') back(`detached from ${s.title.replace(/^attach /, '')}: it keeps running`);
}
