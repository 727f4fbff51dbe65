// docker's --network value: none, host, bridge (the default), a network's
// name or id, or container:NAME (share another container's namespace).
import { invalid } from '../errors.js';

export type NetworkMode =
  | { kind: 'none' }
  | { kind: 'host' }
  | { kind: 'network'; name: string }
  | { kind: 'container'; container: string };

export function parseNetworkMode(value: string | undefined): NetworkMode {
  const v = value === undefined || value === '' || value === 'default' ? 'bridge' : value;
  if (v === 'none') return { kind: 'none' };
  if (v === 'host') return { kind: 'host' };
  if (v.startsWith('container:')) {
    const container = v.slice('container:'.length);
    if (!container) throw invalid(`invalid --network ${v}: container: needs a container name or id`);
    return { kind: 'container', container };
  }
  return { kind: 'network', name: v };
}
