// A container's networks across its life: addresses taken under the
// networks' lock before the spawn (so /etc/hosts can name them), interfaces
// plugged into the init's namespace while it waits at its start gate, and
// everything released when the run ends or the container goes. Release is
// idempotent and keyed by container id, so a start killed half-way is undone
// by the next start, exit collection or rm.
import type { Layout } from '../store/layout.js';
import { copyFileSync, readFileSync } from 'node:fs';
import { conflict, invalid, notFound } from '../errors.js';
import { CLONE, releaseStart, type SpawnResult, type SpawnSpec } from '../../native/index.js';
import {
  DEFAULT_NETWORK, NetworkStore, bindable, ensureResolver, freePort, naturalLess, parseNetworkMode, plugEndpoint, publishAll, resolvesNames, stopIdleResolver,
  syncFirewall, unplugEndpoint, type Attachment, type NetworkRecord, type PortBinding,
} from '../network/index.js';
import type { ContainerRecord, NetworkConfig } from './types.js';
import { extraHostLine } from '../runtime/etc-files.js';
import { findRecord } from './records.js';
import { deriveState, parentOf } from './state.js';
import { crashPoint } from '../crash-point.js';

/** Checks --network/--ip/--mac-address/-p/--expose at create time (docker refuses these before
 * creating; for container:NAME, docker's validateNetContainerMode with its messages). */
export function checkNetworkConfig(layout: Layout, cfg: NetworkConfig, hostname?: string): void {
  const mode = parseNetworkMode(cfg.mode);
  if (mode.kind === 'container') {
    findRecord(layout, mode.container); // docker: No such container
    const clash = hostname ? 'hostname and the network mode'
      : cfg.dns?.length ? 'dns and the network mode'
        : cfg.extraHosts?.length ? 'custom host-to-IP mapping and the network mode'
          : cfg.mac ? 'mac-address and the network mode'
            : cfg.ports?.length || cfg.publishAll ? 'port publishing and the container type network mode'
              : cfg.exposedPorts?.length ? 'port exposing and the container type network mode' : undefined;
    if (clash) throw invalid(`conflicting options: ${clash}`);
  }
  if (mode.kind === 'network' && mode.name !== DEFAULT_NETWORK && !new NetworkStore(layout).find(mode.name)) throw notFound('network', mode.name);
  if (cfg.ip && (mode.kind !== 'network' || mode.name === DEFAULT_NETWORK)) throw invalid('user specified IP address is supported on user defined networks only');
  if (cfg.aliases?.length && (mode.kind !== 'network' || mode.name === DEFAULT_NETWORK)) throw invalid('network-scoped alias is supported only for containers in user defined networks');
  if (cfg.mac && !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(cfg.mac)) throw invalid(`invalid --mac-address ${cfg.mac}: expected six hex bytes (02:42:ac:11:00:02)`);
  if (cfg.mac && (parseInt(cfg.mac.slice(0, 2), 16) & 1)) throw invalid(`invalid --mac-address ${cfg.mac}: a multicast address`);
  (cfg.extraHosts ?? []).forEach(extraHostLine);
  if (cfg.ports?.length && mode.kind !== 'network') throw invalid(`-p needs a bridge network: published ports are discarded with --network ${cfg.mode}`);
}

/** docker's Config.ExposedPorts: the image's EXPOSE (tcp and udp: berth has no sctp), --expose and
 * -p's container ports, once each, in order. */
export function withExposedPorts(cfg: NetworkConfig, image: Record<string, object> | undefined): NetworkConfig {
  const fromImage = Object.keys(image ?? {}).map((k) => (k.includes('/') ? k : `${k}/tcp`)).filter((k) => /\/(tcp|udp)$/.test(k));
  const all = [...new Set([...fromImage, ...(cfg.exposedPorts ?? []), ...(cfg.ports ?? []).map((p) => `${p.containerPort}/${p.proto}`)])];
  all.sort(naturalLess);
  return all.length ? { ...cfg, exposedPorts: all } : cfg;
}

/** The network mode of a record; records made before networking have loopback only. */
export function networkModeOf(rec: ContainerRecord): string {
  return rec.config.network?.mode ?? 'none';
}

/** Before the spawn: the container's endpoints (allocated now, or kept from a start that died). */
export async function allocateNetworks(layout: Layout, rec: ContainerRecord): Promise<Attachment[]> {
  const mode = parseNetworkMode(networkModeOf(rec));
  if (mode.kind !== 'network') return [];
  const store = new NetworkStore(layout);
  if (mode.name === DEFAULT_NETWORK) await store.ensureDefault();
  const cfg = rec.config.network!;
  const ports: PortBinding[] = [];
  // docker publishes nothing on an --internal network: it has no way in or out
  const internal = store.find(mode.name)?.Internal;
  const wanted = internal ? [] : cfg.publishAll ? publishAll(cfg.exposedPorts ?? [], cfg.ports ?? []) : cfg.ports ?? [];
  for (const p of wanted) ports.push(await choosePort(store, p, ports));
  const primary = await store.attach(mode.name, { containerId: rec.id, containerName: rec.name, ip: cfg.ip, mac: cfg.mac, ports, ...dnsOf(mode.name, rec, cfg.aliases) });
  const extra: Attachment[] = [];
  for (const c of cfg.connected ?? []) {
    if (store.find(c.network)) extra.push(await store.attach(c.network, { containerId: rec.id, containerName: rec.name, ip: c.ip, ...dnsOf(c.network, rec, c.aliases) }));
  }
  return [primary, ...extra];
}

/** What a user-defined network's resolver answers with the container's address there: docker's
 * DNSNames (name, aliases, short id) and, as the issue asks, its hostname; and where it sends
 * the container's other names (--dns). Nothing on the default bridge, which resolves no names. */
function dnsOf(network: string, rec: ContainerRecord, aliases: string[] = []): { dnsNames?: string[]; dnsServers?: string[] } {
  if (network === DEFAULT_NETWORK) return {};
  return {
    dnsNames: [...new Set([rec.name, ...aliases, rec.id.slice(0, 12), rec.config.hostname].filter(Boolean))],
    dnsServers: rec.config.network?.dns,
  };
}

/** A binding's host port: as given, the first free one of its range (docker's port pool for
 * "8000-8010:80"), or a free one the kernel picks. */
async function choosePort(store: NetworkStore, p: PortBinding, chosen: PortBinding[]): Promise<PortBinding> {
  const { hostPortEnd, ...b } = p;
  if (!hostPortEnd) return b.hostPort ? b : { ...b, hostPort: await freePort(b.proto, b.hostIp) };
  const taken = [...store.list().flatMap((n) => Object.values(n.Containers)).flatMap((e) => e.Ports ?? []), ...chosen]
    .filter((q) => q.proto === b.proto && (!q.hostIp || !b.hostIp || q.hostIp === b.hostIp)).map((q) => q.hostPort);
  for (let port = b.hostPort; port <= hostPortEnd; port++) {
    if (!taken.includes(port) && (await bindable(b.proto, b.hostIp, port)) !== undefined) return { ...b, hostPort: port };
  }
  throw conflict(`Bind for ${b.hostIp || '0.0.0.0'}:${b.hostPort}-${hostPortEnd} failed: port is already allocated`);
}

/** `network connect`: remembered in the record (every later start joins it too) and, on a
 * running container, plugged at once as the next free ethN. */
export async function connectContainer(layout: Layout, rec: ContainerRecord, pid: number | undefined, ref: string, ip?: string, aliases: string[] = []): Promise<ContainerRecord> {
  const store = new NetworkStore(layout);
  const n = store.get(ref);
  const mode = parseNetworkMode(networkModeOf(rec));
  if (mode.kind === 'host' || mode.kind === 'container') throw invalid('container sharing network namespace with another container or host cannot be connected to any other network');
  if (mode.kind === 'none') throw invalid('container cannot be connected to multiple networks with one of the networks in private (none) mode');
  const cfg = rec.config.network ?? { mode: 'none' };
  const already = (mode.kind === 'network' && store.find(mode.name)?.Id === n.Id) || (cfg.connected ?? []).some((c) => store.find(c.network)?.Id === n.Id);
  if (already) throw conflict(`endpoint with name ${rec.name} already exists in network ${n.Name}`);
  if (ip || aliases.length) checkNetworkConfig(layout, { mode: n.Name, ip, aliases });
  if (pid) {
    const a = await store.attach(n.Id, { containerId: rec.id, containerName: rec.name, ip, ...dnsOf(n.Name, rec, aliases) });
    crashPoint('network-connect:attached');
    try {
      plugEndpoint(n, () => store.list(), a, pid, freeInterfaceName(pid), false);
      await ensureResolver(layout, n);
      crashPoint('network-connect:plugged');
    } catch (e) {
      await store.detach(n.Id, rec.id);
      throw e;
    }
  }
  rec.config.network = { ...cfg, connected: [...(cfg.connected ?? []), { network: n.Name, ...(ip ? { ip } : {}), ...(aliases.length ? { aliases } : {}) }] };
  return rec;
}

/** `network disconnect`: forgotten by the record, unplugged (and its address freed) now. */
export async function disconnectContainer(layout: Layout, rec: ContainerRecord, ref: string): Promise<ContainerRecord> {
  const store = new NetworkStore(layout);
  const n = store.get(ref);
  if (!namesNetwork(store, rec, n.Id)) throw conflict(`container ${rec.name} is not connected to network ${n.Name}`);
  await releaseEndpoint(layout, store, n, rec.id);
  return forgetNetwork(store, rec, n);
}

/** The container's endpoint on one network: its interface unplugged first, then its address
 * freed (the record names the interface: a command killed between leaves it for the next). */
export async function releaseEndpoint(layout: Layout, store: NetworkStore, n: NetworkRecord, id: string): Promise<void> {
  const a = store.attachmentsOf(id).find((x) => x.networkId === n.Id);
  if (!a) return;
  try { unplugEndpoint(a); } catch { /* gone with the namespace already */ }
  crashPoint('network-disconnect:between');
  await store.detach(n.Id, id);
  await stopIdleResolver(layout, n.Id, () => store.list());
}

/** Whether the record names the network (as its first network or a connected one). */
export function namesNetwork(store: NetworkStore, rec: ContainerRecord, networkId: string): boolean {
  const mode = parseNetworkMode(networkModeOf(rec));
  return (mode.kind === 'network' && store.find(mode.name)?.Id === networkId)
    || (rec.config.network?.connected ?? []).some((c) => store.find(c.network)?.Id === networkId);
}

/** The record without the network: without its first network a container keeps the next one,
 * or loopback only (docker's "none"). */
export function forgetNetwork(store: NetworkStore, rec: ContainerRecord, n: NetworkRecord): ContainerRecord {
  const cfg = rec.config.network!;
  const mode = parseNetworkMode(networkModeOf(rec));
  const isPrimary = mode.kind === 'network' && store.find(mode.name)?.Id === n.Id;
  const rest = (cfg.connected ?? []).filter((c) => store.find(c.network)?.Id !== n.Id);
  if (isPrimary) rec.config.network = { ...cfg, mode: rest[0]?.network ?? 'none', ip: rest[0]?.ip, aliases: rest[0]?.aliases, connected: rest.slice(1) };
  else rec.config.network = { ...cfg, connected: rest };
  return rec;
}

/** eth0, eth1, …: the first name the container's namespace does not use yet. */
function freeInterfaceName(pid: number): string {
  const used = new Set(readFileSync(`/proc/${pid}/net/dev`, 'utf8').split('\n').slice(2).map((l) => l.split(':')[0].trim()));
  let i = 0;
  while (used.has(`eth${i}`)) i++;
  return `eth${i}`;
}

/** The spec changes a network mode makes: no namespace of its own for host, another
 * container's for container:NAME, the gate for bridges. */
export function networkSpec(layout: Layout, spec: SpawnSpec, rec: ContainerRecord, attachments: Attachment[]): SpawnSpec {
  const mode = parseNetworkMode(networkModeOf(rec));
  if (mode.kind === 'host') return { ...spec, namespaces: spec.namespaces & ~CLONE.NEWNET };
  if (mode.kind === 'container') return { ...spec, namespaces: spec.namespaces & ~CLONE.NEWNET, joinNetns: joinedInit(layout, rec, mode.container) };
  return attachments.length ? { ...spec, networkGate: true } : spec;
}

/** container:NAME at start: that container's init (it must run), whose /etc/hosts and
 * resolv.conf this one shares (docker points both containers at the same files). */
function joinedInit(layout: Layout, rec: ContainerRecord, ref: string): number {
  const other = findRecord(layout, ref);
  if (other.id === rec.id) throw invalid('cannot join own network');
  const paths = layout.container(other.id);
  const st = deriveState(other, paths);
  // the recorded pid must still be its init (its monitor's child), not a reused pid
  if (!st.running || !other.run || parentOf(other.run.pid) !== other.run.monitorPid) throw conflict(`cannot join network of a non running container: ${ref}`);
  const mine = layout.container(rec.id);
  copyFileSync(paths.hosts, mine.hosts);
  copyFileSync(paths.resolvConf, mine.resolvConf);
  return other.run.pid;
}

/** docker: a container in container:NAME mode takes that container's hostname. */
export function joinedHostname(layout: Layout, cfg: NetworkConfig): string | undefined {
  const mode = parseNetworkMode(cfg.mode);
  return mode.kind === 'container' ? findRecord(layout, mode.container).config.hostname : undefined;
}

/** While the init waits at its gate: plug every endpoint (eth0, eth1, …), make sure each
 * user-defined network's resolver answers (the command may look a name up at once), then open
 * the gate. On failure the gate is closed instead (the init exits 125) and the init's own
 * error, if it failed before the gate, is the one thrown. */
export async function plugAndRelease(layout: Layout, spawned: SpawnResult, attachments: Attachment[]): Promise<SpawnResult> {
  if (!spawned.gate) return spawned;
  const store = new NetworkStore(layout);
  try {
    attachments.forEach((a, i) => plugEndpoint(store.get(a.networkId), () => store.list(), a, spawned.initPid, `eth${i}`, i === 0));
    if (attachments.some((a) => a.ports.length)) syncFirewall(store.list());
    for (const a of attachments) await ensureResolver(layout, store.get(a.networkId));
  } catch (e) {
    try {
      releaseStart({ ...spawned, gate: spawned.gate }, false);
    } catch (initErr) {
      if ((initErr as { step?: string }).step !== 'wait for network setup') throw initErr;
    }
    throw e;
  }
  return releaseStart({ ...spawned, gate: spawned.gate }, true);
}

/** After a run (or a failed start, or at rm): every endpoint unplugged and its address freed. */
export async function releaseNetworks(layout: Layout, id: string): Promise<void> {
  const store = new NetworkStore(layout);
  for (const a of store.attachmentsOf(id)) {
    try {
      unplugEndpoint(a);
    } catch {
      // the veth normally went with the container's namespace; the address is freed regardless
    }
    await store.detach(a.networkId, id);
    if (a.ports.length) syncFirewall(store.list());
    await stopIdleResolver(layout, a.networkId, () => store.list());
  }
}

/** The container's nameservers: its first network's resolver on a user-defined network;
 * undefined (the host's, as docker's default bridge) otherwise. */
export function containerNameservers(attachments: Attachment[]): string[] | undefined {
  const first = attachments[0];
  return first && resolvesNames({ Name: first.network }) ? [first.gateway] : undefined;
}

/** /etc/hosts lines for the container's own addresses (docker: "IP\tHOSTNAME"). */
export function ownHostsLines(rec: ContainerRecord, attachments: Attachment[]): string[] {
  return attachments.map((a) => `${a.ip}\t${rec.config.hostname}`);
}
