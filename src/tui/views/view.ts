// What a view is: one list of one kind of thing (containers, images, volumes,
// networks…), described as data plus a few functions, so that adding a kind
// means one file here and one line in views/index.ts (lazydocker's
// networks_panel.go, k9s's registrar.go). The app, the keymap, the renderer and
// the watchers only ever go through this interface.
import type { Engine } from '../../engine/index.js';
import type { EngineEvent } from '../../engine/events/index.js';
import type { Layout as DiskLayout } from '../../engine/store/layout.js';
import type { Theme } from '../theme.js';
import type { Tab } from '../state.js';
import type { Emitter } from '../model/emitter.js';
import type { ActionCtx, RenderCtx } from '../context.js';

/** A list the view draws, kept current by the watchers (never re-listed on a timer). */
export interface ListModel<T> {
  readonly changed: Pick<Emitter<unknown>, 'onError'> & { on(listener: () => void): unknown };
  load(): void | Promise<void>;
  all(): T[];
  /** An engine event that makes this list stale (reloaded, debounced). */
  staleOn?(ev: EngineEvent): boolean;
  /** A directory whose changes (to files `want` accepts) make it stale. */
  watchDir?(layout: DiskLayout): { dir: string; want(file: string): boolean };
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
  /** What shift+column sorts by (default: the text). */
  sort?(item: T, ctx: RenderCtx): string | number;
}

/** An action of this view: bound as "<view>.<name>" in the keymap, remappable by name. */
export interface ViewAction {
  keys: string[];
  help: string;
  run(ctx: ActionCtx, arg?: string): void | Promise<void>;
}

/** What the details area shows for a row: its inspect document, and whether it is a container. */
export interface Selected {
  kind: string;
  id: string;
  name: string;
  inspect(): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface View<T> {
  /** Also the keymap context of its actions. */
  name: string;
  title: string;
  /** The key that switches to it, and its `:` command names. */
  key: string;
  aliases: string[];
  /** Its list model (made once per app; rows() may reshape what it holds). */
  model(engine: Engine): ListModel<unknown>;
  /** The rows (from this view's model; a view may read other models through ctx). */
  rows(ctx: RenderCtx): T[];
  rowKey(item: T): string;
  columns: Column<T>[];
  /** The texts the `/` filter matches. */
  filterText(item: T): string[];
  /** Labels, for `label=key[=value]` filters. */
  labels?(item: T): Record<string, string>;
  tabs: readonly Tab[];
  select(item: T, engine: Engine): Selected;
  actions: Record<string, ViewAction>;
  /** Asks (confirm) and removes the given rows. */
  remove(ctx: ActionCtx, items: T[]): void;
  /** docker's `<kind> prune`: what it removes (for the question), and doing it. */
  prune: { what: string; run(engine: Engine): Promise<string> };
  empty: string;
  /** Status-line hints: [action, label], "list.x" for list actions, plain names for this view's. */
  hints: Array<[string, string]>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyView = View<any>;
