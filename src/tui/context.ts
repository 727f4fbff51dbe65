// The narrow faces of the app that handlers, views and the renderer see: what
// they may read (RenderCtx) and what they may do (ActionCtx). They import these
// interfaces, never the App class, so app.ts → handlers/render/views is a line,
// not a circle.
import type { Widgets } from 'blessed';
import type { Engine } from '../engine/index.js';
import type { ContainerListModel } from './model/containers.js';
import type { StatsModel } from './model/stats.js';
import type { LogModel } from './model/logs.js';
import type { DetailsModel } from './model/details.js';
import type { ShellModel } from './model/shells.js';
import type { JsonTree } from './model/json-tree.js';
import type { Keymap } from './keys.js';
import type { Theme } from './theme.js';
import type { Layout } from './view/layout.js';
import type { ChartsPanel } from './view/charts.js';
import type { Table } from './view/tables.js';
import type { AnyView, ListModel, Selected } from './views/view.js';
import type { InputPurpose, Tab, UiState } from './state.js';
import type { ContainerVerb } from './actions.js';

export interface RenderCtx {
  readonly engine: Engine;
  readonly state: UiState;
  readonly theme: Theme;
  readonly keymap: Keymap;
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
  selectionChanged(): void;
  /** Targets of a bulk action: the marked rows, else the selected one (keys, and their items). */
  targets(): string[];
  targetItems<T>(): T[];
  confirm(message: string, onYes: () => Promise<string>): void;
  startInput(purpose: InputPurpose, label: string, initial?: string): void;
  pull(ref: string): void;
  openRunForm(image: string): void;
  openShell(): void;
  containerVerb(verb: ContainerVerb): Promise<void>;
  toggleMouse(): void;
  setTheme(name: string): void;
}
