// Density: N idle containers (`sleep`) started one CLI call after another and kept
// running; the wall time for all N, and what each one costs in its monitor
// (berth-monitor vs podman's conmon), RSS and PSS. The containers are removed at
// the end whatever happens.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Anchors } from './anchors.js';
import { findProcs, memKiB } from './procs.js';
import { anchorsDir, berth, log, timed, type Row } from './util.js';

const runOnce = (cmd: string, args: string[], env?: NodeJS.ProcessEnv): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${args.slice(0, 6).join(' ')}: ${r.stderr.slice(-300)}`);
  return r.stdout.trim();
};

/** Starts N berth containers in root; returns their ids (the caller removes them). */
export function startBerthIdle(root: string, n: number, ids: string[]): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ids.push(runOnce(...berth(root, 'run', '-d', 'bb', 'sleep', '1000000')));
  return performance.now() - t0;
}

export function removeBerth(root: string, ids: string[]): void {
  for (let i = 0; i < ids.length; i += 50) spawnSync(...berth(root, 'rm', '-f', ...ids.slice(i, i + 50)), { stdio: 'ignore' });
  ids.length = 0;
}

export async function benchDensity(a: Anchors, n: number): Promise<Row[]> {
  const rows: Row[] = [];
  const root = join(a.tmp, 'berth-density');
  timed(...berth(root, 'import', join(a.bb, 'busybox-rootfs.tar'), 'bb'));
  const ids: string[] = [];
  let berthMs = 0, podmanMs = 0;
  try {
    log(`density: berth × ${n}`);
    berthMs = startBerthIdle(root, n, ids);
    const mons = findProcs('berth-monitor', root);
    const m = memKiB(mons);
    rows.push({ section: 'density', what: `berth: start ${n} idle containers`, value: `${(berthMs / 1000).toFixed(1)} s (${(berthMs / n).toFixed(0)} ms each)` });
    rows.push({ section: 'density', what: 'berth-monitor memory per container', value: `RSS ${(m.rss / mons.length / 1024).toFixed(2)} MiB, PSS ${(m.pss / mons.length / 1024).toFixed(2)} MiB (${mons.length} monitors)`,
      note: m.rss / mons.length <= 1024 ? 'target ≤ 1 MiB: met' : 'target ≤ 1 MiB: MISSED' });
  } catch (e) {
    rows.push({ section: 'density', what: 'berth density', value: 'failed', note: String(e).slice(0, 200) });
  } finally { removeBerth(root, ids); }

  if (!a.podmanEnv) { rows.push({ section: 'density', what: 'podman density', value: 'skipped', note: a.skip.podman }); return rows; }
  const penv = a.podmanEnv;
  const podman = (...args: string[]) => runOnce('bash', [join(anchorsDir, 'podman.sh'), ...args], penv);
  try {
    log(`density: podman × ${n}`);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) podman('run', '-d', '--network', 'none', 'localhost/bb:latest', 'sleep', '1000000');
    podmanMs = performance.now() - t0;
    const mons = findProcs('conmon', penv.ANCHORS_PODMAN!);
    const m = memKiB(mons);
    rows.push({ section: 'density', what: `podman: start ${n} idle containers`, value: `${(podmanMs / 1000).toFixed(1)} s (${(podmanMs / n).toFixed(0)} ms each)` });
    rows.push({ section: 'density', what: 'conmon memory per container', value: `RSS ${(m.rss / mons.length / 1024).toFixed(2)} MiB, PSS ${(m.pss / mons.length / 1024).toFixed(2)} MiB (${mons.length} monitors)` });
    if (berthMs) rows.push({ section: 'density', what: `berth / podman, start ${n}`, value: `${(berthMs / podmanMs).toFixed(2)}×` });
  } catch (e) {
    rows.push({ section: 'density', what: 'podman density', value: 'failed', note: String(e).slice(0, 200) });
  } finally { spawnSync('bash', [join(anchorsDir, 'podman.sh'), 'rm', '-af', '-t', '0'], { env: { ...process.env, ...penv }, stdio: 'ignore' }); }
  return rows;
}
