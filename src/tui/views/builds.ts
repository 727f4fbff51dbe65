// The builds view: `b` starts `docker build` on a directory (a prompt for the
// path, then the tag), the output tab follows its steps as they run (drawn
// here from the engine's BuildProgress port, in BuildKit's plain form as
// `berth build` prints it), and the list keeps this session's builds with
// their result. The image a build makes appears in the images view by itself
// (the images model watches the store). Builds live as long as the
// workstation: they are runs of a command, not objects the engine keeps.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Backend } from '../../backend/index.js';
import type { Engine } from '../../engine/index.js';
import type { BuildProgress } from '../../engine/build/index.js';
import { shortId } from '../../engine/image/index.js';
import { Emitter } from '../model/emitter.js';
import type { ListModel } from '../model/list.js';
import type { View } from './view.js';

export interface BuildRun {
  n: number;
  context: string;
  tag: string;
  state: 'building' | 'done' | 'failed' | 'cancelled';
  /** The step running now (its `#N name`), or the last one. */
  step: string;
  lines: string[];
  started: number;
  ended?: number;
  imageId?: string;
  error?: string;
  abort: AbortController;
}

/** Output kept per build: the newest lines (a chatty RUN must not grow the TUI without bound). */
const KEEP = 5000;

export class BuildList implements ListModel<BuildRun> {
  private readonly runs: BuildRun[] = [];
  readonly changed = new Emitter<void>();
  constructor(private readonly backend: Backend) {}
  load(): void { this.changed.emit(); }
  /** Newest first. */
  all(): BuildRun[] { return this.runs; }

  start(dir: string, tag: string): BuildRun {
    const run: BuildRun = {
      n: (this.runs[0]?.n ?? 0) + 1, context: dir, tag, state: 'building', step: 'starting', lines: [], started: Date.now(), abort: new AbortController(),
    };
    this.runs.unshift(run);
    const add = (line: string): void => {
      run.lines.push(line);
      if (run.lines.length > KEEP) run.lines.splice(0, run.lines.length - KEEP);
      this.changed.emit();
    };
    const startedAt = new Map<number, number>();
    const secs = (id: number): string => ((Date.now() - (startedAt.get(id) ?? Date.now())) / 1000).toFixed(1);
    const progress: BuildProgress = {
      start: (id, name) => { startedAt.set(id, Date.now()); run.step = `#${id} ${name}`; add(`#${id} ${name}`); },
      output: (id, data) => { for (const l of data.toString('utf8').replace(/\n$/, '').split('\n')) add(`#${id} ${secs(id)} ${l}`); },
      cached: (id) => { startedAt.delete(id); add(`#${id} CACHED`); },
      done: (id) => { if (startedAt.has(id)) add(`#${id} DONE ${secs(id)}s`); startedAt.delete(id); },
      error: (id, message) => { add(`#${id} ERROR: ${message}`); startedAt.delete(id); },
    };
    this.changed.emit();
    const engine = this.backend.embedded;
    if (!engine) throw new Error(`build is unavailable on ${this.backend.name}: berth builds with its embedded engine`);
    void engine.build({ context: dir, tags: tag ? [tag] : undefined, progress, signal: run.abort.signal }).then(({ image, tags }) => {
      run.state = 'done';
      run.imageId = image.id;
      add(`writing image ${image.id} done`);
      for (const t of tags) add(`naming to ${t} done`);
    }, (e: Error) => {
      run.state = run.abort.signal.aborted ? 'cancelled' : 'failed';
      run.error = e.message;
      add(`${run.state === 'cancelled' ? 'cancelled' : 'ERROR'}: ${e.message}`);
    }).finally(() => { run.ended = Date.now(); this.changed.emit(); });
    return run;
  }

  forget(runs: BuildRun[]): void {
    for (const r of runs) {
      const i = this.runs.indexOf(r);
      if (i >= 0 && r.state !== 'building') this.runs.splice(i, 1);
    }
    this.changed.emit();
  }
}

const took = (r: BuildRun): string => `${(((r.ended ?? Date.now()) - r.started) / 1000).toFixed(1)}s`;
const builds = (ctx: { model(v: View<BuildRun>): ListModel<unknown> }): BuildList => ctx.model(buildsView) as BuildList;

export const buildsView: View<BuildRun> = {
  name: 'builds',
  title: 'Builds',
  key: '5',
  aliases: ['builds', 'build', 'bu'],
  model: (engine) => new BuildList(engine),
  rows: (ctx) => builds(ctx).all(),
  rowKey: (r) => String(r.n),
  columns: [
    { title: '#', width: 4, drop: 2, text: (r) => String(r.n), sort: (r) => r.n },
    { title: 'TAG', width: 24, min: 10, drop: 0, text: (r) => r.tag || '<none>' },
    {
      title: 'STATE', width: 10, min: 8, drop: 0, text: (r) => r.state,
      color: (r, t) => (r.state === 'failed' ? t.error : r.state === 'done' ? t.state.running : r.state === 'building' ? t.title : t.dim),
    },
    { title: 'TIME', width: 8, drop: 3, text: took },
    { title: 'IMAGE ID', width: 12, drop: 4, text: (r) => (r.imageId ? shortId(r.imageId) : '') },
    { title: 'STEP / RESULT', width: 30, min: 12, drop: 1, flex: true, text: (r) => (r.state === 'building' ? r.step : r.error ?? (r.imageId ? `built ${r.tag || shortId(r.imageId)}` : '')) },
    { title: 'CONTEXT', width: 30, min: 10, drop: 5, text: (r) => r.context },
  ],
  filterText: (r) => [r.tag, r.context, r.state],
  tabs: ['output', 'inspect'],
  select: (r) => ({
    kind: 'build', id: String(r.n), name: `build #${r.n}${r.tag ? ` ${r.tag}` : ''}`,
    inspect: () => ({ Context: r.context, Tag: r.tag, State: r.state, Started: new Date(r.started).toISOString(), Took: took(r), ImageID: r.imageId ?? null, Error: r.error ?? null }),
    output: () => r.lines,
  }),
  actions: {
    build: {
      keys: ['b'], help: 'build an image from a directory with a Dockerfile (asks for the path, then the tag)',
      run: (ctx) => ctx.ask('build context directory: ', (dir) => {
        if (!dir) return ctx.say('no directory given: nothing built', true);
        const path = resolve(dir.replace(/^~(?=\/|$)/, process.env.HOME || homedir()));
        ctx.ask(`tag for ${path} (empty: none): `, (tag) => {
          const r = builds(ctx).start(path, tag);
          ctx.state.per.builds.selected = String(r.n);
          ctx.setTab('output');
          ctx.selectionChanged();
          ctx.say(`building ${path}${tag ? ` as ${tag}` : ''}…`);
        });
      }),
    },
  },
  remove(ctx, runs) {
    const running = runs.filter((r) => r.state === 'building');
    if (running.length) {
      ctx.confirm(`Cancel build${running.length > 1 ? 's' : ''} ${running.map((r) => `#${r.n}`).join(', ')}?`, async () => {
        for (const r of running) r.abort.abort();
        return `cancelling ${running.length} build${running.length === 1 ? '' : 's'}`;
      });
      return;
    }
    builds(ctx).forget(runs);
    ctx.state.per.builds.marks.clear();
    ctx.say(`removed ${runs.length} finished build${runs.length === 1 ? '' : 's'} from the list (their images stay)`);
  },
  prune: {
    what: 'the build cache (docker builder prune)',
    async run(backend) {
      if (!backend.embedded) throw new Error(`the build cache is berth's own: unavailable on ${backend.name}`);
      const r = await backend.embedded.pruneBuildCache();
      return `pruned ${r.deleted.length} build cache object${r.deleted.length === 1 ? '' : 's'} (${r.reclaimed} bytes)`;
    },
  },
  empty: 'no builds yet: b builds a directory with a Dockerfile',
  hints: [['build', 'build'], ['list.remove', 'cancel/forget'], ['list.prune', 'prune cache']],
};
