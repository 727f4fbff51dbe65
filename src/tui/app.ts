// The workstation: models fed by watchers, UI state changed by keys, and one
// coalesced render per change. Keys go through the keymap (data); every
// handler's failure lands in the status line, never on the terminal. Each engine
// has a session of its own (model/session.ts); the models named here are the
// shown engine's.
import type { Widgets } from 'blessed';
import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Backend } from '../backend/index.js';
import type { ContainerListModel } from './model/containers.js';
import type { StatsModel } from './model/stats.js';
import type { LogModel } from './model/logs.js';
import type { DetailsModel } from './model/details.js';
import { keyBytes, type ShellModel, type ShellSession } from './model/shells.js';
import { ENGINE_UI_KEYS, EngineSession, type EngineUiState } from './model/session.js';
import { JsonTree } from './model/json-tree.js';
import { Watchers } from './model/watchers.js';
import { RUN_FIELDS, emptyRunFields, type RunFields } from './model/run-spec.js';
import { contextStack, keyName, type Context, type Keymap } from './keys.js';
import { loadTheme, themeNames, type Theme } from './theme.js';
import { configPath, saveTheme, type TuiConfig } from './config.js';
import { buildLayout, type Layout } from './view/layout.js';
import { ChartsPanel } from './view/charts.js';
import { LineInput } from './view/line-input.js';
import { buildTable, sortRows, type Table } from './view/tables.js';
import { rowFilter } from './view/filter.js';
import { applyTheme, placeShellCursor, render } from './render.js';
import { containerAction, pullImage, PullProgress, runContainer, type ContainerVerb } from './actions.js';
import { DEFAULT_LOG_PREFS, initialState, type ConfirmAlt, type InputPurpose, type Tab, type UiState } from './state.js';
import { handlerTable, type Handler } from './handlers.js';
import { customCommands, nextPane, openAttach, openShell, paneKey, paneList } from './panes.js';
import { VIEWS } from './views/index.js';
import type { ActionCtx, AnyView, ListModel, Selected } from './views/view.js';

export class App implements ActionCtx {
  readonly state: UiState;
  readonly views = VIEWS;
  /** Every engine (the embedded one first), each with its own models and watchers. */
  readonly sessions: EngineSession[];
  private active = 0;
  get session(): EngineSession { return this.sessions[this.active]; }
  get engine(): Backend { return this.session.engine; }
  get containers(): ContainerListModel { return this.session.containers; }
  get stats(): StatsModel { return this.session.stats; }
  get logs(): LogModel { return this.session.logs; }
  get details(): DetailsModel { return this.session.details; }
  get shells(): ShellModel { return this.session.shells; }
  readonly tree = new JsonTree();
  readonly layout: Layout;
  readonly charts: ChartsPanel;
  private readonly watchers = new Map<EngineSession, Watchers>();
  private readonly handlers: Record<string, Handler>;
  /** The rows the list shows now (filtered). Rebuilt on demand after any change: keys that
   * arrive in one burst (fast typing, paste) must act on the list their filter made, not on
   * the last frame's. */
  private cached: Table<unknown> = { header: '', row: () => '', items: [], keys: [] };
  private dirty = true;
  get table(): Table<unknown> {
    if (this.dirty) { this.cached = this.buildTable(); this.dirty = false; }
    return this.cached;
  }
  private renderQueued = false;
  /** When the last frame was drawn (the clock draws only when nothing else did for a period). */
  private lastFrameAt = 0;
  private selectTimer?: NodeJS.Timeout;
  private clock?: NodeJS.Timeout;
  private quitResolve?: () => void;

  constructor(backends: readonly Backend[], readonly screen: Widgets.Screen, public theme: Theme, readonly keymap: Keymap, readonly config: TuiConfig, shownFirst = 0) {
    this.state = initialState(VIEWS.map((v) => v.name), config.mouse);
    this.sessions = backends.map((b) => new EngineSession(b, VIEWS));
    this.active = shownFirst;
    this.layout = buildLayout(screen, theme);
    this.charts = new ChartsPanel(this.layout.content, theme);
    this.handlers = handlerTable(this);
    for (const s of this.sessions) this.hook(s);
  }

  /** Wires one engine's models to the screen: only the engine shown draws and reports; the
   * others keep their models current (and their errors out of the status line). */
  private hook(s: EngineSession): void {
    const shown = (): boolean => s === this.session && !this.closed;
    const onErr = (e: unknown): void => { if (shown()) this.fail(e); else this.trace(`${s.name}: ${(e as Error)?.stack ?? String(e)}`); };
    for (const m of [...[...s.models.values()].map((x) => x.changed), s.stats.ticked, s.logs.changed, s.details.changed]) m.onError = onErr;
    for (const m of s.models.values()) m.changed.on(() => { if (shown()) this.listChanged(); });
    s.stats.ticked.on(() => {
      if (!shown()) return;
      if (this.state.tab === 'top' && this.state.view === 'containers') void this.details.reloadProcesses();
      this.schedule();
    });
    s.logs.changed.on(() => {
      if (!shown()) return;
      const pending = this.state.log.searchPending;
      if (pending && s.logs.buffer.length) this.act(pending === 1 ? 'logs.next' : 'logs.prev');
      this.schedule();
    });
    s.shells.changed.on(() => { if (shown()) this.schedule(); });
    s.logs.failed.on((m) => { if (shown()) this.say(m, true); });
    // a document from an earlier selection never stays on screen under a new one's title
    s.details.changed.on(() => { if (shown()) { this.tree.set(s.details.inspect ?? {}); this.schedule(); } });
    const remote = !s.engine.layout;
    this.watchers.set(s, new Watchers(s.engine, [...s.models.values()].filter((m) => m !== s.containers), {
      container: (id, ev) => this.onContainerEvent(s, id, ev.action),
      error: (m) => onErr(new Error(m)),
      // an endpoint: read on connect and after each reconnect; a lost connection is said once
      ...(remote ? {
        resync: () => {
          const first = !s.loaded;
          return s.loadAll(() => { if (first) this.trace(`${s.name}: ${s.containers.all().length} containers listed ${performance.now().toFixed(0)} ms after process start`); });
        },
        connected: (up: boolean, why?: string) => {
          const was = s.down;
          s.down = up ? undefined : why ?? 'unreachable';
          if (!up && was === undefined) this.say(`engine ${s.name}: ${s.down} (retrying)`, true);
          if (up && was !== undefined) this.say(`engine ${s.name}: connected again`);
          this.schedule();
        },
      } : {}),
    }));
  }

  /** Loads everything once, starts the watchers, and resolves when the user quits. */
  async run(): Promise<void> {
    this.screen.on('keypress', (ch: string | undefined, key: Widgets.Events.IKeyEventArg) => this.safely(() => this.onKey(ch, key)));
    this.screen.on('resize', () => { this.charts.destroy(); this.schedule(); });
    this.bindMouse();
    // the embedded engine answers at once: its containers are the first frame, before the
    // slower image and volume loads
    const first = this.session;
    if (first.engine.layout) await first.containers.loadAll().catch((e) => this.fail(e));
    else this.watchers.get(first)!.start(); // an endpoint shown first: its request goes out now
    this.renderNow();
    this.trace(`first frame ${performance.now().toFixed(0)} ms after process start (cpu ${(process.cpuUsage().user / 1000).toFixed(0)} ms user)`);
    // endpoints are read by their watchers once their events flow: started first, so they
    // load while the embedded engine's slower lists (a du walk per volume) are read
    for (const s of this.sessions) if (!s.engine.layout && s !== first) this.watchers.get(s)!.start();
    for (const s of this.sessions) {
      if (!s.engine.layout) continue;
      for (const m of s.models.values()) if (s !== first || m !== s.containers) await Promise.resolve().then(() => m.load()).catch((e) => this.fail(e));
      s.loaded = true;
      this.watchers.get(s)!.start();
    }
    // uptimes ("Up 5 minutes") move with the clock even when nothing happens; a frame drawn
    // since the last tick (the stats sampler draws one every second while containers run)
    // already moved them, and a second frame a second would double the idle garbage and CPU
    const period = Math.max(this.config.refreshMs, 1000);
    this.clock = setInterval(() => { if (performance.now() - this.lastFrameAt >= period - 50) this.schedule(); }, period);
    this.clock.unref();
    this.selectionChanged();
    await new Promise<void>((r) => (this.quitResolve = r));
  }

  private closed = false;

  quit(): void {
    // nothing may render or subscribe after this: the sampler's files are about to close
    this.closed = true;
    clearInterval(this.clock);
    clearTimeout(this.selectTimer);
    for (const w of this.watchers.values()) w.stop();
    for (const s of this.sessions) s.close();
    this.quitResolve?.();
  }

  // ---- rendering -------------------------------------------------------------

  schedule(): void {
    this.dirty = true;
    if (this.renderQueued || this.closed) return;
    this.renderQueued = true;
    setImmediate(() => { this.renderQueued = false; this.renderNow(); });
  }

  renderNow(): void {
    if (this.closed) return;
    try {
      this.dirty = true; // the clock moved: uptimes and stats columns are redrawn
      this.lastFrameAt = performance.now();
      render(this);
      this.screen.render();
      placeShellCursor(this);
      // after the frame is out: subscribing samples every visible container once
      this.watchVisibleStats();
    } catch (e) {
      // shown with the next frame; scheduling one now would loop on a failing render
      this.fail(e);
      this.renderQueued = true;
      setTimeout(() => { this.renderQueued = false; }, 500).unref();
    }
  }

  get view(): AnyView { return VIEWS.find((v) => v.name === this.state.view) ?? VIEWS[0]; }

  model(view: AnyView): ListModel<unknown> { return this.session.models.get(view.name)!; }

  engines(): Array<{ name: string; active: boolean; down?: string }> {
    return this.sessions.map((s) => ({ name: s.name, active: s === this.session, down: s.down }));
  }

  /** Shows another engine (the next one, or NAME): this one's UI state is kept with it, the
   * other's comes back as it was left; both keep running (logs, charts, shells). */
  switchEngine(name?: string): void {
    const i = name ? this.sessions.findIndex((s) => s.name === name) : (this.active + 1) % this.sessions.length;
    if (i < 0) return this.say(`no engine "${name}" (engines: ${this.sessions.map((s) => s.name).join(', ')})`, true);
    if (i === this.active) return this.say(`engine ${this.session.name} is shown`);
    const keep = {} as Record<string, unknown>;
    for (const k of ENGINE_UI_KEYS) keep[k] = this.state[k];
    this.session.saved = keep as unknown as EngineUiState;
    this.active = i;
    const next = this.session;
    const fresh = initialState(VIEWS.map((v) => v.name), this.state.mouse);
    for (const k of ENGINE_UI_KEYS) (this.state as unknown as Record<string, unknown>)[k] = (next.saved ?? fresh)[k];
    this.state.mode = { kind: 'normal' };
    this.charts.hide();
    this.tree.set(next.details.inspect ?? {});
    this.dirty = true;
    this.say(`engine ${next.name} (${next.engine.address})${next.down ? `: unreachable, ${next.down}` : next.loaded ? '' : ': connecting…'}`, Boolean(next.down));
    this.selectionChanged();
  }

  private buildTable(): Table<unknown> {
    const v = this.view, p = this.state.per[v.name];
    const test = rowFilter(p.filter);
    const rows = v.rows(this);
    // no filter: every row, without asking each (every frame) for its fields and labels
    const items = sortRows(v, this, p.filter.trim() ? rows.filter((x: unknown) => test(v.filterText(x), v.labels?.(x) ?? {})) : rows, p.sort);
    // two columns for the border, two for the mark, and one kept free: blessed wraps a line
    // of exactly the box's width when colour tags close after its last character
    const width = Number(this.layout.list.width) - 5;
    return buildTable(v, this, items, width, p.sort);
  }

  /** A list changed: redraw, and if the row under the cursor is another item than the
   * details show (a row appeared in an empty view, the selected one went), follow it. */
  private listChanged(): void {
    this.schedule();
    const cur = this.currentItem(), shown = this.details.selected;
    if (cur?.kind !== shown?.kind || cur?.id !== shown?.id) this.selectionChanged();
  }

  /** One sampler subscription per running container on screen (plus the selected one). */
  private watchVisibleStats(): void {
    if (this.state.view !== 'containers') {
      this.stats.watch(this.selectedContainer() ? [this.selectedContainer()!] : []);
      return;
    }
    const p = this.state.per.containers;
    const rows = Number(this.layout.list.height) - 3;
    const ids = this.table.keys.slice(p.scroll, p.scroll + rows).filter((id) => {
      const st = this.containers.get(id)?.state;
      return st === 'running' || st === 'paused';
    });
    const sel = this.selectedContainer();
    if (sel) ids.push(sel);
    this.stats.watch(ids);
  }

  // ---- selection -------------------------------------------------------------

  cursor(): number {
    const p = this.state.per[this.state.view];
    const i = p.selected === undefined ? -1 : this.table.keys.indexOf(p.selected);
    return i >= 0 ? i : 0;
  }

  selectedKey(): string | undefined {
    const p = this.state.per[this.state.view];
    if (p.selected !== undefined && this.table.keys.includes(p.selected)) return p.selected;
    return this.table.keys[0];
  }

  selectedContainer(): string | undefined {
    const p = this.state.per.containers;
    return p.selected && this.containers.get(p.selected) ? p.selected : this.state.view === 'containers' ? this.table.keys[0] : undefined;
  }

  /** Targets of a bulk action: the marked rows, else the selected one. */
  targets(): string[] {
    const p = this.state.per[this.state.view];
    const marked = this.table.keys.filter((k) => p.marks.has(k));
    if (marked.length) return marked;
    const k = this.selectedKey();
    return k === undefined ? [] : [k];
  }

  moveTo(index: number): void {
    const keys = this.table.keys;
    if (!keys.length) return;
    const i = Math.max(0, Math.min(keys.length - 1, index));
    this.state.per[this.state.view].selected = keys[i];
    this.selectionChanged();
  }

  /** The details follow the selection (debounced: holding j does not open every log). */
  selectionChanged(): void {
    this.schedule();
    clearTimeout(this.selectTimer);
    this.selectTimer = setTimeout(() => this.safely(() => {
      const sel = this.currentItem();
      this.state.inspectCursor = 0;
      this.state.detailsScroll = 0;
      void this.details.select(sel);
      if (sel?.kind === 'container' && this.state.tab === 'logs') this.openLogs(sel.id);
      else if (sel?.kind !== 'container') this.logs.close();
      if (this.state.tab === 'top') void this.details.reloadProcesses();
    }), 60);
  }

  currentItem(): Selected | undefined {
    const key = this.selectedKey();
    if (key === undefined) return undefined;
    return this.view.select(this.table.items[this.table.keys.indexOf(key)], this.engine);
  }

  targetItems<T>(): T[] {
    const t = this.table;
    return this.targets().map((k) => t.items[t.keys.indexOf(k)] as T);
  }

  openLogs(id: string): void {
    const s = this.state;
    if (s.logOf !== id) {
      const { timestamps, wrap, query, window } = s.log;
      if (s.logOf) s.logPrefs.set(s.logOf, { timestamps, wrap, query, window });
      s.log = { ...s.log, ...DEFAULT_LOG_PREFS, ...s.logPrefs.get(id) };
      s.logOf = id;
    }
    if (this.logs.containerId !== id) s.log = { ...s.log, follow: true, top: 0, matchSeq: undefined, searchPending: undefined };
    this.logs.open(id, s.log.window);
  }

  setTab(tab: Tab): void {
    this.state.tab = tab;
    this.state.detailsScroll = 0;
    if (tab !== 'stats') this.charts.hide();
    const sel = this.currentItem();
    if (sel?.kind === 'container' && tab === 'logs') this.openLogs(sel.id);
    if (tab === 'top') void this.details.reloadProcesses();
    this.schedule();
  }

  tabs(): readonly Tab[] {
    return this.view.tabs;
  }

  setView(name: string): void {
    const v = VIEWS.find((x) => x.name === name);
    if (!v) return this.say(`no view "${name}"`, true);
    this.state.view = v.name;
    this.state.focus = 'list';
    if (!v.tabs.includes(this.state.tab)) this.state.tab = v.tabs.includes('logs') ? 'logs' : v.tabs[0];
    this.charts.hide();
    this.dirty = true;
    this.selectionChanged();
  }

  // ---- events from the engine ------------------------------------------------

  private onContainerEvent(s: EngineSession, id: string, action: string): void {
    void s.containers.refresh(id).then(() => {
      // the re-read record says whether the kernel's OOM killer ended it
      const c = s.containers.get(id);
      if (action === 'die' && s === this.session && c?.oomKilled) this.say(`${c.name} was killed by the kernel: out of memory (OOM, exit ${c.exitCode ?? 137})`, true);
    });
    // the engine shown keeps its UI state in this.state, the others in their session
    const ui: EngineUiState | undefined = s === this.session ? this.state : s.saved;
    if (action === 'destroy') {
      s.stats.forget(id);
      if (ui) for (const v of VIEWS) ui.per[v.name].marks.delete(id);
      if (s.logs.containerId === id) s.logs.close();
    }
    const sel = s.details.selected;
    if (sel?.kind === 'container' && sel.id === id) {
      void s.details.reload();
      // a restarted container writes to its log again: follow it again
      if ((action === 'start' || action === 'restart') && ui?.tab === 'logs') s.logs.open(id, ui.log.window);
    }
  }

  // ---- keys ------------------------------------------------------------------

  private onKey(ch: string | undefined, key: Widgets.Events.IKeyEventArg): void {
    // blessed reports a carriage return twice ("enter", then "return"): act on one
    if (key.full === 'return') return;
    const name = keyName(ch, key);
    const m = this.state.mode;
    // an error read for a moment goes with the next key, so it never stands beside later work
    const msg = this.state.message;
    if (msg.error && m.kind === 'normal' && Date.now() - msg.at > 1000) this.state.message = { text: '', error: false, at: Date.now() };
    if (m.kind === 'shell') return paneKey(this, m.key, name, ch, key);
    if (m.kind === 'menu') return this.safely(() => this.menuKey(m, name));
    if (m.kind === 'input') return this.inputKey(m, name, ch);
    if (m.kind === 'form') return this.formKey(m, name, ch);
    if (m.kind === 'confirm') {
      const yes = name === 'y' || name === 'Y' || name === 'enter' ? m.onYes : m.alt && name === m.alt.key ? m.alt.onYes : undefined;
      if (yes) {
        this.state.mode = { kind: 'normal' };
        this.say('working…');
        void yes().then((t) => this.say(t), (e) => this.fail(e));
      } else if (name === 'n' || name === 'N' || name === 'escape' || name === 'q') {
        this.state.mode = { kind: 'normal' };
        this.say('cancelled');
      }
      return this.schedule();
    }
    if (m.kind === 'help') {
      if (name === 'j' || name === 'down') m.scroll++;
      else if (name === 'k' || name === 'up') m.scroll = Math.max(0, m.scroll - 1);
      else if (name === 'escape' || name === 'q' || name === '?' || name === 'enter') this.state.mode = { kind: 'normal' };
      return this.schedule();
    }
    if (m.kind === 'pull') {
      // a finished pull's window closes on any key; a running one hides on esc/enter/q
      // and says so for any other key rather than swallowing it silently
      if (m.progress.done || name === 'escape' || name === 'enter' || name === 'q') {
        this.state.mode = { kind: 'normal' };
        if (!m.progress.done) this.say(`pull of ${m.progress.ref} continues in the background`);
      } else {
        this.say(`pulling ${m.progress.ref}: esc hides this window (the pull goes on)`);
      }
      return this.schedule();
    }
    const b = this.keymap.resolve(name, this.contexts());
    if (!b) return;
    this.act(`${b.context}.${b.action}`);
  }

  /** Runs a handler by "context.action" (keys and command mode both come here). */
  act(name: string, arg?: string): void {
    const h = this.handlers[name];
    if (!h) { this.say(`no such action: ${name}`, true); return; }
    const r = h(arg);
    if (r instanceof Promise) r.catch((e) => this.fail(e));
    this.schedule();
  }

  contexts(): Context[] {
    return contextStack(this.state.view, this.state.focus, this.state.tab);
  }

  startInput(purpose: InputPurpose, label: string, initial = ''): void {
    this.state.mode = { kind: 'input', purpose, input: new LineInput(initial), label, before: initial };
  }

  ask(label: string, onSubmit: (value: string) => void | Promise<void>): void {
    this.state.mode = {
      kind: 'input', purpose: 'ask', input: new LineInput(''), label, before: '',
      onSubmit: (v) => { const r = onSubmit(v); if (r instanceof Promise) r.catch((e) => this.fail(e)); },
    };
  }

  private inputKey(m: Extract<UiState['mode'], { kind: 'input' }>, name: string, ch: string | undefined): void {
    const r = m.input.key(name, ch);
    const live = (v: string): void => {
      if (m.purpose === 'filter') { this.state.per[this.state.view].filter = v; this.state.per[this.state.view].scroll = 0; }
      if (m.purpose === 'search') this.state.log.query = v;
    };
    if (r === 'changed') live(m.input.value);
    if (r === 'cancel') { live(m.before); this.state.mode = { kind: 'normal' }; }
    if (r === 'submit') {
      this.state.mode = { kind: 'normal' };
      const v = m.input.value.trim();
      if (m.purpose === 'filter') this.selectionChanged();
      if (m.purpose === 'search') { this.state.log.query = v; this.state.log.matchSeq = undefined; if (v) this.act('logs.next'); }
      if (m.purpose === 'command') this.command(v);
      if (m.purpose === 'pull' && v) this.pull(v);
      if (m.purpose === 'save' && v) this.saveLog(v);
      if (m.purpose === 'ask') m.onSubmit?.(v);
    }
    this.schedule();
  }

  private formKey(m: Extract<UiState['mode'], { kind: 'form' }>, name: string, ch: string | undefined): void {
    const field = RUN_FIELDS[m.index];
    if (name === 'tab' || name === 'down') m.index = (m.index + 1) % m.inputs.length;
    else if (name === 'S-tab' || name === 'up') m.index = (m.index + m.inputs.length - 1) % m.inputs.length;
    else if (field.toggle && name === 'space') {
      const inp = m.inputs[m.index];
      inp.value = inp.value ? '' : 'on';
    } else if (field.toggle && name !== 'enter' && name !== 'escape') {
      // a toggle takes no text
    } else {
      const r = m.inputs[m.index].key(name, ch);
      if (r === 'cancel') this.state.mode = { kind: 'normal' };
      if (r === 'submit') this.submitRunForm(m);
    }
    this.schedule();
  }

  /** Runs the form's container; it opens on its logs (with -it: in its shell), as `docker run`
   * shows its output (or its terminal). A refusal stays in the form, which keeps what was typed. */
  private submitRunForm(m: Extract<UiState['mode'], { kind: 'form' }>): void {
    const fields = Object.fromEntries(RUN_FIELDS.map((f, i) => [f.key, m.inputs[i].value])) as RunFields;
    m.fields = fields;
    m.error = undefined;
    this.say(`starting a container from ${fields.image}…`);
    void runContainer(this.engine, fields, (ref) => this.say(`${ref} is not here: pulling it…`)).then(async ({ id, name: n }) => {
      // in the list before it is selected (an endpoint's re-read is a request)
      await this.containers.refresh(id);
      if (this.state.mode === m) this.state.mode = { kind: 'normal' };
      const p = this.state.per.containers;
      p.selected = id;
      p.filter = '';
      this.state.hideStopped = false; // an --rm container that already ended still shows until it goes
      this.setView('containers');
      if (fields.it) this.openShell();
      else {
        this.setTab('logs');
        this.state.focus = 'details';
      }
      this.say(`started ${n}${fields.it ? '' : ' (its logs below; esc returns to the list)'}`);
    }, (e) => { m.error = (e as Error).message; this.fail(e); });
  }

  openShell(): void { openShell(this); }
  openAttach(): void { openAttach(this); }
  customCommands(): void { customCommands(this); }
  paneList(): void { paneList(this); }
  nextPane(): void { nextPane(this); }

  /** A menu's keys: j/k or the arrows move, enter or the item's digit runs it, esc closes. */
  private menuKey(m: Extract<UiState['mode'], { kind: 'menu' }>, name: string): void {
    const n = m.items.length;
    const run = (i: number): void => { this.state.mode = { kind: 'normal' }; m.items[i].run(); };
    if (name === 'j' || name === 'down') m.index = n ? (m.index + 1) % n : 0;
    else if (name === 'k' || name === 'up') m.index = n ? (m.index + n - 1) % n : 0;
    else if (name === 'enter' && n) run(m.index);
    else if (/^[1-9]$/.test(name) && Number(name) <= n) run(Number(name) - 1);
    else if (name === 'escape' || name === 'q') this.state.mode = { kind: 'normal' };
    this.schedule();
  }

  openRunForm(image: string): void {
    const fields = emptyRunFields(image);
    this.state.mode = { kind: 'form', fields, inputs: RUN_FIELDS.map((f) => new LineInput(fields[f.key])), index: image ? 1 : 0 };
  }

  pull(ref: string): void {
    const progress = new PullProgress(ref, () => this.schedule());
    this.state.mode = { kind: 'pull', progress };
    void pullImage(this.engine, ref, progress).then(() => this.say(progress.result ?? `pulled ${ref}`), (e) => this.fail(e));
  }

  private saveLog(path: string): void {
    const file = resolvePath(path.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
    const lines = this.logs.buffer.lines().map((l) => `${l.time} ${l.stream} ${l.text}\n`).join('');
    writeFileSync(file, lines, { flag: 'wx' }); // never overwrite: a typo must not destroy a file
    this.say(`saved ${this.logs.buffer.length} lines to ${file}`);
  }

  /** `:` commands: a view name, pull/run/theme/filter with an argument, or any action name. */
  command(line: string): void {
    const [cmd, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (!cmd) return;
    const view = VIEWS.find((v) => v.aliases.includes(cmd));
    if (view) return this.setView(view.name);
    if (cmd === 'q' || cmd === 'quit') return this.quit();
    if (cmd === 'pull') { if (!arg) return this.startInput('pull', 'pull image: '); return this.pull(arg); }
    if (cmd === 'run') return this.openRunForm(arg);
    if (cmd === 'theme') return this.setTheme(arg);
    if (cmd === 'engine' || cmd === 'engines') return arg ? this.switchEngine(arg) : this.say(`engines: ${this.engines().map((e) => `${e.active ? '*' : ''}${e.name}${e.down ? ' (unreachable)' : ''}`).join(', ')} — :engine NAME switches`);
    if (cmd === 'filter') { this.state.per[this.state.view].filter = arg; return this.selectionChanged(); }
    if (cmd === 'help') { this.state.mode = { kind: 'help', scroll: 0 }; return; }
    // an action by name, in the current contexts ("stop", "remove", "prune", "logs.search")
    for (const c of this.contexts()) {
      const name = cmd.includes('.') && !this.handlers[`${c}.${cmd}`] ? cmd : `${c}.${cmd}`;
      if (this.handlers[name]) return this.act(name, arg);
    }
    this.say(`unknown command ":${cmd}" (:help for keys; commands: ${VIEWS.map((v) => v.name).join(', ')}, engine NAME, pull REF, run IMAGE, theme NAME, filter TEXT, q, or an action name)`, true);
  }

  setTheme(name: string): void {
    const names = themeNames();
    const next = name || names[(names.indexOf(this.theme.name) + 1) % names.length];
    this.theme = loadTheme(next);
    applyTheme(this);
    this.charts.setTheme(this.theme);
    this.schedule();
    this.say(`theme ${this.theme.name} (:theme.save keeps it)`);
  }

  saveTheme(): void {
    saveTheme(this.theme.name);
    this.say(`theme ${this.theme.name} saved in ${configPath()}`);
  }

  toggleMouse(): void {
    this.state.mouse = !this.state.mouse;
    if (this.state.mouse) this.screen.enableMouse(); else this.screen.program.disableMouse();
    this.say(this.state.mouse ? 'mouse on (click rows, wheel scrolls)' : 'mouse off: select text with the mouse');
  }

  /** A verb on the marked containers (else the selected one). Marked rows, and kill always,
   * are asked about once, naming how many and which. */
  containerVerb(verb: ContainerVerb): Promise<void> {
    const ids = this.targets();
    if (!ids.length) { this.say('no container selected', true); return Promise.resolve(); }
    const names = ids.map((i) => this.containers.get(i)?.name ?? i.slice(0, 12)).join(', ');
    const busy = this.state.busy;
    const go = async (): Promise<string> => {
      if (verb === 'stop' || verb === 'restart') {
        // the engine signals, waits the container's stop timeout, then SIGKILLs: show that wait
        const running = ids.filter((id) => this.containers.get(id)?.state === 'running');
        const timeouts = await Promise.all(running.map(async (id) => {
          try { return await this.engine.stopTimeout(id); } catch { return 10; /* gone: the verb says so */ }
        }));
        running.forEach((id, i) => busy.set(id, { doing: verb === 'stop' ? 'stopping' : 'restarting', killAt: Date.now() + timeouts[i] * 1000 }));
      }
      this.say(`${verb} ${names}…`);
      return containerAction(this.engine, verb, ids)
        .then((t) => { this.state.per.containers.marks.clear(); return t; })
        .finally(() => { for (const id of ids) busy.delete(id); this.schedule(); });
    };
    if (ids.length > 1 || verb === 'kill') {
      const title = { start: 'Start', stop: 'Stop', restart: 'Restart', kill: 'Kill', pause: 'Pause/unpause', remove: 'Remove' }[verb];
      this.confirm(`${title} ${ids.length > 1 ? `${ids.length} containers: ` : ''}${names}${verb === 'kill' ? ' with SIGKILL' : ''}?`, go);
      return Promise.resolve();
    }
    return go().then((t) => this.say(t));
  }

  confirm(message: string, onYes: () => Promise<string>, alt?: ConfirmAlt): void {
    this.state.mode = { kind: 'confirm', message, onYes, alt };
  }

  // ---- status line -----------------------------------------------------------

  say(text: string, error = false): void {
    this.state.message = { text, error, at: Date.now() };
    this.schedule();
  }

  /** A line in $BERTH_TUI_LOG (the screen belongs to blessed), for timings and stacks. */
  trace(line: string): void {
    if (!process.env.BERTH_TUI_LOG) return;
    try { appendFileSync(process.env.BERTH_TUI_LOG, `${new Date().toISOString()} ${line}\n`); } catch { /* best effort */ }
  }

  fail(e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    // the screen is owned by blessed: full stacks go to $BERTH_TUI_LOG when set
    this.trace(e instanceof Error ? e.stack ?? msg : msg);
    this.say(msg.split('\n')[0], true);
  }

  /** Runs fn; any throw becomes a status-line error (nothing crashes the UI). */
  safely(fn: () => void): void {
    try { fn(); } catch (e) { this.fail(e); }
  }

  private bindMouse(): void {
    const list = this.layout.list;
    list.on('click', (data: { y: number }) => this.safely(() => {
      const row = data.y - Number(list.atop) - 2; // border + header
      if (row >= 0) { this.state.focus = 'list'; this.moveTo(this.state.per[this.state.view].scroll + row); }
    }));
    list.on('wheeldown', () => this.safely(() => this.moveTo(this.cursor() + 3)));
    list.on('wheelup', () => this.safely(() => this.moveTo(this.cursor() - 3)));
    const d = this.layout.details;
    d.on('click', () => { this.state.focus = 'details'; this.schedule(); });
    d.on('wheeldown', () => this.act('details.pageDown'));
    d.on('wheelup', () => this.act('details.pageUp'));
  }
}
