// /volumes and /networks: docker's records are the engine's own (VolumeRecord and
// NetworkRecord keep docker's field names), so these routes only parse and answer.
import { boolFilter, parseFilters } from '../engine/index.js';
import { badRequest } from './errors.js';
import { qbool, qfilters, readJson, sendEmpty, sendJson, type Ctx } from './http.js';
import type { Router } from './router.js';

const volumeJson = ({ Anonymous: _a, ...v }: { Anonymous: boolean } & Record<string, unknown>) => v;

export function volumeRoutes(r: Router): void {
  r.add('GET', '/volumes', (c) => {
    const f = parseFilters(qfilters(c.query), ['dangling', 'driver', 'label', 'name']);
    const vols = (f.get('driver') ?? ['local']).some((d) => d === 'local')
      ? c.engine.volumes.list(() => c.engine.containers.volumeUsers(), { labels: f.get('label') ?? [], name: f.get('name') ?? [], dangling: boolFilter(f, 'dangling') })
      : [];
    sendJson(c, 200, { Volumes: vols.map((v) => volumeJson(v as never)), Warnings: [] });
  });

  r.add('POST', '/volumes/create', async (c) => {
    const b = await readJson<{ Name?: string; Driver?: string; DriverOpts?: Record<string, string>; Labels?: Record<string, string> }>(c);
    if (b.Driver && b.Driver !== 'local') throw badRequest(`volume driver "${b.Driver}" is not available: berth has only "local"`);
    const v = await c.engine.volumes.create({ name: b.Name || undefined, labels: b.Labels ?? {}, options: b.DriverOpts ?? {} });
    sendJson(c, 201, volumeJson(v as never));
  });

  r.add('GET', '/volumes/{name}', (c) => sendJson(c, 200, volumeJson(c.engine.volumes.get(c.params[0]) as never)));

  r.add('DELETE', '/volumes/{name}', async (c) => {
    await c.engine.removeVolume(c.params[0], { force: qbool(c.query, 'force') });
    sendEmpty(c);
  });

  r.add('POST', '/volumes/prune', async (c) => {
    const f = parseFilters(qfilters(c.query), ['label', 'all']);
    const res = await c.engine.pruneVolumes({ all: boolFilter(f, 'all') === true, labels: f.get('label') ?? [] });
    sendJson(c, 200, { VolumesDeleted: res.deleted, SpaceReclaimed: res.reclaimed });
  });
}

export function networkRoutes(r: Router): void {
  r.add('GET', '/networks', (c) => {
    const f = parseFilters(qfilters(c.query), ['name', 'id', 'driver', 'label', 'type']);
    const names = f.get('name'), ids = f.get('id');
    sendJson(c, 200, c.engine.networks.list().filter((n) =>
      (!names || names.some((x) => n.Name.includes(x))) && (!ids || ids.some((x) => n.Id.startsWith(x)))));
  });
  r.add('GET', '/networks/{id}', (c) => sendJson(c, 200, c.engine.networks.get(c.params[0])));
  r.add('POST', '/networks/create', async (c) => {
    const b = await readJson<{ Name?: string; Driver?: string; Internal?: boolean; Attachable?: boolean; Labels?: Record<string, string>; Options?: Record<string, string>; IPAM?: { Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] } }>(c);
    if (!b.Name) throw badRequest('network name is required');
    const ipam = b.IPAM?.Config?.[0];
    const n = await c.engine.createNetwork({
      name: b.Name, driver: b.Driver || undefined, internal: b.Internal, attachable: b.Attachable, labels: b.Labels, options: b.Options,
      subnet: ipam?.Subnet, gateway: ipam?.Gateway, ipRange: ipam?.IPRange,
    });
    sendJson(c, 201, { Id: n.Id, Warning: '' });
  });
  r.add('DELETE', '/networks/{id}', async (c) => { await c.engine.removeNetwork(c.params[0]); sendEmpty(c); });
  r.add('POST', '/networks/{id}/connect', async (c) => {
    const b = await readJson<{ Container?: string; EndpointConfig?: { IPAMConfig?: { IPv4Address?: string } } }>(c);
    if (!b.Container) throw badRequest('container is required');
    await c.engine.containers.connectNetwork(b.Container, c.params[0], { ip: b.EndpointConfig?.IPAMConfig?.IPv4Address || undefined });
    sendEmpty(c, 200);
  });
  r.add('POST', '/networks/{id}/disconnect', async (c) => {
    const b = await readJson<{ Container?: string }>(c);
    if (!b.Container) throw badRequest('container is required');
    await c.engine.containers.disconnectNetwork(b.Container, c.params[0]);
    sendEmpty(c, 200);
  });
  r.add('POST', '/networks/prune', async (c: Ctx) => sendJson(c, 200, { NetworksDeleted: await c.engine.pruneNetworks() }));
}
