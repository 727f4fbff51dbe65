// Networking costs (issue 16), inside the bench's own network namespace:
//  - set-up: `run --rm bb /bin/true` on the default bridge vs `--network none`, paired in
//    the same round (interleaved, rotating order), the difference per pair;
//  - TCP throughput into a container: a Node sender on the host to a Node receiver in the
//    container, through `-p` (127.0.0.1:PORT, DNAT) vs straight to the container's address,
//    and container↔container on one bridge (the sender `exec`d in a second container). The
//    sender times itself from connect to the receiver's byte count (process start excluded)
//    and fails unless every byte arrived. The containers run this host's node, bound in
//    read-only (busybox has no sender or receiver of its own);
//  - N containers on one user-defined network: per-container start (`run -d`), berth and
//    podman (netavark, its own network in the same namespace) interleaved when podman runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hostNodeFlags } from '../test/helpers/fixtures.js';
import type { Anchors } from './anchors.js';
import { removeBerth } from './density.js';
import { anchorsDir, berth, fmt, interleave, log, out, summary, timed, verdict, type Row } from './util.js';

const PORT = 5201;
const MiB = 1024 * 1024;
const RECEIVER = `require('net').createServer((s) => { let n = 0; s.on('data', (d) => (n += d.length)).on('end', () => s.end(String(n))); }).listen(${PORT})`;
/** argv: HOST PORT MIB; prints the ms from connect to the receiver's count. */
const SENDER = `const [host, port, mib] = process.argv.slice(1).map((x, i) => (i ? Number(x) : x));
const buf = Buffer.alloc(${MiB}); let left = mib; let got = '';
const t0 = process.hrtime.bigint();
const s = require('net').connect(port, host, () => { const pump = () => { while (left > 0) { left--; if (!s.write(buf)) return void s.once('drain', pump); } s.end(); }; pump(); });
s.on('data', (d) => (got += d)).on('end', () => { if (Number(got) !== mib * ${MiB}) { console.error('received ' + got); process.exit(1); } console.log(Number(process.hrtime.bigint() - t0) / 1e6); });`;

/** Wall ms of a command, and the CPU ms (user + system) of it and the children it waited for:
 * the CLI does the network set-up itself (netlink from node), so its CPU shows that cost
 * even when the shared cores make wall times swing by hundreds of ms. */
function wallAndCpu(cmd: string, args: string[], cpu: number[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%3U %3S"; { time "$@" >/dev/null 2>/dev/null; } 2>&1', 'bash', cmd, ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const [u, s] = r.stdout.trim().split('\n').pop()!.split(' ').map(Number);
  if (r.status !== 0 || !(u >= 0 && s >= 0)) throw new Error(`${cmd} ${args.join(' ')}: ${r.stdout.slice(-300)}`);
  cpu.push((u + s) * 1000);
  return ms;
}

function sent(cmd: string, args: string[]): number {
  const ms = Number(out(cmd, args));
  if (!(ms > 0)) throw new Error(`${cmd}: no time reported`);
  return ms;
}

export async function benchNetwork(a: Anchors, cfg: { rounds: number; mib: number; containers: number }): Promise<Row[]> {
  const rows: Row[] = [];
  const root = join(a.tmp, 'berth-network');
  timed(...berth(root, 'import', join(a.bb, 'busybox-rootfs.tar'), 'bb'));
  const ids: string[] = [];
  try {
    // set-up cost, paired
    {
      const cpu: Record<string, number[]> = { bridge: [], none: [] };
      const tools: Record<string, () => number> = {
        bridge: () => wallAndCpu(...berth(root, 'run', '--rm', 'bb', '/bin/true'), cpu.bridge),
        none: () => wallAndCpu(...berth(root, 'run', '--rm', '--network', 'none', 'bb', '/bin/true'), cpu.none),
      };
      const errors: Record<string, string> = {};
      log(`network set-up: bridge vs none × ${cfg.rounds}`);
      await interleave(1, tools, errors); // warm-up: the default network and its bridge are made here
      cpu.bridge.length = cpu.none.length = 0;
      const res = await interleave(cfg.rounds, tools, errors);
      if (errors.bridge || errors.none) throw new Error(errors.bridge ?? errors.none);
      const diff = summary(res.bridge.map((b, i) => b - res.none[i]));
      const cpuDiff = summary(cpu.bridge.map((b, i) => b - cpu.none[i]));
      rows.push({ section: 'network', what: '`run --rm bb /bin/true` on the default bridge', value: fmt(summary(res.bridge)) },
        { section: 'network', what: '`run --rm --network none bb /bin/true`', value: fmt(summary(res.none)) },
        { section: 'network', what: 'network set-up: bridge − none, per pair (wall)', value: fmt(diff, 'ms', 1), note: verdict(diff.med <= 10, 'target ≤ 10 ms') },
        { section: 'network', what: 'CLI CPU (user + system) of the same runs: bridge / none', value: `${fmt(summary(cpu.bridge))} / ${fmt(summary(cpu.none))}` },
        { section: 'network', what: 'network set-up: bridge − none, per pair (CLI CPU)', value: fmt(cpuDiff, 'ms', 1) });
    }

    // TCP throughput
    {
      ids.push(out(...berth(root, 'run', '-d', ...hostNodeFlags(), '-p', `${PORT}:${PORT}`, 'bb', 'node', '-e', RECEIVER)));
      ids.push(out(...berth(root, 'run', '-d', ...hostNodeFlags(), 'bb', 'sleep', '1000000')));
      const ip = out(...berth(root, 'inspect', '-f', '{{.NetworkSettings.IPAddress}}', ids[0]));
      for (let i = 0; i < 50 && spawnSync('node', ['-e', SENDER, ip, String(PORT), '1']).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      const mib = String(cfg.mib);
      const tools: Record<string, () => number> = {
        direct: () => sent('node', ['-e', SENDER, ip, String(PORT), mib]),
        published: () => sent('node', ['-e', SENDER, '127.0.0.1', String(PORT), mib]),
        'container↔container': () => sent(...berth(root, 'exec', ids[1], 'node', '-e', SENDER, ip, String(PORT), mib)),
      };
      const errors: Record<string, string> = {};
      log(`network throughput: ${cfg.mib} MiB, ${Object.keys(tools).join(', ')} × ${cfg.rounds}`);
      await interleave(1, tools, errors);
      const res = await interleave(cfg.rounds, tools, errors);
      const rate = (ms: number) => (cfg.mib * MiB) / 1e6 / (ms / 1000);
      const S = Object.fromEntries(Object.entries(res).filter(([, v]) => v.length).map(([n, v]) => [n, summary(v.map(rate))]));
      const label: Record<string, string> = {
        direct: 'host → container address (Node sender → Node receiver)',
        published: 'host → 127.0.0.1 published port (`-p`, DNAT)',
        'container↔container': 'container → container on one bridge',
      };
      for (const n of Object.keys(tools)) {
        rows.push(S[n] ? { section: 'network', what: `TCP ${cfg.mib} MiB: ${label[n]}`, value: fmt(S[n], 'MB/s') }
          : { section: 'network', what: `TCP: ${label[n]}`, value: 'failed', note: errors[n] });
      }
      if (S.direct && S.published) {
        const r = S.published.med / S.direct.med;
        rows.push({ section: 'network', what: 'TCP through `-p` / direct', value: `${r.toFixed(2)}×`, note: verdict(r >= 0.9, 'target ≥ 0.9×') });
      }
      if (S.direct && S['container↔container']) {
        rows.push({ section: 'network', what: 'TCP container↔container / host → container', value: `${(S['container↔container'].med / S.direct.med).toFixed(2)}×` });
      }
      removeBerth(root, ids);
    }

    // N containers on one network
    {
      out(...berth(root, 'network', 'create', 'many'));
      const penv = a.podmanEnv;
      const podman = (...args: string[]): [string, string[], { env: NodeJS.ProcessEnv }] =>
        ['bash', [join(anchorsDir, 'podman.sh'), ...args], { env: { ...process.env, ...penv } }];
      const tools: Record<string, () => number> = {
        berth: () => {
          const t0 = process.hrtime.bigint();
          ids.push(out(...berth(root, 'run', '-d', '--network', 'many', 'bb', 'sleep', '1000000')));
          return Number(process.hrtime.bigint() - t0) / 1e6;
        },
      };
      let podmanNote = a.skip.podman ?? 'not available';
      if (penv) {
        const r = spawnSync(...podman('network', 'create', 'many'));
        if (r.status === 0) tools.podman = () => timed(...podman('run', '-d', '--network', 'many', 'localhost/bb:latest', 'sleep', '1000000'));
        else podmanNote = `podman network create: ${String(r.stderr).trim().split('\n').pop()}`;
      }
      const errors: Record<string, string> = {};
      log(`network: ${cfg.containers} containers on one network, ${Object.keys(tools).join(', ')}, interleaved`);
      const res = await interleave(cfg.containers, tools, errors);
      for (const k of Object.keys(tools)) {
        if (errors[k]) { rows.push({ section: 'network', what: `${k}: ${cfg.containers} containers on one network`, value: 'failed', note: errors[k] }); continue; }
        const first = summary(res[k].slice(0, 10)), last = summary(res[k].slice(-10));
        rows.push({ section: 'network', what: `${k}: start ${cfg.containers} containers on one network (\`run -d --network NET\`)`,
          value: `${(res[k].reduce((x, y) => x + y, 0) / 1000).toFixed(1)} s; each ${fmt(summary(res[k]))}`, note: `first 10 ${fmt(first)}, last 10 ${fmt(last)}` });
      }
      if (tools.podman && !errors.podman && !errors.berth) {
        rows.push({ section: 'network', what: `berth / podman per container, ${cfg.containers} on one network`, value: `${(summary(res.berth).med / summary(res.podman).med).toFixed(2)}×` });
      } else if (!tools.podman) rows.push({ section: 'network', what: 'podman (netavark) on one network', value: 'skipped', note: podmanNote });
      if (tools.podman) {
        for (const args of [['rm', '-af', '-t', '0'], ['network', 'rm', '-f', 'many']]) {
          const [cmd, argv, opts] = podman(...args);
          spawnSync(cmd, argv, { ...opts, stdio: 'ignore' });
        }
      }
    }
  } finally {
    removeBerth(root, ids);
    spawnSync(...berth(root, 'network', 'rm', '-f', 'many'), { stdio: 'ignore' });
    spawnSync(...berth(root, 'network', 'prune', '-f'), { stdio: 'ignore' });
  }
  return rows;
}
