// The IPv4 routes of the network namespace berth runs in, from
// /proc/net/route (per namespace, no fork of `ip`). IPAM skips any pool block
// that overlaps one of them, as docker does, so a new bridge never shadows a
// network the host already reaches.
import { readFileSync } from 'node:fs';
import type { Cidr } from './cidr.js';

/** Destinations of the routes (the default route, 0.0.0.0/0, left out: it overlaps everything). */
export function routedPrefixes(text = readFileSync('/proc/net/route', 'utf8')): Cidr[] {
  const out: Cidr[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    // little-endian hex, as the kernel prints them
    const le = (h: string): number => Buffer.from(h.padStart(8, '0'), 'hex').readUInt32LE(0);
    const dest = le(f[1]), m = le(f[7]);
    const bits = 32 - countTrailingZeros(m); // a netmask's ones are contiguous
    if (bits === 0) continue;
    out.push({ base: (dest & m) >>> 0, bits });
  }
  return out;
}

function countTrailingZeros(m: number): number {
  let n = 0;
  while (n < 32 && ((m >>> n) & 1) === 0) n++;
  return n;
}
