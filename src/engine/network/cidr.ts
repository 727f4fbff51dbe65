// IPv4 addresses and prefixes as 32-bit numbers: parsing, formatting and the
// containment tests that IPAM needs. IPv4 only (docker's default; --ipv6 is
// not supported yet).
import { invalid } from '../errors.js';

export interface Cidr { base: number; bits: number }

export function parseIp(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return undefined;
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** "10.1.0.0/16" (the host bits must be zero, as docker requires for --subnet/--ip-range). */
export function parseCidr(s: string, flag: string): Cidr {
  const [ip, len, extra] = s.split('/');
  const base = parseIp(ip ?? '');
  const bits = len !== undefined && /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (base === undefined || extra !== undefined || !(bits >= 0 && bits <= 32)) throw invalid(`invalid ${flag} ${s}: not an IPv4 CIDR (e.g. 172.20.0.0/16)`);
  if ((base & mask(bits)) >>> 0 !== base) throw invalid(`invalid ${flag} ${s}: it has host bits set (use ${formatIp((base & mask(bits)) >>> 0)}/${bits})`);
  return { base, bits };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.bits}`;
}

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.bits)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  return ((a.base & mask(bits)) >>> 0) === ((b.base & mask(bits)) >>> 0);
}

/** The number of addresses in the prefix. */
export function size(c: Cidr): number {
  return 2 ** (32 - c.bits);
}
