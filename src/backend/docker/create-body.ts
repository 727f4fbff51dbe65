// The run form's CreateOptions as docker's create body. Only what the form can
// set is carried; anything else the engine's options hold is refused by name,
// so a run on a remote never silently drops a setting.
import type { CreateOptions } from '../../engine/container/index.js';

const CARRIED = new Set(['image', 'name', 'cmd', 'env', 'mounts', 'resources', 'onWarning']);

export function createBody(o: CreateOptions): Record<string, unknown> {
  const extra = Object.entries(o).filter(([k, v]) => v !== undefined && !CARRIED.has(k));
  if (extra.length) throw new Error(`not available on this engine: ${extra.map(([k]) => k).join(', ')}`);
  const mounts = o.mounts ?? [];
  return {
    Image: o.image,
    ...(o.name ? { name: o.name } : {}),
    ...(o.cmd ? { Cmd: o.cmd } : {}),
    Env: o.env ?? [],
    HostConfig: {
      Mounts: mounts.map((m) => ({ Type: m.type, Source: m.source || undefined, Target: m.target, ReadOnly: m.readonly })),
      ...(o.resources?.memory ? { Memory: o.resources.memory } : {}),
      ...(o.resources?.nanoCpus ? { NanoCpus: o.resources.nanoCpus } : {}),
    },
  };
}
