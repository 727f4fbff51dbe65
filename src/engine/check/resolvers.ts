// Resolver checks: a network's resolver process that outlived its network's
// last endpoint (or the network), and a user-defined network with running
// containers whose resolver is gone (it crashed, or was killed): their names
// and forwarded lookups fail until it runs again.
import type { Layout } from '../store/layout.js';
import {
  NetworkStore, ensureResolver, killResolver, resolverProcesses, resolvesNames, runningResolver, stopIdleResolver,
} from '../network/index.js';
import type { Finding } from './types.js';

export function checkResolvers(layout: Layout): Finding[] {
  const store = new NetworkStore(layout);
  const nets = store.list();
  const out: Finding[] = [];
  for (const p of resolverProcesses(layout)) {
    const n = nets.find((x) => x.Id === p.networkId);
    const idle = !n || Object.keys(n.Containers).length === 0;
    const extra = n && runningResolver(layout, n.Id) !== p.pid;
    if (!idle && !extra) continue;
    out.push({
      what: `DNS resolver ${p.pid} of network ${n?.Name ?? p.networkId.slice(0, 12)}`,
      problem: !n ? 'runs for a network that no longer exists' : idle ? 'runs for a network no container is on' : 'runs beside the network\'s recorded resolver',
      repair: {
        says: 'stopped it',
        run: async () => {
          // an idle one under the resolver lock (a start may be bringing the network back to use)
          if (idle && n) await stopIdleResolver(layout, n.Id, () => store.list());
          else await killResolver(p.pid);
          return true;
        },
      },
    });
  }
  for (const n of nets.filter((x) => resolvesNames(x) && Object.keys(x.Containers).length > 0)) {
    if (runningResolver(layout, n.Id) !== undefined) continue;
    out.push({
      what: `network ${n.Name}`,
      problem: 'its containers run but its DNS resolver does not: their names do not resolve',
      repair: {
        says: 'started its resolver',
        run: async () => {
          // the endpoints may have been stale ones, released by the repair before this one
          const now = store.list().find((x) => x.Id === n.Id);
          if (!now || Object.keys(now.Containers).length === 0) return false;
          await ensureResolver(layout, now);
          return true;
        },
      },
    });
  }
  return out;
}
