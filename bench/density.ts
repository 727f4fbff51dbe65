// Density: N idle containers (`sleep`) started one CLI call after another and kept
// running, berth's and podman's interleaved (one of each per round); the wall time
// for all N, and what each one costs in its monitor (berth-monitor vs podman's
// conmon), RSS and PSS; then `ps` with the N running, berth's and podman's
// interleaved. The containers are removed at the end whatever happens.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Anchors } from './anchors.js';
import { findProcs, memKiB } from './procs.js';
import { anchorsDir, berth, fmt, interleave, log, summary, timed, verdict, type Row } from './util.js';

export function removeBerth(root: string, ids: string[]): void {
  for (let i = 0; i < ids.length; i += 50) spawnSync(...berth(root, 'rm', '-f', ...ids.slice(i, i + 50)), { stdio: 'ignore' });
  ids.length = 0;
}

export async function benchDensity(a: Anchors, n: number, psRounds = 7): Promise<Row[]> {
  const rows: Row[] = [];
  const root = join(a.tmp, 'berth-density');
  timed(...berth(root, 'import', join(a.bb, 'busybox-rootfs.tar'), 'bb'));
  const penv = a.podmanEnv;
  const podmanArgs = (...args: string[]): [string, string[], { env: NodeJS.ProcessEnv }] =>
    ['bash', [join(anchorsDir, 'podman.sh'), ...args], { env: { ...process.env, ...penv } }];
  // one container of each tool per round, in rotating order: both see the same machine
  const tools: Record<string, () => number> = {
    berth: () => timed(...berth(root, 'run', '-d', '--network', 'none', 'bb', 'sleep', '1000000')),
  };
  if (penv) tools.podman = () => timed(...podmanArgs('run', '-d', '--network', 'none', 'localhost/bb:latest', 'sleep', '1000000'));
  else rows.push({ section: 'density', what: 'podman density', value: 'skipped', note: a.skip.podman });
  const errors: Record<string, string> = {};
  try {
    log(`density: ${Object.keys(tools).join(', ')} × ${n}, interleaved`);
    const res = await interleave(n, tools, errors);
    const total = (k: string) => res[k].reduce((x, y) => x + y, 0);
    for (const k of Object.keys(tools)) {
      if (errors[k]) { rows.push({ section: 'density', what: `${k} density`, value: 'failed', note: errors[k] }); continue; }
      rows.push({ section: 'density', what: `${k}: start ${n} idle containers, kept running`, value: `${(total(k) / 1000).toFixed(1)} s; each ${fmt(summary(res[k]))}` });
    }
    const memRow = (what: string, pids: number[], target?: boolean) => {
      const m = memKiB(pids);
      const rss = m.rss / pids.length;
      rows.push({ section: 'density', what, value: `RSS ${(rss / 1024).toFixed(2)} MiB, PSS ${(m.pss / pids.length / 1024).toFixed(2)} MiB (${pids.length} monitors)`,
        note: target ? verdict(rss <= 1024, 'target ≤ 1 MiB') : undefined });
    };
    if (!errors.berth) memRow('berth-monitor memory per container', findProcs('berth-monitor', root), true);
    if (penv && !errors.podman) memRow('conmon memory per container', findProcs('conmon', penv.ANCHORS_PODMAN!));
    if (penv && !errors.berth && !errors.podman) {
      const r = total('berth') / total('podman');
      rows.push({ section: 'density', what: `berth / podman, start ${n}`, value: `${r.toFixed(2)}×`, note: verdict(r <= 0.8, 'target ≤ 0.8×') });
      rows.push(...await benchPs(n, psRounds, {
        berth: () => timed(...berth(root, 'ps')),
        podman: () => timed(...podmanArgs('ps')),
      }));
    }
  } finally {
    const ids = spawnSync(...berth(root, 'ps', '-aq'), { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    removeBerth(root, ids);
    if (penv) {
      const [cmd, args, opts] = podmanArgs('rm', '-af', '-t', '0');
      spawnSync(cmd, args, { ...opts, stdio: 'ignore' });
    }
  }
  return rows;
}

/** `ps` with the n containers of both tools running: one whole process each, interleaved. */
async function benchPs(n: number, rounds: number, tools: Record<string, () => number>): Promise<Row[]> {
  const errors: Record<string, string> = {};
  log(`ps with ${n} running: ${Object.keys(tools).join(', ')} × ${rounds}`);
  const res = await interleave(rounds, tools, errors);
  const rows: Row[] = [];
  for (const k of Object.keys(tools)) {
    rows.push(errors[k] ? { section: 'density', what: `${k} ps, ${n} running`, value: 'failed', note: errors[k] }
      : { section: 'density', what: `${k} ps, ${n} running`, value: fmt(summary(res[k])) });
  }
  if (!errors.berth && !errors.podman) {
    const r = summary(res.berth).med / summary(res.podman).med;
    rows.push({ section: 'density', what: `target: berth ps ≤ podman's, ${n} running`, value: `${r.toFixed(2)}×`, note: verdict(r <= 1, 'target ≤ 1.0×') });
  }
  return rows;
}
