// The workstation's UI state (which view, what is selected, filters, marks,
// the open overlay): plain data, read by the renderer and changed by the key
// handlers. Models hold what the engine says; this holds what the user did.
import type { LineInput } from './view/line-input.js';
import type { LogViewState } from './view/details-text.js';
import type { RunFields } from './model/run-spec.js';
import type { PullProgress } from './actions.js';

/** A view's name (views/index.ts lists them). */
export type ViewName = string;

/** Details tabs ("shell": the container's shell pane, see model/shells.ts). */
/** Details tabs ("output": a text the row makes as it runs, a build's progress). */
export type Tab = 'logs' | 'stats' | 'inspect' | 'top' | 'env' | 'mounts' | 'shell' | 'output';
export const CONTAINER_TABS: readonly Tab[] = ['logs', 'stats', 'inspect', 'top', 'env', 'mounts', 'shell'];

/** 'ask': a view's own question (its answer goes to `onSubmit`). */
export type InputPurpose = 'filter' | 'search' | 'command' | 'pull' | 'save' | 'ask';

export type Mode =
  | { kind: 'normal' }
  | { kind: 'input'; purpose: InputPurpose; input: LineInput; label: string; before: string; onSubmit?: (value: string) => void }
  | { kind: 'confirm'; message: string; onYes: () => Promise<string>; alt?: ConfirmAlt }
  | { kind: 'help'; scroll: number }
  | { kind: 'form'; fields: RunFields; inputs: LineInput[]; index: number; error?: string }
  | { kind: 'pull'; progress: PullProgress }
  /** Keys go to this pane (model/shells.ts: a shell, an attachment, a custom command) until
   * the leave key; the details area draws it whatever the tab. */
  | { kind: 'shell'; key: string }
  /** A short list to pick from (custom commands, open panes): j/k or a digit, enter runs. */
  | { kind: 'menu'; title: string; items: MenuItem[]; index: number; empty: string };

export interface MenuItem { label: string; hint?: string; run(): void }

/** A confirm dialog's third answer: its key, what it says, what it does. */
export interface ConfirmAlt { key: string; label: string; onYes: () => Promise<string> }

export interface PerView {
  filter: string;
  /** Key of the selected row (container ID, "imageId tag", volume name). */
  selected?: string;
  scroll: number;
  marks: Set<string>;
  /** Sorted by this column (an index into the view's columns), else the model's order. */
  sort?: { col: number; desc: boolean };
}

export type LogPrefs = Pick<LogViewState, 'timestamps' | 'wrap' | 'query' | 'window'>;
export const DEFAULT_LOG_PREFS: LogPrefs = { timestamps: false, wrap: false, query: '', window: 'tail' };

export interface UiState {
  view: ViewName;
  focus: 'list' | 'details';
  per: Record<ViewName, PerView>;
  tab: Tab;
  mode: Mode;
  log: LogViewState;
  /** The container whose log settings `log` holds, and every other container's, kept when
   * the logs tab moves to another container (timestamps, wrap, search, window are its own). */
  logOf?: string;
  logPrefs: Map<string, LogPrefs>;
  inspectCursor: number;
  /** First shown line of the scrolling text tabs (inspect, top, env, mounts). */
  detailsScroll: number;
  message: { text: string; error: boolean; at: number };
  mouse: boolean;
  /** Containers view: stopped containers hidden. */
  hideStopped: boolean;
  /** The pane entered last (model/shells.ts key): the cycling key goes on from it. */
  lastPane?: string;
  /** Containers a verb of ours is working on (stop, restart): what it is doing and when the
   * engine sends SIGKILL (ms since the epoch), so the wait is a countdown, not a frozen row. */
  busy: Map<string, Busy>;
}

export interface Busy { doing: 'stopping' | 'restarting'; killAt: number }

export function initialState(views: readonly ViewName[], mouse: boolean): UiState {
  const pv = (): PerView => ({ filter: '', scroll: 0, marks: new Set() });
  return {
    view: 'containers',
    focus: 'list',
    per: Object.fromEntries(views.map((v) => [v, pv()])),
    tab: 'logs',
    mode: { kind: 'normal' },
    log: { follow: true, top: 0, ...DEFAULT_LOG_PREFS },
    logPrefs: new Map(),
    inspectCursor: 0,
    detailsScroll: 0,
    message: { text: '', error: false, at: 0 },
    mouse,
    hideStopped: false,
    busy: new Map(),
  };
}
