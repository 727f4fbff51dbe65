// The containers view: every container (newest first, as `ps -a`), with a CPU
// sparkline and memory from the sampler, and the verbs of `berth container`.
import type { ContainerSummary } from '../../engine/container/index.js';
import type { Theme } from '../theme.js';
import { CONTAINER_TABS } from '../state.js';
import { ContainerListModel } from '../model/containers.js';
import { containerAction } from '../actions.js';
import { cell, killIn, names, since, size, sparkline } from '../view/text.js';
import { displayPorts } from '../../engine/network/index.js';
import type { RenderCtx, View } from './view.js';

/** k9s's AGE form ("51s", "12m", "3h", "5d") for a narrow column. */
function shortAge(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
}

const live = (c: ContainerSummary): boolean => c.state === 'running' || c.state === 'paused';
const sample = (c: ContainerSummary, ctx: RenderCtx) => {
  const h = ctx.stats.history(c.id);
  return live(c) && h?.latest?.running ? h : undefined;
};

export const containersView: View<ContainerSummary> = {
  name: 'containers',
  title: 'Containers',
  key: '1',
  aliases: ['containers', 'co', 'ps'],
  model: (engine) => new ContainerListModel(engine),
  rows: (ctx) => (ctx.state.hideStopped ? ctx.containers.all().filter(live) : ctx.containers.all()),
  rowKey: (c) => c.id,
  columns: [
    { title: 'NAME', width: 20, min: 12, drop: 0, text: (c) => c.name },
    { title: 'IMAGE', width: 20, min: 10, drop: 3, text: (c) => c.image },
    {
      title: 'STATE', width: 8, min: 7, drop: 0,
      text: (c, _w, ctx) => ctx.state.busy.get(c.id)?.doing ?? (c.oomKilled && c.state === 'exited' ? 'OOM' : c.state),
      color: (c, t: Theme) => (c.oomKilled && c.state === 'exited' ? t.error : t.state[c.state as keyof Theme['state']] ?? t.fg),
    },
    {
      title: 'UPTIME', width: 14, min: 7, drop: 2,
      text: (c, w, ctx) => {
        const b = ctx.state.busy.get(c.id);
        if (b) return w >= 14 ? killIn(b.killAt) : killIn(b.killAt).replace('SIGKILL in ', 'kill ');
        // an API's list has no start time, only docker's words ("Up 5 minutes"): those are shown
        if (live(c)) return !c.startedAt ? c.status.replace(/^Up /, '').replace(/ \(.*\)$/, '') : w >= 14 ? since(c.startedAt) : shortAge(c.startedAt);
        if (c.state !== 'exited') return '';
        return c.oomKilled ? (w >= 14 ? `OOM-killed ${c.exitCode ?? 137}` : `OOM ${c.exitCode ?? 137}`) : `exit ${c.exitCode ?? '?'}`;
      },
      sort: (c) => (live(c) && c.startedAt ? -Date.parse(c.startedAt) : Number.MAX_SAFE_INTEGER),
    },
    {
      // a sparkline of the last samples when there is room, the percentage always
      title: 'CPU %', width: 17, min: 5, drop: 1, color: (_c, t) => t.chart.cpu,
      text: (c, w, ctx) => {
        const h = sample(c, ctx);
        if (!h) return '';
        const pct = h.latest!.cpu?.percent.toFixed(1) ?? '-';
        return w >= 12 ? `${sparkline(h.recentCpu.toArray(), w - 7)} ${cell(pct, 6)}` : pct;
      },
      sort: (c, ctx) => sample(c, ctx)?.latest?.cpu?.percent ?? -1,
    },
    {
      title: 'MEM', width: 9, min: 7, drop: 1,
      text: (c, _w, ctx) => { const m = sample(c, ctx)?.latest?.memory; return m ? size(m.used) : ''; },
      sort: (c, ctx) => sample(c, ctx)?.latest?.memory?.used ?? -1,
    },
    { title: 'NETWORKS', width: 14, min: 8, drop: 4, flex: true, text: (c) => c.networks.join(',') },
    // as ps's PORTS; the first column to go when the window is narrow
    { title: 'PORTS', width: 26, min: 12, drop: 5, text: (c) => displayPorts(c.ports) },
  ],
  filterText: (c) => [c.name, c.image, c.state, c.id.slice(0, 12)],
  labels: (c) => c.labels,
  tabs: CONTAINER_TABS,
  select: (c, engine) => ({ kind: 'container', id: c.id, name: c.name, inspect: async () => engine.containers.inspect(c.id) }),
  actions: {
    logs: { keys: ['l'], help: 'logs of the container', run: (ctx) => { if (ctx.selectedKey()) { ctx.setTab('logs'); ctx.state.focus = 'details'; } } },
    stop: { keys: ['s'], help: 'stop (marked or selected)', run: (ctx) => ctx.containerVerb('stop') },
    start: { keys: ['S'], help: 'start (marked or selected)', run: (ctx) => ctx.containerVerb('start') },
    restart: { keys: ['r'], help: 'restart (marked or selected)', run: (ctx) => ctx.containerVerb('restart') },
    kill: { keys: ['K'], help: 'kill with SIGKILL (confirm)', run: (ctx) => ctx.containerVerb('kill') },
    pause: { keys: ['p'], help: 'pause / unpause', run: (ctx) => ctx.containerVerb('pause') },
    shell: { keys: ['e'], help: 'shell in the container (opens one, or returns to it)', run: (ctx) => ctx.openShell() },
    attach: { keys: ['a'], help: "attach to the container's main process (docker attach; ctrl-p ctrl-q detaches, the container runs on)", run: (ctx) => ctx.openAttach() },
    all: {
      keys: ['A'], help: 'hide / show stopped containers (ps / ps -a)',
      run: (ctx) => {
        ctx.state.hideStopped = !ctx.state.hideStopped;
        ctx.selectionChanged();
        ctx.say(ctx.state.hideStopped ? 'stopped containers hidden (A shows them)' : 'all containers shown');
      },
    },
    stats: { keys: ['c'], help: 'CPU, memory, network and block I/O charts', run: (ctx) => { if (ctx.selectedKey()) { ctx.setTab('stats'); ctx.state.focus = 'details'; } } },
  },
  remove(ctx, items, force) {
    const running = items.filter(live).map((c) => c.name);
    const ids = items.map((c) => c.id);
    const lines = [`${force ? 'Force-remove' : 'Remove'} ${items.length > 1 ? `${items.length} containers: ` : ''}${names(items.map((c) => c.name))}?`];
    if (running.length) {
      lines.push(force ? `running, will be killed: ${names(running)}`
        : `running: ${names(running)} — refused, as rm without -f (${ctx.keymap.keysOf('forceRemove', 'list') || 'D'} kills and removes)`);
    }
    ctx.confirm(lines.join('\n'),
      () => containerAction(ctx.engine, 'remove', ids, { force }).then((r) => { ctx.state.per.containers.marks.clear(); return r; }));
  },
  prune: {
    what: 'all stopped containers',
    async run(engine) {
      const { deleted } = await engine.containers.prune();
      return `pruned ${deleted.length} stopped container${deleted.length === 1 ? '' : 's'}`;
    },
  },
  fields: {
    kind: 'Container',
    of: (c) => ({ ID: c.id, Name: c.name, Image: c.image, State: c.state, Labels: c.labels, Networks: c.networks }),
  },
  empty: 'no containers: 2 → images, r on an image runs one',
  hints: [['list.filter', 'filter'], ['logs', 'logs'], ['stats', 'stats'], ['stop', 'stop'], ['list.remove', 'remove'], ['list.mark', 'mark']],
};
