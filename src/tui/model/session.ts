// One engine as the workstation holds it: its models (lists, stats histories,
// the followed log, open shells), the watchers that keep them current, whether
// it can be reached, and the UI state (view, tab, selection, filters, log
// settings) it had when another engine was shown. Every engine's session lives
// for the whole run, so switching away and back loses nothing: charts keep
// filling, logs keep following, shells keep running.
import type { Backend } from '../../backend/index.js';
import type { UiState } from '../state.js';
import { ContainerListModel } from './containers.js';
import { DetailsModel } from './details.js';
import type { ListModel } from './list.js';
import { LogModel } from './logs.js';
import { ShellModel } from './shells.js';
import { StatsModel } from './stats.js';

/** The parts of the UI state that belong to one engine (its IDs mean nothing to another). */
export type EngineUiState = Pick<UiState, 'view' | 'focus' | 'per' | 'tab' | 'log' | 'logOf' | 'logPrefs' | 'inspectCursor' | 'detailsScroll' | 'hideStopped'>;

export const ENGINE_UI_KEYS: ReadonlyArray<keyof EngineUiState> = ['view', 'focus', 'per', 'tab', 'log', 'logOf', 'logPrefs', 'inspectCursor', 'detailsScroll', 'hideStopped'];

export class EngineSession {
  /** Each view's list model, by view name. */
  readonly models = new Map<string, ListModel<unknown>>();
  readonly containers: ContainerListModel;
  readonly stats: StatsModel;
  readonly logs: LogModel;
  readonly details: DetailsModel;
  readonly shells: ShellModel;
  /** Why the engine cannot be reached now (undefined: it can, or it was not tried yet). */
  down?: string;
  /** Its lists were read at least once. */
  loaded = false;
  /** Its UI state while another engine is shown (undefined: never shown yet). */
  saved?: EngineUiState;

  constructor(readonly engine: Backend, views: ReadonlyArray<{ name: string; model(engine: Backend): ListModel<unknown> }>) {
    for (const v of views) this.models.set(v.name, v.model(engine));
    this.containers = this.models.get('containers') as ContainerListModel;
    this.stats = new StatsModel(engine.stats());
    this.logs = new LogModel(engine);
    this.details = new DetailsModel(engine);
    this.shells = new ShellModel(engine);
  }

  get name(): string { return this.engine.name; }

  /** Reads every list (an endpoint's first read, and again after a reconnect): the containers
   * first (`listed` is told), then the others together. */
  async loadAll(listed?: () => void): Promise<void> {
    await this.containers.loadAll();
    listed?.();
    await Promise.all([...this.models.values()].filter((m) => m !== this.containers).map((m) => m.load()));
    this.loaded = true;
  }

  close(): void {
    this.logs.close();
    this.shells.closeAll();
    this.stats.close();
    this.engine.close();
  }
}
