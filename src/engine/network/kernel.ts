// The kernel side of a network, as netlink op lists (data, replayed by the
// addon's netlinkApply): the bridge with its gateway address, and per
// container a veth pair whose peer is born inside the container's network
// namespace under its final name (eth0, eth1, …), so no rename or move is
// needed and no name can clash in the host's namespace. The peer dies with the
// namespace, and takes the host end with it: a container that exits leaves
// no interface behind even if nobody cleans up.
import { netlinkApply, type NetlinkOp } from '../../native/index.js';
import { BerthError } from '../errors.js';
import { BRIDGE_NAME_OPTION, type Attachment, type NetworkRecord } from './types.js';
import { syncFirewall } from './firewall.js';

/** The bridge's own MAC, fixed (locally administered, from the network id). A bridge without
 * one takes the lowest MAC of its ports, so a container joining with a lower one changed the
 * gateway's MAC under every other container's ARP cache: their traffic to the gateway (the
 * resolver, NAT) was lost for seconds, until the stale entries were probed again. */
export function bridgeMac(n: NetworkRecord): string {
  return ['02', ...(n.Id.slice(0, 10).match(/../g) ?? [])].join(':');
}

/** fresh: the bridge must not exist yet (network create: never adopt someone's interface). */
export function bridgeOps(n: NetworkRecord, fresh = false): NetlinkOp[] {
  const name = n.Options[BRIDGE_NAME_OPTION];
  const [, bits] = n.IPAM.Config[0].Subnet.split('/');
  return [
    { op: 'bridge', name, fresh },
    { op: 'link', name, mac: bridgeMac(n) },
    { op: 'addr', name, ip: n.IPAM.Config[0].Gateway, prefix: Number(bits) },
    { op: 'link', name, up: true },
  ];
}

export function hostEndOps(a: Attachment, pid: number, ifname: string): NetlinkOp[] {
  return [
    { op: 'veth', name: a.hostVeth, peer: ifname, peerNetnsPid: pid },
    { op: 'link', name: a.hostVeth, master: a.bridge, up: true },
  ];
}

/** Inside the container: MAC, address, up, and the default route (only through the first
 * network, as docker, and never through an --internal one). */
export function containerEndOps(a: Attachment, ifname: string, defaultRoute: boolean): NetlinkOp[] {
  return [
    { op: 'link', name: ifname, mac: a.mac },
    { op: 'addr', name: ifname, ip: a.ip, prefix: a.prefixLen },
    { op: 'link', name: ifname, up: true },
    ...(a.internal || !defaultRoute ? [] : [{ op: 'route' as const, name: ifname, gateway: a.gateway }]),
  ];
}

function apply(ops: NetlinkOp[], pid = 0): boolean[] {
  try {
    return netlinkApply(ops, pid);
  } catch (e) {
    const err = e as Error & { step?: string; code?: string };
    throw new BerthError('NATIVE', `network setup failed: ${err.message}`, { step: err.step, errno: err.code });
  }
}

/** Makes sure the network's bridge exists, carries the gateway and is up (idempotent).
 * A bridge made now (first use, or after the namespace lost it) gets berth's NAT table
 * rewritten from every network's record. */
export function ensureBridge(n: NetworkRecord, all: () => NetworkRecord[], fresh = false): void {
  let made: boolean[];
  try {
    made = apply(bridgeOps(n, fresh));
  } catch (e) {
    if (fresh && (e as BerthError).errno === 'EEXIST') throw new BerthError('CONFLICT', `cannot create network ${n.Name}: an interface named ${n.Options[BRIDGE_NAME_OPTION]} exists already`);
    throw e;
  }
  if (made[0]) syncFirewall(all());
}

/** Gives the process `pid`'s network namespace an interface on the network. */
export function plugEndpoint(n: NetworkRecord, all: () => NetworkRecord[], a: Attachment, pid: number, ifname: string, defaultRoute: boolean): void {
  ensureBridge(n, all);
  apply(hostEndOps(a, pid, ifname));
  try {
    apply(containerEndOps(a, ifname, defaultRoute), pid);
  } catch (e) {
    unplugEndpoint(a);
    throw e;
  }
}

/** Deletes the host end (and so the container's end) of an endpoint; nothing if it is gone. */
export function unplugEndpoint(a: Attachment): void {
  apply([{ op: 'del', name: a.hostVeth }]);
}

/** The bridge goes, and the NAT table is rewritten from the networks that remain. */
export function removeBridge(n: NetworkRecord, remaining: NetworkRecord[]): void {
  apply([{ op: 'del', name: n.Options[BRIDGE_NAME_OPTION] }]);
  syncFirewall(remaining);
}
