// What each keymap action does, by "context.action". The keymap (keys.ts) says
// which keys reach which action; this table is the only place that says what
// the action means, so remapped keys and `:` commands share it. A view's own
// actions are in its file and join the table as "<view>.<action>".
import type { ActionCtx } from './views/view.js';
import { VIEWS } from './views/index.js';
import type { ShellSession } from './model/shells.js';
import { LOG_WINDOWS, windowTitle } from './model/logs.js';

export type Handler = (arg?: string) => void | Promise<void>;

export function handlerTable(app: ActionCtx): Record<string, Handler> {
  const s = app.state;
  const page = (): number => Math.max(1, Number(app.layout.content.height) - 1);
  const listPage = (): number => Math.max(1, Number(app.layout.list.height) - 3);
  const viewStep = (d: number): void => {
    const i = VIEWS.findIndex((v) => v.name === s.view);
    app.setView(VIEWS[(i + d + VIEWS.length) % VIEWS.length].name);
  };
  /** Sorting: `d` moves the sorted column (past either end: the model's own order). */
  const sortStep = (d: number): void => {
    const p = s.per[s.view], n = app.view.columns.length;
    const at = p.sort ? p.sort.col : d > 0 ? -1 : n;
    const next = at + d;
    p.sort = next < 0 || next >= n ? undefined : { col: next, desc: p.sort?.desc ?? false };
    app.say(p.sort ? `sorted by ${app.view.columns[p.sort.col].title}${p.sort.desc ? ' (descending)' : ''}` : 'unsorted');
  };
  const tabStep = (d: number): void => {
    const tabs = app.tabs();
    app.setTab(tabs[(tabs.indexOf(s.tab) + d + tabs.length) % tabs.length]);
  };
  let loadingOlder = false;
  /** Scrolls the details content; in logs, leaving the end stops following. */
  const scroll = (d: number): void => {
    if (s.tab === 'logs') {
      const total = app.logs.buffer.length; // an upper bound in rows when not wrapping
      const base = s.log.follow ? Math.max(0, total - page()) : s.log.top;
      // up past the first line held: read older lines in front, the view staying where it is
      if (d < 0 && base + d < 0 && !loadingOlder) {
        loadingOlder = true;
        void app.logs.loadOlder().then((k) => {
          s.log.top += k;
          app.say(k ? `${k} older lines loaded` : 'the start of the log (or as much as the buffer keeps)');
        }, (e) => app.fail(e)).finally(() => { loadingOlder = false; app.schedule(); });
      }
      s.log.top = Math.max(0, base + d);
      s.log.follow = d > 0 && s.log.top + page() >= total;
    } else if (s.tab === 'inspect') {
      s.inspectCursor = Math.max(0, Math.min(app.tree.lines.length - 1, s.inspectCursor + d));
    } else {
      s.detailsScroll = Math.max(0, s.detailsScroll + d);
    }
  };
  /** To the next match: newest first, as a log is read from its end; `older` 1 = n (further
   * back, wrapping to the newest), -1 = N (forward, wrapping to the oldest). Numbered from
   * the newest. */
  const jump = (older: 1 | -1): void => {
    const q = s.log.query;
    if (!q) { app.say('no search: press / first'); return; }
    const buf = app.logs.buffer;
    const from = s.log.matchSeq ?? (older === 1 ? Number.MAX_SAFE_INTEGER : -1);
    const seq = buf.nextMatch(q, from, older === 1 ? -1 : 1);
    s.log.searchPending = undefined;
    if (seq === undefined && !buf.length && app.logs.following) {
      s.log.searchPending = older; // app.ts runs it again when the first lines are in
      app.say(`searching for "${q}" when the log's lines come…`);
      return;
    }
    if (seq === undefined) { app.say(`no match for "${q}"`, true); return; }
    const hits = buf.search(q);
    s.log.matchSeq = seq;
    // show the match a third of the way down, and stay there while lines keep coming
    s.log.follow = false;
    s.log.top = Math.max(0, (buf.indexOf(seq) ?? 0) - Math.floor(page() / 3));
    app.say(`match ${hits.length - hits.indexOf(seq)}/${hits.length} for "${q}", newest first (G or f: follow again)`);
  };
  const remove = (force: boolean): void => {
    const items = app.targetItems<unknown>();
    if (!items.length) return app.say('nothing selected', true);
    app.view.remove(app, items, force);
  };
  const shell = (): ShellSession | undefined => (s.mode.kind === 'shell' ? app.shells.get(s.mode.key) : undefined);

  const table: Record<string, Handler> = {
    'global.quit': () => app.quit(),
    'global.help': () => { s.mode = { kind: 'help', scroll: 0 }; },
    'global.view.next': () => viewStep(1),
    'global.view.prev': () => viewStep(-1),
    'global.command': () => app.startInput('command', ':'),
    'global.pull': (arg) => (arg ? app.pull(arg) : app.startInput('pull', 'pull image (e.g. 127.0.0.1:5000/busybox:latest): ')),
    'global.mouse': () => app.toggleMouse(),
    'global.theme.next': (arg) => app.setTheme(arg ?? ''),
    'global.panes': () => app.paneList(),
    'global.panes.next': () => app.nextPane(),
    'global.theme.save': () => app.saveTheme(),
    'global.engine.next': (arg) => app.switchEngine(arg),
    'global.back': () => {
      const p = s.per[s.view];
      if (s.focus === 'details') s.focus = 'list';
      else if (p.marks.size) p.marks.clear();
      else if (p.filter) { p.filter = ''; app.selectionChanged(); }
    },

    'list.down': () => app.moveTo(app.cursor() + 1),
    'list.up': () => app.moveTo(app.cursor() - 1),
    'list.top': () => app.moveTo(0),
    'list.bottom': () => app.moveTo(app.table.keys.length - 1),
    'list.pageDown': () => app.moveTo(app.cursor() + listPage()),
    'list.pageUp': () => app.moveTo(app.cursor() - listPage()),
    'list.filter': () => app.startInput('filter', '/', s.per[s.view].filter),
    'list.open': () => { if (app.selectedKey() !== undefined) s.focus = 'details'; },
    'list.mark': () => {
      const k = app.selectedKey();
      if (k === undefined) return;
      const marks = s.per[s.view].marks;
      if (marks.has(k)) marks.delete(k); else marks.add(k);
      app.moveTo(app.cursor() + 1);
    },
    'list.markAll': () => { for (const k of app.table.keys) s.per[s.view].marks.add(k); },
    'list.remove': () => remove(false),
    'list.forceRemove': () => remove(true),
    'list.prune': () => {
      const v = app.view, all = v.prune.all;
      app.confirm(`Prune ${v.prune.what}?${all ? `\n(a: ${all} too, as --all)` : ''}`, () => v.prune.run(app.engine, false),
        all ? { key: 'a', label: `all unused (--all)`, onYes: () => v.prune.run(app.engine, true) } : undefined);
    },
    'list.commands': () => app.customCommands(),
    'list.sort.next': () => sortStep(1),
    'list.sort.prev': () => sortStep(-1),
    'list.sort.reverse': () => {
      const p = s.per[s.view];
      if (!p.sort) return app.say('not sorted: > picks a column', true);
      p.sort.desc = !p.sort.desc;
    },

    'details.down': () => scroll(1),
    'details.up': () => scroll(-1),
    'details.pageDown': () => scroll(page()),
    'details.pageUp': () => scroll(-page()),
    'details.top': () => { if (s.tab === 'logs') { s.log.follow = false; s.log.top = 0; } else { s.inspectCursor = 0; s.detailsScroll = 0; } },
    'details.bottom': () => { if (s.tab === 'logs') s.log.follow = true; else s.inspectCursor = app.tree.lines.length - 1; },
    'details.tab.next': () => tabStep(1),
    'details.tab.prev': () => tabStep(-1),
    'details.tab.inspect': () => app.setTab('inspect'),
    'details.tab.logs': () => { if (app.tabs().includes('logs')) app.setTab('logs'); },
    'details.tab.stats': () => { if (app.tabs().includes('stats')) app.setTab('stats'); },
    'details.back': () => { s.focus = 'list'; },

    'logs.search': () => app.startInput('search', 'search logs: ', s.log.query),
    'logs.next': () => jump(1),
    'logs.prev': () => jump(-1),
    'logs.timestamps': () => { s.log.timestamps = !s.log.timestamps; },
    'logs.wrap': () => { s.log.wrap = !s.log.wrap; },
    'logs.window': () => {
      const id = app.logs.containerId;
      if (!id) return;
      s.log.window = LOG_WINDOWS[(LOG_WINDOWS.indexOf(s.log.window) + 1) % LOG_WINDOWS.length];
      s.log.follow = true;
      s.log.matchSeq = undefined;
      app.openLogs(id);
      app.say(`logs: ${windowTitle(s.log.window)}`);
    },
    'logs.follow': () => { s.log.follow = !s.log.follow; if (s.log.follow) s.log.matchSeq = undefined; },
    'logs.save': () => {
      const name = app.containers.get(app.logs.containerId ?? '')?.name ?? 'container';
      app.startInput('save', 'save log to: ', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    },

    'shell.scrollUp': () => { const sh = shell(); if (sh) app.shells.scroll(sh, -page()); },
    'shell.scrollDown': () => { const sh = shell(); if (sh) app.shells.scroll(sh, page()); },

    'inspect.toggle': () => {
      const l = app.tree.lines[s.inspectCursor];
      if (l?.node) app.tree.toggle(l.path);
    },
    'inspect.foldAll': () => { app.tree.foldAll(); s.inspectCursor = 0; },
    'inspect.unfoldAll': () => app.tree.unfoldAll(),
  };
  for (const v of VIEWS) {
    table[`global.view.${v.name}`] = () => app.setView(v.name);
    for (const [name, a] of Object.entries(v.actions)) table[`${v.name}.${name}`] = (arg) => a.run(app, arg);
  }
  return table;
}
