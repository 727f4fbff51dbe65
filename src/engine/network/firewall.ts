// NAT and isolation for berth's networks, in berth's own nftables table
// (`ip berth`), so it never edits anyone else's rules. The whole table is
// derived from the network records and replaced in one atomic `nft -f -`
// batch per change: no rule is ever added twice, a crash between two changes
// leaves the previous consistent table, and the next change rewrites it.
//   postrouting: masquerade what leaves a non-internal network's subnet by
//                another interface (docker's POSTROUTING MASQUERADE rule);
//   forward:     an --internal network's bridge forwards nothing in or out;
//   prerouting/output: -p, DNAT from a local address's host port to the
//                container (output: connections made on this host itself).
// Forwarding is switched on in the namespace berth runs in, as docker does.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { BRIDGE_NAME_OPTION, type NetworkRecord } from './types.js';

const TABLE = 'ip berth';

/** The nft batch for these networks (pure: the test reads it). Empty networks: the table goes. */
export function firewallBatch(networks: NetworkRecord[]): string {
  // "add" then "delete" so that deleting a table that is not there is no error
  const lines = [`add table ${TABLE}`, `delete table ${TABLE}`];
  if (networks.length === 0) return lines.join('\n') + '\n';
  lines.push(`add table ${TABLE}`,
    `add chain ${TABLE} prerouting { type nat hook prerouting priority dstnat; policy accept; }`,
    `add chain ${TABLE} output { type nat hook output priority -100; policy accept; }`,
    `add chain ${TABLE} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
    `add chain ${TABLE} forward { type filter hook forward priority filter; policy accept; }`);
  for (const n of networks) {
    const br = JSON.stringify(n.Options[BRIDGE_NAME_OPTION]);
    const tag = `comment "berth:${n.Id.slice(0, 12)}"`;
    if (n.Internal) {
      lines.push(`add rule ${TABLE} forward iifname ${br} oifname != ${br} drop ${tag}`,
        `add rule ${TABLE} forward oifname ${br} iifname != ${br} drop ${tag}`);
    } else {
      lines.push(`add rule ${TABLE} postrouting ip saddr ${n.IPAM.Config[0].Subnet} oifname != ${br} masquerade ${tag}`);
    }
    const published = Object.values(n.Containers).filter((e) => e.Ports?.length);
    // connections from the host's own loopback to a published port leave by the bridge with
    // source 127.x: masqueraded to the gateway (route_localnet lets them out at all)
    // and a container reaching a published port of its own network (hairpin): masqueraded too,
    // or the answer would come straight from the other container's address and be dropped
    if (published.length) {
      lines.push(`add rule ${TABLE} postrouting ip saddr 127.0.0.0/8 oifname ${br} masquerade ${tag}`,
        `add rule ${TABLE} postrouting ip saddr ${n.IPAM.Config[0].Subnet} oifname ${br} ct status dnat masquerade ${tag}`);
    }
    for (const e of published) {
      const ip = e.IPv4Address.split('/')[0];
      const ptag = `comment "berth:${n.Id.slice(0, 12)}:${e.EndpointID.slice(0, 12)}"`;
      for (const p of e.Ports!) {
        const dst = p.hostIp ? `ip daddr ${p.hostIp} ` : '';
        const match = `${dst}${p.proto} dport ${p.hostPort} dnat to ${ip}:${p.containerPort}`;
        lines.push(`add rule ${TABLE} prerouting fib daddr type local ${match} ${ptag}`,
          `add rule ${TABLE} output fib daddr type local ${match} ${ptag}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Replaces berth's table with the one these networks need, and enables forwarding if any routes out. */
export function syncFirewall(networks: NetworkRecord[]): void {
  const r = spawnSync('nft', ['-f', '-'], { input: firewallBatch(networks), encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the nft command is not installed (Debian: nftables)' : r.error.message : r.stderr.trim().split('\n')[0];
    throw new BerthError('NATIVE', `cannot set up NAT for berth's networks: ${why}`, { step: 'nft -f -' });
  }
  if (networks.some((n) => !n.Internal)) writeFileSync('/proc/sys/net/ipv4/ip_forward', '1\n');
  for (const n of networks) {
    if (!Object.values(n.Containers).some((e) => e.Ports?.length)) continue;
    try {
      writeFileSync(`/proc/sys/net/ipv4/conf/${n.Options[BRIDGE_NAME_OPTION]}/route_localnet`, '1\n');
    } catch { /* the bridge is not there (yet): made at its first container's start */ }
  }
}
