// The volumes view: sizes and the containers that mount each. Sizes cost a du
// walk per volume, so the list is re-read only when the volumes directory or a
// container's create/destroy changes something, never on a timer.
import type { VolumeItem } from '../../backend/index.js';
import { compareText } from '../../engine/compare.js';
import { LoadedList } from '../model/list.js';
import { removeVolumes } from '../actions.js';
import { names, size } from '../view/text.js';
import type { View } from './view.js';

export const volumesView: View<VolumeItem> = {
  name: 'volumes',
  title: 'Volumes',
  key: '3',
  aliases: ['volumes', 'vol', 'vo'],
  model: (engine) => new LoadedList<VolumeItem>({
    read: async () => (await engine.volumes.report()).sort((a, b) => compareText(a.name, b.name)),
    // a container's create/destroy changes who uses a volume
    staleOn: (ev) => ev.type === 'volume' || (ev.type === 'container' && (ev.action === 'create' || ev.action === 'destroy')),
    watchDir: (layout) => ({ dir: layout.volumesDir, want: (f) => !f.startsWith('.') }),
  }),
  rows: (ctx) => ctx.model(volumesView).all() as VolumeItem[],
  rowKey: (v) => v.name,
  columns: [
    { title: 'NAME', width: 40, min: 16, drop: 0, text: (v) => v.name },
    { title: 'SIZE', width: 10, min: 8, drop: 1, text: (v) => (v.size < 0 ? '-' : size(v.size)), sort: (v) => v.size },
    { title: 'KIND', width: 12, min: 9, drop: 2, text: (v) => (v.anonymous ? 'anonymous' : 'named') },
    {
      title: 'USED BY', width: 30, min: 8, drop: 3, flex: true,
      text: (v, _w, ctx) => (v.containers.length ? v.containers.map((id) => ctx.containers.get(id)?.name ?? id.slice(0, 12)).join(', ') : '-'),
      sort: (v) => v.containers.length,
    },
  ],
  filterText: (v) => [v.name],
  labels: (v) => v.labels,
  tabs: ['inspect'],
  select: (v, engine) => ({ kind: 'volume', id: v.name, name: v.name, inspect: async () => (await engine.volumes.get(v.name)) as Record<string, unknown> }),
  actions: {
    create: {
      keys: ['n'], help: 'create a volume (empty name: a random one, as docker volume create)',
      run: (ctx) => ctx.ask('new volume name (empty: random): ', async (v) => {
        const vol = await ctx.engine.volumes.create({ name: v || undefined });
        ctx.say(`created volume ${vol.Name}`);
      }),
    },
  },
  remove(ctx, vols, force) {
    const all = vols.map((v) => v.name);
    const lines = [`${force ? 'Force-remove' : 'Remove'} volume${all.length > 1 ? 's' : ''} ${all.join(', ')}?`];
    for (const v of vols.filter((x) => x.containers.length)) {
      // docker refuses a volume in use, -f or not (-f only ignores a missing one)
      lines.push(`${v.name}: in use by ${names(v.containers.map((id) => ctx.containers.get(id)?.name ?? id.slice(0, 12)))}: refused, even with -f`);
    }
    ctx.confirm(lines.join('\n'), () => removeVolumes(ctx.engine, all, force).then((r) => { ctx.state.per.volumes.marks.clear(); return r; }));
  },
  prune: {
    what: 'unused anonymous volumes',
    all: 'unused named volumes',
    async run(engine, all) {
      const r = await engine.pruneVolumes({ all });
      return `pruned ${r.deleted.length} unused volume${r.deleted.length === 1 ? '' : 's'} (${r.reclaimed} bytes)`;
    },
  },
  fields: { kind: 'Volume', of: (v) => ({ Name: v.name, Driver: v.driver, Mountpoint: v.mountpoint, Labels: v.labels }) },
  empty: 'no volumes',
  hints: [['create', 'create'], ['list.remove', 'remove'], ['list.prune', 'prune']],
};
