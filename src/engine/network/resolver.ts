// A user-defined network's resolver process, from the engine's side (podman's
// aardvark-dns is the model; docker's embedded DNS needs its daemon). Started
// on demand when a container's endpoint is plugged, stopped when the network's
// last endpoint goes, so nothing resident serves an empty network. The
// process (dns-main.ts) listens on the network's gateway, port 53, in the
// namespace berth runs in; containers name it in their resolv.conf.
//
// networks/<id>.resolver.lock orders starting and stopping: each decides under
// it, after the network's record changed, so a container attaching while the
// last one leaves either keeps the resolver or starts a new one. The pid file
// (pid + start time, written by the resolver once it listens) tells a live
// resolver from a recycled pid. The resolver also exits by itself when it finds
// its network empty or gone (a CLI killed between detach and stop).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Layout } from '../store/layout.js';
import { spawnNodeHelper } from '../node-helper.js';
import { readJson } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { procStartTime } from '../proc.js';
import { BerthError } from '../errors.js';
import { DEFAULT_NETWORK, type NetworkRecord } from './types.js';

export const dnsMain = fileURLToPath(new URL('./dns-main.js', import.meta.url));

const READY_TIMEOUT_MS = 10_000;

export interface ResolverPid { pid: number; startTime: number }

export function resolverFiles(layout: Layout, networkId: string): { lock: string; pid: string } {
  const dir = join(layout.root, 'networks');
  return { lock: join(dir, `${networkId}.resolver.lock`), pid: join(dir, `${networkId}.resolver.pid`) };
}

/** docker's rule: the default bridge resolves no names (its containers get the host's resolvers). */
export function resolvesNames(n: { Name: string }): boolean {
  return n.Name !== DEFAULT_NETWORK;
}

/** The pid of the network's resolver if it runs. */
export function runningResolver(layout: Layout, networkId: string): number | undefined {
  const r = readJson<ResolverPid>(resolverFiles(layout, networkId).pid);
  return r && procStartTime(r.pid) === r.startTime ? r.pid : undefined;
}

/** Starts the network's resolver unless it runs; returns once it answers on the gateway. */
export async function ensureResolver(layout: Layout, n: NetworkRecord): Promise<void> {
  if (!resolvesNames(n)) return;
  await withLock(resolverFiles(layout, n.Id).lock, async () => {
    if (runningResolver(layout, n.Id) === undefined) await spawnResolver(layout, n);
  });
}

/** The resolver's first line says "ready" (it listens and wrote its pid file) or why not; then
 * this end of the pipe closes (the resolver writes nothing more). It is detached and outlives
 * this process. */
function spawnResolver(layout: Layout, n: NetworkRecord): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnNodeHelper(dnsMain, [layout.root, n.Id], { stdout: 'pipe' });
    const said = child.stdout!;
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), READY_TIMEOUT_MS);
    said.setEncoding('utf8');
    said.on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) said.destroy();
    });
    said.on('close', () => {
      clearTimeout(timer);
      child.unref();
      if (out.startsWith('ready\n')) return resolve();
      const why = /^error: (.*)/m.exec(out)?.[1] ?? 'it exited before it was ready';
      reject(new BerthError('NATIVE', `cannot start the DNS resolver of network ${n.Name} on ${n.IPAM.Config[0].Gateway}:53: ${why}`));
    });
    child.on('error', (e) => reject(new BerthError('NATIVE', `cannot start the DNS resolver of network ${n.Name}: ${e.message}`)));
  });
}

/** After an endpoint left: stops the resolver if its network has none left (or is gone). */
export async function stopIdleResolver(layout: Layout, networkId: string, list: () => NetworkRecord[]): Promise<void> {
  const files = resolverFiles(layout, networkId);
  const n = list().find((x) => x.Id === networkId);
  // a removed network took its lock file along; its resolver, if any, exits by itself
  if (!n || !resolvesNames(n)) return;
  await withLock(files.lock, async () => {
    const now = list().find((x) => x.Id === networkId);
    if (now && Object.keys(now.Containers).length) return;
    const pid = runningResolver(layout, networkId);
    if (pid !== undefined) await killResolver(pid);
    rmSync(files.pid, { force: true });
  });
}

/** SIGTERM, then SIGKILL if it has not gone within 2 s. */
export async function killResolver(pid: number): Promise<void> {
  const start = procStartTime(pid);
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 200; i++) {
    if (procStartTime(pid) !== start) return;
    await sleep(10);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Every resolver process of this root (by its command line), with its network's id. */
export function resolverProcesses(layout: Layout): { pid: number; networkId: string }[] {
  const out: { pid: number; networkId: string }[] = [];
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    let argv: string[];
    try { argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').slice(0, -1); } catch { continue; }
    const i = argv.findIndex((a) => a.endsWith('/dns-main.js'));
    if (i > 0 && argv[i + 1] === layout.root && argv[i + 2] && procStartTime(Number(p)) !== undefined) out.push({ pid: Number(p), networkId: argv[i + 2] });
  }
  return out;
}
