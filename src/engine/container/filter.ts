// `ps` selection as docker's daemon makes it (daemon/list.go): the list comes
// newest first; before=/since= cut it at a container, stopped containers need
// -a (or a status= filter, or -n), name= is a regular expression tried on the
// name with and without its '/', id= takes a unique prefix, exited= needs a
// container that ran, ancestor= is a set of image IDs the engine resolved
// (the image and the images built on it). Pure: tested on data.
import { BerthError } from '../errors.js';
import { exactMatch, invalidFilter, matchAny, matchLabels, type Filters } from '../filters.js';
import type { ContainerSummary } from './inspect.js';
import { parseExpose } from '../network/index.js';

export const PS_FILTERS = ['ancestor', 'before', 'exited', 'expose', 'health', 'id', 'is-task', 'isolation', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'] as const;
const STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];

export interface PsQuery {
  all?: boolean;
  /** -n / -l: at most this many, any state */
  limit?: number;
  filters: Filters;
  /** ancestor=: the image IDs that count (undefined when the filter is not used) */
  ancestors?: Set<string>;
}

export function filterContainers(list: ContainerSummary[], q: PsQuery): ContainerSummary[] {
  const f = q.filters;
  let all = !!q.all;
  const exited = (f.get('exited') ?? []).map((v) => {
    if (!/^[+-]?\d+$/.test(v)) throw new BerthError('INVALID_ARGUMENT', `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  });
  for (const v of f.get('status') ?? []) {
    if (!STATES.includes(v)) throw invalidFilter('status', v);
    all = true;
  }
  for (const v of f.get('health') ?? []) {
    if (!HEALTH.includes(v)) throw new BerthError('INVALID_ARGUMENT', `Unrecognised filter value for health: ${v}`);
  }
  const isTask = f.get('is-task');
  if (isTask && !(isTask.every((v) => v === 'true') || isTask.every((v) => v === 'false'))) throw invalidFilter('is-task', isTask);
  let before = pick(list, f.get('before'));
  const since = pick(list, f.get('since'));

  // id= narrows to containers a value is a unique prefix of (docker's GetByPrefix)
  const ids = f.get('id');
  const idMatches = ids && new Set(ids.flatMap((v) => {
    const m = list.filter((c) => c.id.startsWith(v));
    return m.length === 1 ? [m[0].id] : [];
  }));

  // publish= / expose=: PORT[-END][/PROTO], matched against the listed ports (docker's daemon/list.go)
  const portSet = (key: string) => (f.has(key) ? new Set(f.get(key)!.flatMap((v) => parseExpose(v, 'filter'))) : undefined);
  const publish = portSet('publish');
  const expose = portSet('expose');
  const out: ContainerSummary[] = [];
  for (const c of list) {
    if (before) {
      if (c.id === before.id) before = undefined;
      continue;
    }
    if (since && c.id === since.id) break;
    const running = c.state === 'running' || c.state === 'paused';
    if (!running && !all && !(q.limit && q.limit > 0)) continue;
    if (!matchAny(f.get('name'), c.name) && !matchAny(f.get('name'), `/${c.name}`)) continue;
    if (idMatches && !idMatches.has(c.id)) continue;
    if (isTask && isTask[0] === 'true') continue; // berth runs no swarm tasks
    if (!matchLabels(f.get('label'), c.labels)) continue;
    if (f.has('isolation') && !exactMatch(f.get('isolation'), 'default')) continue;
    if (q.limit && q.limit > 0 && out.length === q.limit) break;
    if (exited.length && !(c.state !== 'running' && c.state !== 'paused' && c.startedAt && exited.includes(c.exitCode ?? -1))) continue;
    if (!matchAny(f.get('status'), c.state)) continue;
    if (!exactMatch(f.get('health'), c.health ?? 'none')) continue;
    const vols = f.get('volume');
    if (vols && !c.mounts.some((m) => vols.includes(m.target) || vols.includes(m.name ?? m.source))) continue;
    if (q.ancestors && !q.ancestors.has(c.imageId)) continue;
    const nets = f.get('network');
    if (nets && !c.networks.some((n) => nets.includes(n))) continue;
    if ((publish || expose) && !c.ports.some((p) => publish?.has(`${p.publicPort ?? 0}/${p.proto}`) || expose?.has(`${p.privatePort}/${p.proto}`))) continue;
    out.push(c);
  }
  return out;
}

/** before=/since=: a container by ID, unique ID prefix or name, as docker's idOrNameFilter. */
function pick(list: ContainerSummary[], values: string[] | undefined): ContainerSummary | undefined {
  let found: ContainerSummary | undefined;
  for (const v of values ?? []) {
    const name = v.replace(/^\//, '');
    const byId = list.find((c) => c.id === v);
    const byName = list.find((c) => c.name === name);
    const byPrefix = list.filter((c) => c.id.startsWith(v));
    found = byId ?? byName ?? (byPrefix.length === 1 ? byPrefix[0] : undefined);
    if (!found) throw new BerthError('NOT_FOUND', `No such container: ${v}`);
  }
  return found;
}
