// A container's networks across its life: addresses taken under the
// networks' lock before the spawn (so /etc/hosts can name them), interfaces
// plugged into the init's namespace while it waits at its start gate, and
// everything released when the run ends or the container goes. Release is
// idempotent and keyed by container id, so a start killed half-way is undone
// by the next start, exit collection or rm.
import type { Layout } from '../store/layout.js';
import { invalid, notFound } from '../errors.js';
import { CLONE, releaseStart, type SpawnResult, type SpawnSpec } from '../../native/index.js';
import { DEFAULT_NETWORK, NetworkStore, parseNetworkMode, plugEndpoint, unplugEndpoint, type Attachment } from '../network/index.js';
import type { ContainerRecord, NetworkConfig } from './types.js';
import { extraHostLine } from '../runtime/etc-files.js';

/** Checks --network/--ip/--mac-address at create time (docker refuses these before creating). */
export function checkNetworkConfig(layout: Layout, cfg: NetworkConfig): void {
  const mode = parseNetworkMode(cfg.mode);
  if (mode.kind === 'container') throw invalid(`--network container:${mode.container} is not supported yet`);
  if (mode.kind === 'network' && mode.name !== DEFAULT_NETWORK && !new NetworkStore(layout).find(mode.name)) throw notFound('network', mode.name);
  if (cfg.ip && (mode.kind !== 'network' || mode.name === DEFAULT_NETWORK)) throw invalid('user specified IP address is supported on user defined networks only');
  if (cfg.mac && !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(cfg.mac)) throw invalid(`invalid --mac-address ${cfg.mac}: expected six hex bytes (02:42:ac:11:00:02)`);
  if (cfg.mac && (parseInt(cfg.mac.slice(0, 2), 16) & 1)) throw invalid(`invalid --mac-address ${cfg.mac}: a multicast address`);
  (cfg.extraHosts ?? []).forEach(extraHostLine);
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
  const mine = store.attachmentsOf(rec.id);
  const extra = mine.filter((a) => a.network !== mode.name && a.networkId !== mode.name);
  const primary = await store.attach(mode.name, { containerId: rec.id, containerName: rec.name, ip: cfg.ip, mac: cfg.mac });
  return [primary, ...extra];
}

/** The spec changes a network mode makes: no namespace of its own for host, the gate for bridges. */
export function networkSpec(spec: SpawnSpec, rec: ContainerRecord, attachments: Attachment[]): SpawnSpec {
  if (parseNetworkMode(networkModeOf(rec)).kind === 'host') return { ...spec, namespaces: spec.namespaces & ~CLONE.NEWNET };
  return attachments.length ? { ...spec, networkGate: true } : spec;
}

/** While the init waits at its gate: plug every endpoint (eth0, eth1, …), then open the gate.
 * On failure the gate is closed instead (the init exits 125) and the init's own error, if it
 * failed before the gate, is the one thrown. */
export function plugAndRelease(layout: Layout, spawned: SpawnResult, attachments: Attachment[]): SpawnResult {
  if (!spawned.gate) return spawned;
  const store = new NetworkStore(layout);
  try {
    attachments.forEach((a, i) => plugEndpoint(store.get(a.networkId), a, spawned.initPid, `eth${i}`));
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
  }
}

/** /etc/hosts lines for the container's own addresses (docker: "IP\tHOSTNAME"). */
export function ownHostsLines(rec: ContainerRecord, attachments: Attachment[]): string[] {
  return attachments.map((a) => `${a.ip}\t${rec.config.hostname}`);
}
