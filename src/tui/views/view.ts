// What a view is: one list of one kind of thing (containers, images, volumes,
// networks…), described as data plus a few functions, so that adding a kind
// means one file here and one line in views/index.ts (lazydocker's
// networks_panel.go, k9s's registrar.go). The app, the keymap, the renderer and
// the watchers only ever go through this interface.
// Views, handlers and the renderer see the app through the narrow contexts
// below (what they may read, what they may do), never the App class: they sit
// in this file with the view interface because each names the other, and
// everything they name is below them (models, layout, state), so the TUI's
// imports form no circle, not even in types.
import type { Widgets } from 'blessed';
import type { Backend } from '../../backend/index.js';
import type { ContainerListModel } from '../model/containers.js';
import type { StatsModel } from '../model/stats.js';
import type { LogModel } from '../model/logs.js';
import type { DetailsModel, Selected } from '../model/details.js';
import type { ShellModel } from '../model/shells.js';
import type { JsonTree } from '../model/json-tree.js';
import type { ListModel } from '../model/list.js';
import type { Theme } from '../theme.js';
import type { TuiConfig } from '../config.js';
import type { Layout } from '../view/layout.js';
import type { ChartsPanel } from '../view/charts.js';
import type { ConfirmAlt, InputPurpose, Tab, UiState } from '../state.js';
import type { ContainerVerb } from '../actions.js';

export type { ListModel, Selected };

/** A view's rows as text (view/tables.ts builds it). */
/** A view's list as shown: `row(i)` is item i's line (blessed tags), made on first use —
 * a frame draws only the rows on screen, and the table is rebuilt on every stats tick. */
export interface Table<T> { header: string; row(i: number): string; items: T[]; keys: string[] }

/** What the renderer reads of the keymap (keys.ts's Keymap). */
export interface KeyLookup {
  readonly bindings: ReadonlyArray<{ action: string; keys: string[]; context: string; help: string }>;
  keysOf(action: string, context?: string): string;
  resolve(key: string, contexts: readonly string[]): { action: string; context: string } | undefined;
  helpLines(): string[];
}

/** One column. Narrow windows shrink columns toward `min` and then drop them, highest `drop` first. */
export interface Column<T> {
  title: string;
  width: number;
  /** Narrowest useful width (default: `width`, i.e. it does not shrink). */
  min?: number;
  /** 0: never dropped; higher numbers go first when the row does not fit. */
  drop: number;
  /** Takes the room the others leave. */
  flex?: boolean;
  /** The cell's plain text for a cell `w` columns wide (cut to fit by the table). */
  text(item: T, w: number, ctx: RenderCtx): string;
  /** A theme colour for the cell. */
  color?(item: T, theme: Theme): string | undefined;
  /** What sorting by this column (the < and > keys) compares (default: the text). */
  sort?(item: T, ctx: RenderCtx): string | number;
}

/** An action of this view: bound as "<view>.<name>" in the keymap, remappable by name. */
export interface ViewAction {
  keys: string[];
  help: string;
  run(ctx: ActionCtx, arg?: string): void | Promise<void>;
}

export interface View<T> {
  /** Also the keymap context of its actions. */
  name: string;
  title: string;
  /** The key that switches to it, and its `:` command names. */
  key: string;
  aliases: string[];
  /** Its list model (made once per app; rows() may reshape what it holds). */
  model(engine: Backend): ListModel<unknown>;
  /** The rows (from this view's model; a view may read other models through ctx). */
  rows(ctx: RenderCtx): T[];
  rowKey(item: T): string;
  columns: Column<T>[];
  /** The texts the `/` filter matches. */
  filterText(item: T): string[];
  /** Labels, for `label=key[=value]` filters. */
  labels?(item: T): Record<string, string>;
  tabs: readonly Tab[];
  select(item: T, engine: Backend): Selected;
  actions: Record<string, ViewAction>;
  /** Asks (confirm, saying what is affected: who uses it, what only loses a tag, what the
   * engine will refuse) and removes the given rows; `force` as the CLI's `-f`. */
  remove(ctx: ActionCtx, items: T[], force: boolean): void;
  /** docker's `<kind> prune`: what it removes (for the question), and doing it; `all`: what
   * `--all` adds, when the kind has it (images: every unused one; volumes: named ones too). */
  prune: { what: string; all?: string; run(engine: Backend, all?: boolean): Promise<string> };
  empty: string;
  /** The row's fields for custom commands' templates (config customCommands): {{.ID}},
   * {{.Name}} …, and the same under `.<kind>` as lazydocker's {{ .Container.ID }}. */
  fields?: { kind: string; of(item: T): Record<string, unknown> };
  /** Status-line hints: [action, label], "list.x" for list actions, plain names for this view's. */
  hints: Array<[string, string]>;
}

/** A view of any row type, as the list of views holds them (each view's own file is typed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyView = View<any>;

export interface RenderCtx {
  readonly engine: Backend;
  readonly state: UiState;
  readonly theme: Theme;
  readonly keymap: KeyLookup;
  readonly config: TuiConfig;
  readonly layout: Layout;
  readonly screen: Widgets.Screen;
  readonly charts: ChartsPanel;
  readonly containers: ContainerListModel;
  readonly stats: StatsModel;
  readonly logs: LogModel;
  readonly details: DetailsModel;
  readonly shells: ShellModel;
  readonly tree: JsonTree;
  /** The view shown now, and every view in order. */
  readonly view: AnyView;
  readonly views: readonly AnyView[];
  model(view: AnyView): ListModel<unknown>;
  /** The rows the list shows now (filtered, sorted). */
  readonly table: Table<unknown>;
  cursor(): number;
  selectedKey(): string | undefined;
  currentItem(): Selected | undefined;
  tabs(): readonly Tab[];
  /** The engines (embedded first), which one is shown, and why one cannot be reached. */
  engines(): Array<{ name: string; active: boolean; down?: string }>;
}

export interface ActionCtx extends RenderCtx {
  schedule(): void;
  say(text: string, error?: boolean): void;
  fail(e: unknown): void;
  act(name: string, arg?: string): void;
  quit(): void;
  moveTo(index: number): void;
  setView(name: string): void;
  setTab(tab: Tab): void;
  /** Opens (or keeps) the logs of a container in the logs tab. */
  openLogs(id: string): void;
  selectionChanged(): void;
  /** Targets of a bulk action: the marked rows, else the selected one (keys, and their items). */
  targets(): string[];
  targetItems<T>(): T[];
  /** A yes/no question (a message of several lines is a list of what is affected); `alt`: a
   * third answer on its own key (prune's "all unused"). */
  confirm(message: string, onYes: () => Promise<string>, alt?: ConfirmAlt): void;
  startInput(purpose: InputPurpose, label: string, initial?: string): void;
  /** A one-line question in the prompt; Enter hands the answer to `onSubmit`, Esc drops it. */
  ask(label: string, onSubmit: (value: string) => void | Promise<void>): void;
  pull(ref: string): void;
  openRunForm(image: string): void;
  openShell(): void;
  /** Attaches a pane to the selected container's main process (docker attach). */
  openAttach(): void;
  /** The custom commands of this view (config), as a menu; one runs on the selected row. */
  customCommands(): void;
  /** The open panes (shells, attachments, custom commands) as a menu; enter goes into one. */
  paneList(): void;
  /** Into the next open pane after the one shown last. */
  nextPane(): void;
  containerVerb(verb: ContainerVerb): Promise<void>;
  toggleMouse(): void;
  /** Shows the next engine, or the one named. */
  switchEngine(name?: string): void;
  setTheme(name: string): void;
  /** Keeps the theme shown now in the config file. */
  saveTheme(): void;
}
