// Address management as pure functions over the networks' records: which
// subnet a new network gets, and which address a container gets in it.
// docker's default-address-pools: 172.17.0.0/16 … 172.31.0.0/16, then
// 192.168.0.0/16 in /20s; a block overlapping a routed prefix or another
// network is skipped. The caller holds the networks' lock.
import { conflict } from '../errors.js';
import { contains, formatIp, overlaps, parseIp, size, type Cidr } from './cidr.js';

function* pool(): Generator<Cidr> {
  for (let b = 17; b <= 31; b++) yield { base: parseIp(`172.${b}.0.0`)!, bits: 16 };
  for (let c = 0; c < 256; c += 16) yield { base: parseIp(`192.168.${c}.0`)!, bits: 20 };
}

/** The first pool block that overlaps nothing in `taken` (routes and existing subnets). */
export function nextSubnet(taken: Cidr[]): Cidr {
  for (const c of pool()) if (!taken.some((t) => overlaps(t, c))) return c;
  throw conflict('all predefined address pools have been fully subnetted');
}

/** The gateway docker picks: the subnet's first host address. */
export function defaultGateway(subnet: Cidr): number {
  return subnet.base + 1;
}

/**
 * The first free address for a container: inside `range` (the --ip-range, or the subnet), never
 * the subnet's network or broadcast address, the gateway, or one in `used`.
 */
export function nextAddress(subnet: Cidr, range: Cidr, gateway: number, used: Set<number>): number {
  const last = subnet.base + size(subnet) - 1;
  for (let ip = range.base; ip < range.base + size(range); ip++) {
    if (ip === subnet.base || ip === last || ip === gateway || used.has(ip)) continue;
    return ip;
  }
  throw conflict(`no available IPv4 addresses on this network's address pools (${formatIp(range.base)}/${range.bits} is full)`);
}

/** A requested --ip: inside the subnet, not reserved, not taken. */
export function checkAddress(subnet: Cidr, gateway: number, used: Set<number>, ip: number): void {
  const last = subnet.base + size(subnet) - 1;
  if (!contains(subnet, ip)) throw conflict(`invalid address ${formatIp(ip)}: it does not belong to any of this network's subnets`);
  if (ip === subnet.base || ip === last || ip === gateway) throw conflict(`address ${formatIp(ip)} is reserved on this network`);
  if (used.has(ip)) throw conflict(`address already in use: ${formatIp(ip)}`);
}

/** docker's MAC for an IPv4 endpoint: 02:42 and the address's four bytes. */
export function macFor(ip: number): string {
  return ['02', '42', ...[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
