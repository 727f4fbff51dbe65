// docker's `network prune --filter`: until= (created before a time or a
// duration ago), label=KEY[=VALUE] (every one must hold) and label!= (a
// network every one of which holds is kept), as the daemon's prune does.
import { matchLabels, parseFilters, untilTime } from '../filters.js';
import { DEFAULT_NETWORK, type NetworkRecord } from './types.js';

export const NETWORK_PRUNE_FILTERS = ['label', 'label!', 'until'] as const;

/** The test a network must pass to be pruned: unused, user-defined, and kept by the filters. */
export function pruneTest(flags: string[] | undefined, now = Date.now()): (n: NetworkRecord) => boolean {
  const f = parseFilters(flags, NETWORK_PRUNE_FILTERS);
  const until = f.get('until')?.map((v) => untilTime(v, now));
  return (n) => n.Name !== DEFAULT_NETWORK && Object.keys(n.Containers).length === 0
    && (!until || until.some((t) => Date.parse(n.Created) < t))
    && matchLabels(f.get('label'), n.Labels)
    && !(f.has('label!') && matchLabels(f.get('label!'), n.Labels));
}
