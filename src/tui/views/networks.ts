// The networks view: `docker network ls` with each network's subnet, gateway
// and attached containers; inspect JSON in the details; create, remove and prune
// as `network create/rm/prune` (the engine refuses to remove a network in use).
import type { NetworkItem } from '../../backend/index.js';
import { compareText } from '../../engine/compare.js';
import { LoadedList } from '../model/list.js';
import { names } from '../view/text.js';
import type { View } from './view.js';

const cfg = (n: NetworkItem) => n.IPAM.Config[0];
const attached = (n: NetworkItem): string[] => Object.values(n.Containers).map((e) => e.Name);

export const networksView: View<NetworkItem> = {
  name: 'networks',
  title: 'Networks',
  key: '4',
  aliases: ['networks', 'net', 'ne'],
  model: (engine) => new LoadedList<NetworkItem>({
    read: async () => (await engine.networks.list()).sort((a, b) => compareText(a.Name, b.Name)),
    // create/destroy/connect/disconnect are all network events
    staleOn: (ev) => ev.type === 'network',
  }),
  rows: (ctx) => ctx.model(networksView).all() as NetworkItem[],
  rowKey: (n) => n.Id,
  columns: [
    { title: 'NAME', width: 20, min: 10, drop: 0, text: (n) => n.Name },
    { title: 'DRIVER', width: 8, drop: 3, text: (n) => n.Driver },
    { title: 'SUBNET', width: 18, min: 14, drop: 1, text: (n) => cfg(n)?.Subnet ?? '' },
    { title: 'GATEWAY', width: 15, drop: 2, text: (n) => cfg(n)?.Gateway ?? '' },
    {
      title: 'CONTAINERS', width: 20, min: 8, drop: 4, flex: true,
      text: (n) => { const c = attached(n); return c.length ? `${c.length}: ${c.join(', ')}` : '-'; },
      sort: (n) => attached(n).length,
    },
  ],
  filterText: (n) => [n.Name, n.Id.slice(0, 12), cfg(n)?.Subnet ?? ''],
  labels: (n) => n.Labels,
  tabs: ['inspect'],
  select: (n, engine) => ({ kind: 'network', id: n.Id, name: n.Name, inspect: async () => (await engine.networks.get(n.Id)) as Record<string, unknown> }),
  actions: {
    create: {
      keys: ['n'], help: 'create a network (NAME, optionally a SUBNET after it)',
      run: (ctx) => ctx.ask('new network (NAME [SUBNET]): ', async (v) => {
        const [name, subnet, ...rest] = v.split(/\s+/).filter(Boolean);
        if (!name || rest.length) return ctx.say('give a name and at most a subnet, e.g. "web 10.10.0.0/24"', true);
        const n = await ctx.engine.createNetwork({ name, subnet });
        ctx.say(`created network ${n.Name} (${cfg(n)?.Subnet ?? 'no subnet'})`);
      }),
    },
  },
  remove(ctx, nets, force) {
    const lines = [`${force ? 'Force-remove' : 'Remove'} network${nets.length > 1 ? 's' : ''} ${nets.map((n) => n.Name).join(', ')}?`];
    for (const n of nets) {
      const a = attached(n);
      if (n.Name === 'bridge') lines.push(`${n.Name}: the default network: refused (docker's is pre-defined)`);
      else if (a.length) lines.push(`${n.Name}: ${a.length} endpoint${a.length === 1 ? '' : 's'} (${names(a)}): refused, even with -f — disconnect or remove them first`);
    }
    ctx.confirm(lines.join('\n'), async () => {
      const errors: string[] = [];
      for (const n of nets) {
        try { await ctx.engine.removeNetwork(n.Id, { force }); } catch (e) { errors.push((e as Error).message); }
      }
      ctx.state.per.networks.marks.clear();
      if (errors.length) throw new Error(errors.join('; '));
      return `removed ${nets.length} network${nets.length === 1 ? '' : 's'}`;
    });
  },
  prune: {
    what: 'unused networks',
    async run(engine) {
      const gone = await engine.pruneNetworks();
      return `pruned ${gone.length} unused network${gone.length === 1 ? '' : 's'}${gone.length ? `: ${gone.join(', ')}` : ''}`;
    },
  },
  fields: { kind: 'Network', of: (n) => ({ ID: n.Id, Name: n.Name, Driver: n.Driver, Subnet: cfg(n)?.Subnet ?? '', Labels: n.Labels }) },
  empty: 'no networks: the default "bridge" appears with the first container on it',
  hints: [['create', 'create'], ['list.remove', 'remove'], ['list.prune', 'prune']],
};
