// docker's NetworkSettings for `inspect`: one entry per network the container
// is configured for, with its live endpoint (address, gateway, MAC) while it
// runs; the top-level IPAddress/Gateway/MacAddress are the default bridge's
// only, as in docker.
import type { Layout } from '../store/layout.js';
import { DEFAULT_NETWORK, NetworkStore, parseNetworkMode, type PortBinding } from '../network/index.js';
import type { ContainerRecord } from './types.js';
import { goMap } from '../template/index.js';
import { networkModeOf } from './network.js';

/** docker's {"80/tcp": [{HostIp, HostPort}]}. */
function portsView(ports: PortBinding[]): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) (out[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) });
  return out;
}

/** The published ports of a running container, host ports as chosen at its start. */
export function livePorts(layout: Layout, rec: ContainerRecord): PortBinding[] {
  return new NetworkStore(layout).attachmentsOf(rec.id).flatMap((a) => a.ports);
}

export function networkSettings(layout: Layout, rec: ContainerRecord, running: boolean, pid: number): Record<string, unknown> {
  const store = new NetworkStore(layout);
  const mode = parseNetworkMode(networkModeOf(rec));
  const names = [
    ...(mode.kind === 'network' ? [mode.name] : mode.kind === 'container' ? [] : [mode.kind]),
    ...(rec.config.network?.connected ?? []).map((c) => c.network),
  ];
  const live = running ? store.attachmentsOf(rec.id) : [];
  const networks: Record<string, unknown> = {};
  let primary = { ip: '', prefixLen: 0, gateway: '', mac: '', endpointId: '' };
  for (const name of names) {
    const n = store.find(name);
    const a = live.find((x) => x.networkId === n?.Id);
    const key = n?.Name ?? name;
    const ipam = name === names[0] ? rec.config.network?.ip : rec.config.network?.connected?.find((c) => c.network === name)?.ip;
    networks[key] = {
      IPAMConfig: ipam ? { IPv4Address: ipam } : null,
      Links: null,
      Aliases: null,
      MacAddress: a?.mac ?? '',
      DriverOpts: null,
      NetworkID: n?.Id ?? '',
      EndpointID: a?.endpointId ?? '',
      Gateway: a?.gateway ?? '',
      IPAddress: a?.ip ?? '',
      IPPrefixLen: a?.prefixLen ?? 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      DNSNames: null,
    };
    if (a && n?.Name === DEFAULT_NETWORK) primary = { ip: a.ip, prefixLen: a.prefixLen, gateway: a.gateway, mac: a.mac, endpointId: a.endpointId };
  }
  // docker's key order
  return {
    Bridge: '',
    SandboxID: '',
    SandboxKey: running && mode.kind !== 'host' ? `/proc/${pid}/ns/net` : '',
    Ports: goMap(portsView(live.flatMap((a) => a.ports)), null),
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: primary.endpointId,
    Gateway: primary.gateway,
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: primary.ip,
    IPPrefixLen: primary.prefixLen,
    IPv6Gateway: '',
    MacAddress: primary.mac,
    Networks: goMap(networks, null),
  };
}
