// The CLI verbs that end a container, against podman's: `rm -f` of a running
// container and `stop -t 0`, one whole process each (node's start-up included, as a
// user pays it). Each round first starts one idle container per tool, untimed, then
// times the verb on it; rounds interleave the tools. `ps` at 100 containers is
// density.ts's row (it has them running).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Anchors } from './anchors.js';
import { removeBerth } from './density.js';
import { anchorsDir, berth, fmt, interleave, log, out, summary, timed, verdict, type Row } from './util.js';

export async function benchCli(a: Anchors, rounds: number): Promise<Row[]> {
  if (!a.podmanEnv) return [{ section: 'cli', what: 'rm -f / stop -t 0', value: 'skipped', note: a.skip.podman ?? 'no podman' }];
  const root = join(a.tmp, 'berth-cli');
  timed(...berth(root, 'import', join(a.bb, 'busybox-rootfs.tar'), 'bb'));
  const podman = (...args: string[]): [string, string[], { env: NodeJS.ProcessEnv }] =>
    ['bash', [join(anchorsDir, 'podman.sh'), ...args], { env: { ...process.env, ...a.podmanEnv } }];
  const idle = {
    berth: () => out(...berth(root, 'run', '-d', '--network', 'none', 'bb', 'sleep', '1000000')),
    podman: () => out(...podman('run', '-d', '--network', 'none', 'localhost/bb:latest', 'sleep', '1000000')),
  };
  const rows: Row[] = [];
  const berthIds: string[] = [];
  try {
    // podman's `rm -f` stops with its 10 s grace first; docker's (and berth's) kill at once,
    // which podman does with `-t 0`
    for (const [verb, args, podmanArgs] of [['rm -f', ['rm', '-f'], ['rm', '-f', '-t', '0']], ['stop -t 0', ['stop', '-t', '0'], ['stop', '-t', '0']]] as const) {
      const tools: Record<string, () => number> = {
        berth: () => { const id = idle.berth(); berthIds.push(id); return timed(...berth(root, ...args, id)); },
        podman: () => { const id = idle.podman(); return timed(...podman(...podmanArgs, id)); },
      };
      const errors: Record<string, string> = {};
      log(`cli ${verb} of a running container: berth, podman × ${rounds}`);
      const res = await interleave(rounds, tools, errors);
      const S = Object.fromEntries(Object.entries(res).filter(([, v]) => v.length).map(([n, v]) => [n, summary(v)]));
      for (const n of ['berth', 'podman']) {
        rows.push(S[n] ? { section: 'cli', what: `${n} ${(n === 'podman' ? podmanArgs : args).join(' ')} (a running container)`, value: fmt(S[n]) }
          : { section: 'cli', what: `${n} ${verb}`, value: 'failed', note: errors[n] });
      }
      if (S.berth && S.podman) {
        const r = S.berth.med / S.podman.med;
        rows.push({ section: 'cli', what: `target: berth ${verb} ≤ podman's`, value: `${r.toFixed(2)}×`, note: verdict(r <= 1, 'target ≤ 1.0×') });
      }
    }
  } finally {
    removeBerth(root, [...new Set(berthIds)]);
    const [cmd, args, opts] = podman('rm', '-af', '-t', '0');
    spawnSync(cmd, args, { ...opts, stdio: 'ignore' });
  }
  return rows;
}
