// What a network's resolver knows, from the network records alone (pure, so
// test/network/dns-names.test.ts needs no sockets). The querying container is
// found by its source address on the resolver's network, and names resolve
// across every network it is on, that network first (aardvark-dns's rule):
// a container sees the names of the networks it shares with others, and a
// resolver answers nobody else. Only endpoints in the records resolve, and the
// engine writes an endpoint before its container starts and deletes it when
// the run ends: names appear and go with the containers.
import type { EndpointRecord, NetworkRecord } from './types.js';

export type NameLookup =
  /** The source is no endpoint of the network: not ours to answer. */
  | { kind: 'refused' }
  /** A name berth knows: its IPv4 addresses (none for other record types). */
  | { kind: 'known'; ips: string[] }
  /** Not a container's name: the host's resolvers answer it. */
  | { kind: 'unknown' };

const ipOf = (cidr: string): string => cidr.split('/')[0];

/** The networks the container at `source` (an address on `networkId`) is on, that one first. */
export function querierNetworks(all: NetworkRecord[], networkId: string, source: string): NetworkRecord[] | undefined {
  const own = all.find((n) => n.Id === networkId);
  const id = own && Object.entries(own.Containers).find(([, e]) => ipOf(e.IPv4Address) === source)?.[0];
  if (!own || !id) return undefined;
  return [own, ...all.filter((n) => n !== own && n.Containers[id])];
}

/** The querier's own endpoint on the resolver's network. */
export function querierEndpoint(all: NetworkRecord[], networkId: string, source: string): EndpointRecord | undefined {
  return Object.values(all.find((n) => n.Id === networkId)?.Containers ?? {}).find((e) => ipOf(e.IPv4Address) === source);
}

/** `name` (any case, no trailing dot) as the container at `source` sees it. */
export function lookupName(all: NetworkRecord[], networkId: string, source: string, name: string): NameLookup {
  const nets = querierNetworks(all, networkId, source);
  if (!nets) return { kind: 'refused' };
  const want = name.toLowerCase();
  for (const n of nets) {
    const ips = Object.values(n.Containers).filter((e) => (e.DNSNames ?? []).some((d) => d.toLowerCase() === want)).map((e) => ipOf(e.IPv4Address));
    if (ips.length) return { kind: 'known', ips };
  }
  return { kind: 'unknown' };
}

/** The container name behind an address (a PTR query), on the querier's networks only. */
export function lookupAddress(all: NetworkRecord[], networkId: string, source: string, ip: string): string | undefined {
  for (const n of querierNetworks(all, networkId, source) ?? []) {
    const e = Object.values(n.Containers).find((x) => ipOf(x.IPv4Address) === ip);
    if (e) return e.DNSNames?.[0] ?? e.Name;
  }
  return undefined;
}

/** "4.3.2.1.in-addr.arpa" → "1.2.3.4"; undefined for anything else. */
export function reverseName(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/i.exec(name);
  return m ? [m[4], m[3], m[2], m[1]].join('.') : undefined;
}
