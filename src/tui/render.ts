// Draws the app's state into the layout's boxes: view tabs, the list window,
// the details tab, the prompt, the status line and the overlay. Called once
// per coalesced change; only the visible window of each list is drawn.
import type { RenderCtx } from './views/view.js';
import { displayKey, type Context } from './keys.js';
import { RUN_FIELDS } from './model/run-spec.js';
import { inner, splitList } from './view/layout.js';
import { cell, esc, killIn, size } from './view/text.js';
import { envLines, jsonLines, logWindow, mountLines, processLines } from './view/details-text.js';
import { CHART_WINDOW_MS, type ChartLimits } from './view/charts.js';
import { cellLine } from './view/shell-screen.js';
import { windowTitle } from './model/logs.js';
import type { Tab } from './state.js';
import type { ShellSession } from './model/shells.js';

const TAB_TITLES: Record<Tab, string> = { logs: 'logs', stats: 'stats', inspect: 'inspect', top: 'processes', env: 'env', mounts: 'mounts', shell: 'shell', output: 'output' };

export function render(app: RenderCtx): void {
  renderTabs(app);
  renderList(app);
  renderDetails(app);
  renderPrompt(app);
  renderStatus(app);
  renderOverlay(app);
}

function renderTabs(app: RenderCtx): void {
  const t = app.theme, s = app.state;
  const tabs = app.views.map((v) => {
    const label = ` ${v.key} ${v.title} (${app.model(v).all().length}) `;
    return v.name === s.view ? `{${t.selectedFg}-fg}{${t.selectedBg}-bg}${label}{/}` : `{${t.dim}-fg}${label}{/${t.dim}-fg}`;
  }).join(' ');
  // the engines, the shown one marked, an unreachable one crossed (✗), then where it is
  const engines = app.engines().length < 2 ? '' : app.engines().map((e) => {
    const label = `${e.name}${e.down ? '✗' : ''}`;
    return e.active ? `{${t.selectedFg}-fg}{${t.selectedBg}-bg}[${esc(label)}]{/}` : e.down ? `{${t.error}-fg}${esc(label)}{/${t.error}-fg}` : `{${t.dim}-fg}${esc(label)}{/${t.dim}-fg}`;
  }).join(' ') + ' ';
  app.layout.tabs.setContent(`{bold}{${t.title}-fg} berth {/${t.title}-fg}{/bold} ${tabs}  ${engines}{${t.dim}-fg}${esc(app.engine.address)}{/${t.dim}-fg}`);
}

function renderList(app: RenderCtx): void {
  const s = app.state, t = app.theme, p = s.per[s.view];
  const box = app.layout.list;
  splitList(app.layout, app.table.items.length + 3);
  const { width, height } = inner(box);
  const rows = Math.max(1, height - 1);
  const cur = app.cursor();
  if (cur < p.scroll) p.scroll = cur;
  if (cur >= p.scroll + rows) p.scroll = cur - rows + 1;
  p.scroll = Math.max(0, Math.min(p.scroll, Math.max(0, app.table.items.length - rows)));
  const focused = s.focus === 'list' && s.mode.kind !== 'form';
  const lines = [`{bold}{${t.header}-fg}  ${app.table.header}{/${t.header}-fg}{/bold}`];
  const selKey = app.selectedKey();
  for (let i = p.scroll; i < Math.min(app.table.items.length, p.scroll + rows); i++) {
    const key = app.table.keys[i];
    // ● marked for a bulk action; » has an open pane (a shell, an attachment, a custom command)
    const pane = app.shells.hasPane(s.view, key) ? `{${t.mark}-fg}»{/${t.mark}-fg}` : ' ';
    const mark = (p.marks.has(key) ? `{${t.mark}-fg}●{/${t.mark}-fg}` : ' ') + pane;
    const row = app.table.row(i);
    if (key === selKey) {
      // the selected row: plain text on the selection colours (cell colours would fight them)
      const plain = row.replace(/\{\/?[a-z#0-9-]+\}/g, '');
      lines.push(focused ? `${mark}{${t.selectedFg}-fg}{${t.selectedBg}-bg}${plain}{/}` : `${mark}{underline}${plain}{/underline}`);
    } else {
      lines.push(mark + row);
    }
  }
  const total = app.view.rows(app).length;
  if (!app.table.items.length) lines.push(`  {${t.dim}-fg}${p.filter ? `nothing matches "${esc(p.filter)}" (Esc clears the filter)` : total ? 'nothing to show' : app.view.empty}{/${t.dim}-fg}`);
  box.setContent(lines.join('\n'));
  const parts = [app.view.title, `${app.table.items.length} of ${total}`];
  if (p.filter) parts.push(`filter "${p.filter}"`);
  if (p.marks.size) parts.push(`${p.marks.size} marked`);
  box.setLabel(` ${parts.join(' — ')} `);
  box.style.border = { fg: focused ? t.focusBorder : t.border };
  void width;
}

function renderDetails(app: RenderCtx): void {
  const s = app.state, t = app.theme, L = app.layout;
  const item = app.currentItem();
  const focused = s.focus === 'details';
  L.details.style.border = { fg: focused ? t.focusBorder : t.border };
  // a pane that has the keyboard is drawn whatever the tab and the selection
  const pane = s.mode.kind === 'shell' ? app.shells.get(s.mode.key) : undefined;
  if (pane) {
    app.charts.hide();
    // a container's pane is titled as its tabs are ("web — shell"), a command by its own title
    const owner = pane.containerId ? app.containers.get(pane.containerId)?.name ?? pane.containerId.slice(0, 12) : pane.title;
    L.details.setLabel(` ${esc(owner)} — ${pane.kind} `);
    L.detailsTabs.setContent(` {${t.selectedFg}-fg}{${t.selectedBg}-bg} ${esc(pane.title)} {/}` + paneHint(app, pane));
    L.content.setContent(shellLines(app, pane, Number(L.content.width), Number(L.content.height)).join('\n'));
    return;
  }
  L.details.setLabel(` ${esc(item?.name ?? '')} — ${TAB_TITLES[s.tab]} `);
  L.detailsTabs.setContent(app.tabs().map((tab) => (tab === s.tab
    ? `{${t.selectedFg}-fg}{${t.selectedBg}-bg} ${TAB_TITLES[tab]} {/}` : ` {${t.dim}-fg}${TAB_TITLES[tab]}{/${t.dim}-fg} `)).join('') + tabHint(app));
  const { width, height } = { width: Number(L.content.width), height: Number(L.content.height) };
  if (!item) { app.charts.hide(); L.content.setContent(`{${t.dim}-fg}nothing selected{/${t.dim}-fg}`); return; }
  if (s.tab === 'stats') {
    const h = app.stats.history(item.id);
    const l = h?.latest;
    const refused = app.stats.unavailable(item.id);
    const summary = refused ? `stats unavailable on this engine: ${refused}`
      : !l || !l.running ? 'not running: no samples (the history below is what was seen while it ran)'
      : `CPU ${l.cpu?.percent.toFixed(1) ?? '-'}% of one CPU (${l.cpu?.onlineCpus ?? '?'} online) · mem ${l.memory ? `${size(l.memory.used)} / ${size(l.memory.limit)}` : '-'} · pids ${l.pids ?? '-'} · history: ${Math.round((h?.span() ?? 0) / 1000)}s kept in ${h ? h.bucketMs / 1000 : 2}s averages; charts show the last ${CHART_WINDOW_MS / 60000} min`;
    const drawn = app.charts.show(h, Date.now(), chartLimits(app.details.selected?.id === item.id ? app.details.inspect : undefined));
    const why = drawn === 'small' ? `the pane is too small for charts (${width}×${height}); a bigger window shows them`
      : drawn === 'no data' ? `no data: nothing was sampled in the last ${CHART_WINDOW_MS / 60000} min (charts start with the first sample while it runs)` : '';
    L.content.setContent(esc(cell(summary, width)) + (why ? `\n\n{${t.dim}-fg}${esc(cell(why, width))}{/${t.dim}-fg}` : ''));
    return;
  }
  app.charts.hide();
  let lines: string[];
  if (s.tab === 'logs') {
    const w = logWindow(app.logs.buffer, s.log, t, width, height);
    lines = w.lines;
    if (!w.total) lines = [`{${t.dim}-fg}${app.logs.following ? 'following: no output yet' : 'no output'}{/${t.dim}-fg}`];
  } else if (s.tab === 'shell') {
    lines = shellLines(app, app.shells.latestFor(item.id), width, height);
  } else if (s.tab === 'inspect') {
    const shown = app.details.selected;
    // the document being read belongs to another row than the title says: show neither's
    if (shown?.kind !== item.kind || shown.id !== item.id || (!app.details.inspect && !app.details.error)) lines = [`{${t.dim}-fg}reading…{/${t.dim}-fg}`];
    else if (app.details.error) lines = [`{${t.error}-fg}${esc(app.details.error)}{/${t.error}-fg}`];
    else {
      const all = jsonLines(app.tree, s.inspectCursor, t, width);
      const top = Math.max(0, Math.min(s.inspectCursor - Math.floor(height / 2), all.length - height));
      lines = all.slice(top, top + height);
    }
  } else if (s.tab === 'output') {
    // the newest lines, as a running build is watched; long ones wrap (an error's end says why)
    const all = (item.output?.() ?? []).slice(-height).flatMap((l) => (l.length ? l.match(new RegExp(`.{1,${Math.max(1, width)}}`, 'gu')) ?? [l] : [' ']));
    lines = all.length ? all.slice(-height).map(esc) : [`{${t.dim}-fg}no output yet{/${t.dim}-fg}`];
  } else {
    const all = s.tab === 'top' ? processLines(app.details.processes, width) : s.tab === 'env' ? envLines(app.details.env()) : mountLines(app.details.mounts());
    s.detailsScroll = Math.min(s.detailsScroll, Math.max(0, all.length - height));
    lines = all.slice(s.detailsScroll, s.detailsScroll + height);
  }
  L.content.setContent(lines.join('\n'));
}

/** The limits the charts draw, from the container's inspect document (docker's HostConfig). */
function chartLimits(doc: Record<string, unknown> | undefined): ChartLimits {
  const hc = (doc?.HostConfig ?? {}) as { Memory?: number; NanoCpus?: number };
  return { ...(hc.Memory ? { memory: hc.Memory } : {}), ...(hc.NanoCpus ? { cpuPercent: hc.NanoCpus / 1e7 } : {}) };
}

/** A pane: the headless terminal's screen with its colours, sized to the content area
 * (the real cursor is placed by placeShellCursor once the frame is out). */
function shellLines(app: RenderCtx, sh: ShellSession | undefined, width: number, height: number): string[] {
  const t = app.theme;
  if (!sh) return [`{${t.dim}-fg}no shell in this container: press ${displayKey(app.keymap.keysOf('shell', 'containers').split('/')[0] ?? 'e')} to open one (sh, like docker exec -it … sh), ${displayKey(app.keymap.keysOf('attach', 'containers').split('/')[0] ?? 'a')} to attach to its main process{/${t.dim}-fg}`];
  app.shells.resize(sh, height, width);
  const scr = app.shells.screen(sh);
  const cell = app.shells.cell(sh);
  const out = scr.rows.map((l) => cellLine(l, width, cell));
  if (sh.ended) {
    const code = sh.exitCode !== undefined ? ` with ${sh.exitCode}` : '';
    const what = sh.kind === 'shell' ? `shell exited${code}: e opens a new one` : sh.kind === 'attach' ? `the container exited${code}` : `exited${code}`;
    // the note goes below the last row the program drew on; on a full pane the top row
    // gives way, as a terminal scrolls
    let last = out.length - 1;
    while (last >= 0 && out[last] === ' ') last--;
    const note = `{${t.dim}-fg}[${esc(what)}]{/${t.dim}-fg}`;
    if (last + 1 < out.length) out[last + 1] = note; else out.push(note);
  }
  return out.slice(-height);
}

/** The terminal's own cursor where the pane's cursor is, while typing into it (a program
 * that draws its own cursor, or reads what is under it, needs the real one); hidden otherwise. */
export function placeShellCursor(app: RenderCtx): void {
  const m = app.state.mode, C = app.layout.content;
  // blessed keeps whether it hid the cursor (not in @types/blessed)
  const prog = app.screen.program as typeof app.screen.program & { cursorHidden: boolean };
  const sh = m.kind === 'shell' ? app.shells.get(m.key) : undefined;
  const scr = sh && !sh.ended && !sh.line ? app.shells.screen(sh) : undefined;
  if (!scr || scr.cursorY < 0 || scr.cursorY >= Number(C.height) || scr.cursorX >= Number(C.width)) {
    if (!prog.cursorHidden) prog.hideCursor();
    return;
  }
  prog.cup(Number(C.atop) + scr.cursorY, Number(C.aleft) + scr.cursorX);
  if (prog.cursorHidden) prog.showCursor();
}

function tabHint(app: RenderCtx): string {
  const s = app.state, t = app.theme;
  if (s.tab === 'shell') {
    const item = app.currentItem();
    const sh = item?.kind === 'container' ? app.shells.latestFor(item.id) : undefined;
    return sh ? paneHint(app, sh) : '';
  }
  if (s.tab !== 'logs') return '';
  const flag = (on: boolean, n: string): string => `${on ? '●' : '○'} ${n}`;
  const b = app.logs.buffer;
  const parts = [flag(s.log.follow, 'follow'), flag(s.log.timestamps, 'timestamps'), flag(s.log.wrap, 'wrap'), windowTitle(s.log.window), `${b.length} lines${b.dropped ? ` (${b.dropped} older dropped)` : ''}`];
  if (s.log.query) parts.push(`search "${s.log.query}": ${b.search(s.log.query).length} hits`);
  return `   {${t.dim}-fg}${esc(parts.join('  '))}{/${t.dim}-fg}`;
}

function paneHint(app: RenderCtx, sh: ShellSession): string {
  const back = app.shells.screen(sh).back;
  const text = back ? `${back} lines back in the history (${displayKey(app.keymap.keysOf('scrollDown', 'shell').split('/')[0] ?? '')} or typing returns)`
    : sh.line ? (sh.line.stdin ? 'no tty: typed lines go to its stdin at enter' : 'no tty and no stdin (-i): output only') : '';
  return text ? `   {${app.theme.dim}-fg}${esc(text)}{/${app.theme.dim}-fg}` : '';
}

function renderPrompt(app: RenderCtx): void {
  const m = app.state.mode, P = app.layout.prompt;
  if (m.kind !== 'input') { P.hide(); return; }
  P.show();
  P.setContent(`{bold}${esc(m.label)}{/bold}${m.input.render(esc)}`);
}

function renderStatus(app: RenderCtx): void {
  const s = app.state, t = app.theme;
  const msg = s.message;
  // messages clear: information after 6 s, errors after 15 s or at the next key (app.ts);
  // while a stop or restart waits, its countdown to SIGKILL is the message
  const fresh = msg.text && Date.now() - msg.at < (msg.error ? 15_000 : 6000) ? msg.text : '';
  const text = fresh && (msg.error || !s.busy.size) ? fresh : s.busy.size ? busyText(app) : fresh;
  const left = msg.error && text === fresh && text ? `{${t.error}-fg}{bold} ✖ ${esc(text)}{/bold}{/${t.error}-fg}` : ` ${esc(text)}`;
  const hints = hintKeys(app).map(([k, h]) => `${k}:${h}`).join('  ');
  // hints give way to a long message
  const room = Math.max(0, Number(app.screen.width) - text.length - 6);
  app.layout.status.setContent(`${left}{|} ${hints.length > room ? '' : esc(hints)} `);
}

/** "stopping web (SIGKILL in 7s), restarting db (SIGKILL in 3s)". */
function busyText(app: RenderCtx): string {
  return [...app.state.busy].map(([id, b]) => `${b.doing} ${app.containers.get(id)?.name ?? id.slice(0, 12)} (${killIn(b.killAt)})`).join(', ');
}

function hintKeys(app: RenderCtx): Array<[string, string]> {
  const k = (action: string, ctx?: Context): string => {
    const b = app.keymap.bindings.find((x) => x.action === action && (!ctx || x.context === ctx));
    return b?.keys[0] ? displayKey(b.keys[0]) : '';
  };
  const s = app.state;
  if (s.mode.kind === 'input') return [['enter', 'ok'], ['esc', 'cancel']];
  if (s.mode.kind === 'shell') {
    const sh = app.shells.get(s.mode.key);
    if (sh?.ended) return [['any key', 'back']];
    return [...(sh?.kind === 'attach' ? [['ctrl-p ctrl-q', 'detach'] as [string, string]] : []), [k('leave', 'shell'), 'leave the pane (it keeps running)'], [k('panes'), 'open panes']];
  }
  if (s.mode.kind === 'menu') return [['j/k', 'move'], ['enter/1-9', 'run'], ['esc', 'close']];
  if (s.mode.kind !== 'normal') return [];
  const common: Array<[string, string]> = [[k('help'), 'help'], [k('quit'), 'quit']];
  if (s.focus === 'details' && s.tab === 'logs') return [[k('search', 'logs'), 'search'], [k('next', 'logs'), 'next'], [k('timestamps', 'logs'), 'time'], [k('wrap', 'logs'), 'wrap'], [k('save', 'logs'), 'save'], [k('back', 'details'), 'back'], ...common];
  // "list.remove" is a list action, "stop" one of this view's own
  const hint = ([a, label]: [string, string]): [string, string] => {
    const dot = a.indexOf('.');
    return dot > 0 && !app.view.actions[a] ? [k(a.slice(dot + 1), a.slice(0, dot)), label] : [k(a, app.view.name), label];
  };
  return [...app.view.hints.map(hint), ...common];
}

function renderOverlay(app: RenderCtx): void {
  const m = app.state.mode, O = app.layout.overlay, t = app.theme;
  if (m.kind === 'normal' || m.kind === 'input' || m.kind === 'shell') { O.hide(); return; }
  O.show();
  O.setFront();
  if (m.kind === 'help') {
    O.setLabel(' Help — keys, and each action by the name config.json remaps (berth tui --print-config) — Esc closes ');
    // keys, the action's name and its help in a row: as wide as a small window allows
    O.width = Math.min(Number(app.screen.width), Math.max(100, Math.floor(Number(app.screen.width) * 0.8))); O.height = '85%';
    const lines = app.keymap.helpLines();
    const h = Math.max(1, Number(O.height) - 2);
    m.scroll = Math.min(m.scroll, Math.max(0, lines.length - h));
    O.setContent(lines.slice(m.scroll, m.scroll + h).join('\n'));
  } else if (m.kind === 'confirm') {
    O.setLabel(' Confirm ');
    const msg = m.message.split('\n');
    const answers = ` {bold}y{/bold}/enter: yes    ${m.alt ? `{bold}${esc(displayKey(m.alt.key))}{/bold}: ${esc(m.alt.label)}    ` : ''}{bold}n{/bold}/esc: no`;
    O.width = Math.min(Number(app.screen.width), Math.max(40, ...msg.map((l) => l.length + 6), answers.replace(/\{[^}]*\}/g, '').length + 6));
    // a line wider than the box wraps: count the rows it takes
    const inner = Number(O.width) - 2;
    O.height = Math.min(Number(app.screen.height), msg.reduce((n, l) => n + Math.max(1, Math.ceil((l.length + 1) / inner)), 0) + 5);
    O.setContent(`\n${msg.map((l) => ` ${esc(l)}`).join('\n')}\n\n${answers}`);
  } else if (m.kind === 'form') {
    O.setLabel(' Run a container — tab/↑↓ move, enter runs, esc cancels ');
    O.width = Math.min(Number(app.screen.width), Math.max(78, Math.floor(Number(app.screen.width) * 0.8)));
    O.height = Math.min(Number(app.screen.height), RUN_FIELDS.length + (m.error ? 6 : 4));
    const lines = RUN_FIELDS.map((f, i) => {
      const label = `${f.label.padStart(10)}: `;
      const val = f.toggle ? (i === m.index ? `{inverse}[${m.inputs[i].value ? 'x' : ' '}]{/inverse}` : `[${m.inputs[i].value ? 'x' : ' '}]`)
        : i === m.index ? m.inputs[i].render(esc) : esc(m.inputs[i].value);
      const hint = `  {${t.dim}-fg}${esc(f.hint)}{/${t.dim}-fg}`;
      return (i === m.index ? `{bold}${label}{/bold}` : label) + val + hint;
    });
    if (m.error) lines.push('', `{${t.error}-fg}${esc(m.error)}{/${t.error}-fg}`);
    O.setContent(lines.join('\n'));
  } else if (m.kind === 'menu') {
    O.setLabel(` ${m.title} — enter or a digit picks, esc closes `);
    const w = Math.min(Number(app.screen.width) - 2, 100);
    O.width = w; O.height = Math.min(Number(app.screen.height) - 2, Math.max(m.items.length, 1) + 4);
    const lines = m.items.map((it, i) => {
      const text = cell(`${i < 9 ? i + 1 : ' '} ${it.label}${it.hint ? `  ${it.hint}` : ''}`, w - 4);
      return i === m.index ? `{${t.selectedFg}-fg}{${t.selectedBg}-bg}${esc(text)}{/}` : esc(text);
    });
    O.setContent('\n' + (lines.length ? lines.join('\n') : `{${t.dim}-fg}${esc(m.empty)}{/${t.dim}-fg}`));
  } else if (m.kind === 'pull') {
    const p = m.progress;
    O.setLabel(` Pull ${p.ref} — ${p.done ? `${p.error ? 'failed' : 'done'} (any key closes)` : 'pulling… (esc hides; it goes on)'} `);
    O.width = '80%'; O.height = Math.min(Number(app.screen.height) - 4, p.lines().length + 4);
    O.setContent(p.lines().map((l) => (l.startsWith('error:') ? `{${t.error}-fg}${esc(l)}{/${t.error}-fg}` : esc(l))).join('\n'));
  }
}

/** Re-colours the boxes after a theme change. */
export function applyTheme(app: RenderCtx): void {
  const t = app.theme, L = app.layout;
  for (const b of [L.tabs, L.list, L.details, L.detailsTabs, L.content, L.prompt, L.overlay]) {
    b.style.fg = t.fg; b.style.bg = t.bg;
  }
  L.status.style.fg = t.statusFg; L.status.style.bg = t.statusBg;
}
