// The network store: networks/<id>.json under networks/.lock. Records are the
// allocation table too (see types.ts), so creating a network (subnet choice)
// and attaching a container (address choice) are each one locked
// read-modify-write. The kernel side (bridges, veths, NAT) is not here:
// callers replay what these records decide (kernel.ts).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../store/layout.js';
import { readJson, writeJson } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { BerthError, conflict, invalid, notFound } from '../errors.js';
import { emitEvent } from '../events/index.js';
import { crashPoint } from '../crash-point.js';
import { contains, formatCidr, formatIp, parseCidr, parseIp, type Cidr } from './cidr.js';
import { checkAddress, defaultGateway, macFor, nextAddress, nextSubnet } from './ipam.js';
import { checkInterfaceName, checkNetworkName, vethName } from './names.js';
import { routedPrefixes } from './routes.js';
import { resolverFiles } from './resolver.js';
import type { PortBinding } from './ports.js';
import { BRIDGE_NAME_OPTION, DEFAULT_BRIDGE, DEFAULT_NETWORK, type Attachment, type CreateNetworkOptions, type NetworkRecord } from './types.js';

export interface AttachRequest {
  containerId: string;
  containerName: string;
  ip?: string;
  mac?: string;
  /** -p bindings with their host ports chosen. */
  ports?: PortBinding[];
  /** Names the network's resolver answers with this endpoint's address. */
  dnsNames?: string[];
  /** --dns: the upstream servers for this container's other names. */
  dnsServers?: string[];
}

export class NetworkStore {
  constructor(private readonly layout: Layout) {}

  private get dir(): string { return join(this.layout.root, 'networks'); }
  private get lockFile(): string { return join(this.dir, '.lock'); }
  private file(id: string): string { return join(this.dir, `${id}.json`); }

  private locked<T>(fn: () => T | Promise<T>): Promise<T> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return withLock(this.lockFile, fn);
  }

  list(): NetworkRecord[] {
    let names: string[];
    try { names = readdirSync(this.dir); } catch { return []; }
    return names.filter((n) => n.endsWith('.json')).flatMap((n) => {
      const r = readJson<NetworkRecord>(join(this.dir, n));
      return r ? [r] : [];
    }).sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** By exact name, full id, or unique id prefix (docker's lookup order). */
  find(ref: string): NetworkRecord | undefined {
    const all = this.list();
    const byName = all.find((n) => n.Name === ref) ?? all.find((n) => n.Id === ref);
    if (byName) return byName;
    const byPrefix = ref.length > 0 ? all.filter((n) => n.Id.startsWith(ref)) : [];
    if (byPrefix.length > 1) throw conflict(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    return byPrefix[0];
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw notFound('network', ref);
    return n;
  }

  async create(o: CreateNetworkOptions): Promise<NetworkRecord> {
    // docker's bridge network always exists (here: made on first use, by ensureDefault only)
    if (o.name === DEFAULT_NETWORK) throw conflict(`network with name ${o.name} already exists`);
    const name = checkNetworkName(o.name);
    if ((o.driver ?? 'bridge') !== 'bridge') throw new BerthError('NOT_FOUND', `plugin "${o.driver}" not found`);
    return this.locked(() => {
      if (this.list().some((n) => n.Name === name)) throw conflict(`network with name ${name} already exists`);
      return this.createLocked(o, name);
    });
  }

  /** The default `bridge` network, made on first use as docker's. */
  ensureDefault(): Promise<NetworkRecord> {
    return this.locked(() => this.list().find((n) => n.Name === DEFAULT_NETWORK)
      ?? this.createLocked({ name: DEFAULT_NETWORK, options: { [BRIDGE_NAME_OPTION]: DEFAULT_BRIDGE } }, DEFAULT_NETWORK));
  }

  private createLocked(o: CreateNetworkOptions, name: string): NetworkRecord {
    const all = this.list();
    const taken: Cidr[] = [...routedPrefixes(), ...all.map((n) => parseCidr(n.IPAM.Config[0].Subnet, '--subnet'))];
    let subnet: Cidr;
    if (o.subnet) {
      subnet = parseCidr(o.subnet, '--subnet');
      const clash = all.find((n) => n.IPAM.Config.some((c) => overlapsCidr(c.Subnet, subnet)));
      if (clash) throw conflict(`invalid pool request: Pool overlaps with other one on this address space (network ${clash.Name})`);
    } else {
      if (o.gateway || o.ipRange) throw invalid('--gateway and --ip-range need --subnet');
      subnet = nextSubnet(taken);
    }
    if (subnet.bits > 30) throw invalid(`invalid --subnet ${formatCidr(subnet)}: a bridge network needs at least a /30`);
    let gateway = defaultGateway(subnet);
    if (o.gateway) {
      const g = parseIp(o.gateway);
      if (g === undefined) throw invalid(`invalid --gateway ${o.gateway}: not an IPv4 address`);
      if (!contains(subnet, g)) throw invalid(`invalid --gateway ${o.gateway}: not inside the subnet ${formatCidr(subnet)}`);
      gateway = g;
    }
    let ipRange: Cidr | undefined;
    if (o.ipRange) {
      ipRange = parseCidr(o.ipRange, '--ip-range');
      if (!contains(subnet, ipRange.base) || ipRange.bits < subnet.bits) throw invalid(`invalid --ip-range ${o.ipRange}: not inside the subnet ${formatCidr(subnet)}`);
    }
    const id = randomBytes(32).toString('hex');
    const options = { ...(o.options ?? {}) };
    options[BRIDGE_NAME_OPTION] = checkInterfaceName(options[BRIDGE_NAME_OPTION] ?? `br-${id.slice(0, 12)}`, BRIDGE_NAME_OPTION);
    const bridgeClash = all.find((n) => n.Options[BRIDGE_NAME_OPTION] === options[BRIDGE_NAME_OPTION]);
    if (bridgeClash) throw conflict(`bridge name ${options[BRIDGE_NAME_OPTION]} is already used by network ${bridgeClash.Name}`);
    const rec: NetworkRecord = {
      Name: name,
      Id: id,
      Created: new Date().toISOString(),
      Scope: 'local',
      Driver: 'bridge',
      EnableIPv6: false,
      IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: formatCidr(subnet), Gateway: formatIp(gateway), ...(ipRange ? { IPRange: formatCidr(ipRange) } : {}) }] },
      Internal: !!o.internal,
      Attachable: !!o.attachable,
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Containers: {},
      Options: options,
      Labels: o.labels ?? {},
    };
    writeJson(this.file(id), rec);
    emitEvent(this.layout, { type: 'network', action: 'create', id, name });
    return rec;
  }

  /** Removes the record; refuses while containers are attached. Returns it; with force, a network
   * that does not exist is undefined (docker's rm -f). `unplug` (the bridge's removal) runs under
   * the lock before the record goes: a command killed between leaves a network whose bridge the
   * next use re-creates, never a bridge no record names. */
  async remove(ref: string, opts: { force?: boolean; unplug?: (n: NetworkRecord) => void } = {}): Promise<NetworkRecord | undefined> {
    return this.locked(() => {
      const n = this.find(ref);
      if (!n) {
        if (opts.force) return undefined;
        throw notFound('network', ref);
      }
      if (n.Name === DEFAULT_NETWORK) throw conflict(`${n.Name} is a pre-defined network and cannot be removed`);
      if (Object.keys(n.Containers).length > 0) throw conflict(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
      opts.unplug?.(n);
      crashPoint('network-rm:between');
      rmSync(this.file(n.Id), { force: true });
      // no endpoint, so no resolver: what remains of the last one goes with the network
      for (const f of Object.values(resolverFiles(this.layout, n.Id))) rmSync(f, { force: true });
      emitEvent(this.layout, { type: 'network', action: 'destroy', id: n.Id, name: n.Name });
      return n;
    });
  }

  /** Gives the container an address (and MAC) on the network, or returns the one it has. */
  async attach(ref: string, req: AttachRequest): Promise<Attachment> {
    return this.locked(() => {
      const n = this.get(ref);
      const existing = n.Containers[req.containerId];
      if (existing) return attachment(n, existing.EndpointID);
      const c = n.IPAM.Config[0];
      const subnet = parseCidr(c.Subnet, '--subnet');
      const gateway = parseIp(c.Gateway)!;
      const used = new Set(Object.values(n.Containers).map((e) => parseIp(e.IPv4Address.split('/')[0])!));
      let ip: number;
      if (req.ip) {
        const want = parseIp(req.ip);
        if (want === undefined) throw invalid(`invalid IPv4 address: ${req.ip}`);
        checkAddress(subnet, gateway, used, want);
        ip = want;
      } else {
        ip = nextAddress(subnet, c.IPRange ? parseCidr(c.IPRange, '--ip-range') : subnet, gateway, used);
      }
      for (const p of req.ports ?? []) {
        const clash = this.list().flatMap((x) => Object.values(x.Containers)).flatMap((e) => e.Ports ?? [])
          .find((q) => q.proto === p.proto && q.hostPort === p.hostPort && (!q.hostIp || !p.hostIp || q.hostIp === p.hostIp));
        if (clash) throw conflict(`Bind for ${p.hostIp || '0.0.0.0'}:${p.hostPort} failed: port is already allocated`);
      }
      const endpointId = randomBytes(32).toString('hex');
      n.Containers[req.containerId] = {
        Name: req.containerName,
        EndpointID: endpointId,
        MacAddress: req.mac ?? macFor(ip),
        IPv4Address: `${formatIp(ip)}/${subnet.bits}`,
        IPv6Address: '',
        ...(req.ports?.length ? { Ports: req.ports } : {}),
        ...(req.dnsNames?.length ? { DNSNames: req.dnsNames } : {}),
        ...(req.dnsServers?.length ? { DNSServers: req.dnsServers } : {}),
      };
      writeJson(this.file(n.Id), n);
      emitEvent(this.layout, { type: 'network', action: 'connect', id: n.Id, name: n.Name, attributes: { container: req.containerId } });
      return attachment(n, endpointId);
    });
  }

  /** Frees the container's address on the network (nothing if it had none). Returns what it had. */
  async detach(ref: string, containerId: string): Promise<Attachment | undefined> {
    return this.locked(() => {
      const n = this.find(ref);
      const e = n?.Containers[containerId];
      if (!n || !e) return undefined;
      const a = attachment(n, e.EndpointID);
      delete n.Containers[containerId];
      writeJson(this.file(n.Id), n);
      emitEvent(this.layout, { type: 'network', action: 'disconnect', id: n.Id, name: n.Name, attributes: { container: containerId } });
      return a;
    });
  }

  /** The container's endpoints on every network. */
  attachmentsOf(containerId: string): Attachment[] {
    return this.list().flatMap((n) => {
      const e = n.Containers[containerId];
      return e ? [attachment(n, e.EndpointID)] : [];
    });
  }
}

function overlapsCidr(a: string, b: Cidr): boolean {
  const c = parseCidr(a, '--subnet');
  const bits = Math.min(c.bits, b.bits);
  return contains({ base: c.base, bits }, b.base) || contains({ base: b.base, bits }, c.base);
}

export function attachment(n: NetworkRecord, endpointId: string): Attachment {
  const e = Object.values(n.Containers).find((x) => x.EndpointID === endpointId)!;
  const [ip, len] = e.IPv4Address.split('/');
  return {
    network: n.Name,
    networkId: n.Id,
    bridge: n.Options[BRIDGE_NAME_OPTION],
    endpointId,
    hostVeth: vethName(endpointId),
    ip,
    prefixLen: Number(len),
    gateway: n.IPAM.Config[0].Gateway,
    mac: e.MacAddress,
    internal: n.Internal,
    subnet: n.IPAM.Config[0].Subnet,
    ports: e.Ports ?? [],
    dnsNames: e.DNSNames ?? [],
  };
}
