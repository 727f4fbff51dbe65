// The Docker Engine API face (issue 19): the same docker CLI against berth's service
// (`berth system service`), podman's (`podman system service`) and dockerd, interleaved
// round by round. Start-to-exit of `docker run --rm bb /bin/true` (with the podman CLI's
// own `podman run --rm` beside it, the anchor); N `docker run -d` in a row through
// each service (starts per second); and each service's memory at idle and with the N
// containers running (berth: its service process; podman: its service process; docker:
// dockerd + containerd). No network in any container (`--network none`). Everything made
// here is removed at the end, and both services stopped, whatever happens.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Anchors } from './anchors.js';
import { findProcs, memKiB } from './procs.js';
import { anchorsDir, berth, berthBin, fmt, interleave, log, summary, timed, verdict, type Row } from './util.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startService(cmd: string, args: string[], sock: string, env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  const p = spawn(cmd, args, { stdio: 'ignore', env, detached: false });
  for (let i = 0; i < 200 && !existsSync(sock); i++) await sleep(50);
  if (!existsSync(sock)) { p.kill('SIGKILL'); throw new Error(`${cmd} ${args.join(' ')}: no socket at ${sock}`); }
  return p;
}

async function stopService(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([gone, sleep(10_000)]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

export async function benchApi(a: Anchors, o: { rounds: number; containers: number }): Promise<Row[]> {
  const rows: Row[] = [];
  const root = join(a.tmp, 'berth-api');
  timed(...berth(root, 'import', join(a.bb, 'busybox-rootfs.tar'), 'bb'));
  const berthSock = join(a.tmp, 'berth-api.sock');
  const podmanSock = join(a.tmp, 'podman-api.sock');
  const penv = a.podmanEnv ? { ...process.env, ...a.podmanEnv } : undefined;
  let berthSvc: ChildProcess | undefined;
  let podmanSvc: ChildProcess | undefined;
  // docker CLI args per service
  const clients: Record<string, { args: string[]; image: string; mem: () => number[] }> = {};
  const detached: Record<string, string[]> = {};
  try {
    berthSvc = await startService(process.execPath, ['--', berthBin, '--root', root, 'system', 'service', '--host', `unix://${berthSock}`, '--time', '0'], berthSock);
    clients['berth service'] = { args: ['-H', `unix://${berthSock}`], image: 'bb', mem: () => [berthSvc!.pid!] };
    if (penv) {
      podmanSvc = await startService('bash', [join(anchorsDir, 'podman.sh'), 'system', 'service', '--time', '0', `unix://${podmanSock}`], podmanSock, penv);
      clients['podman service'] = { args: ['-H', `unix://${podmanSock}`], image: 'localhost/bb:latest', mem: () => findProcs('podman', podmanSock) };
    } else rows.push({ section: 'api', what: 'podman service', value: 'skipped', note: a.skip.podman });
    if (a.docker && !a.skip.docker) {
      const sock = a.docker.find((x) => x.startsWith('unix://'))!.slice('unix://'.length);
      const dir = sock.slice(0, sock.lastIndexOf('/'));
      clients.dockerd = { args: a.docker.slice(1), image: 'bb:latest', mem: () => [...findProcs('dockerd', dir), ...findProcs('containerd', dir)] };
    } else rows.push({ section: 'api', what: 'dockerd', value: 'skipped', note: a.skip.docker });
    const docker = (c: string, ...args: string[]): [string, string[]] => ['docker', [...clients[c].args, ...args]];

    // start-to-exit, one whole docker CLI (or podman CLI) process per run
    const tools: Record<string, () => number> = {};
    for (const c of Object.keys(clients)) tools[c] = () => timed(...docker(c, 'run', '--rm', '--network', 'none', clients[c].image, '/bin/true'));
    if (penv) tools['podman CLI'] = () => timed('bash', [join(anchorsDir, 'podman.sh'), 'run', '--rm', '--network', 'none', 'localhost/bb:latest', '/bin/true'], { env: penv });
    const errors: Record<string, string> = {};
    log(`api start-to-exit: ${Object.keys(tools).join(', ')} × ${o.rounds}`);
    await interleave(1, tools, errors); // warm-up
    const res = await interleave(o.rounds, tools, errors);
    const S = Object.fromEntries(Object.entries(res).filter(([, v]) => v.length).map(([n, v]) => [n, summary(v)]));
    const label: Record<string, string> = {
      'berth service': '`docker run --rm --network none bb /bin/true` → berth system service',
      'podman service': 'the same docker CLI → podman system service',
      dockerd: 'the same docker CLI → dockerd',
      'podman CLI': '`podman run --rm --network none bb /bin/true`',
    };
    for (const n of Object.keys(tools)) {
      rows.push(S[n] ? { section: 'api', what: label[n], value: fmt(S[n]) } : { section: 'api', what: label[n], value: 'failed', note: errors[n] });
    }
    const b = S['berth service'];
    if (b && S['podman CLI']) rows.push({ section: 'api', what: 'target: docker→berth ≤ 0.6× podman run --rm', value: `${(b.med / S['podman CLI'].med).toFixed(2)}×`, note: verdict(b.med / S['podman CLI'].med <= 0.6, '≤ 0.6×') });
    if (b && S.dockerd) rows.push({ section: 'api', what: 'target: docker→berth ≤ 0.5× docker→dockerd', value: `${(b.med / S.dockerd.med).toFixed(2)}×`, note: verdict(b.med / S.dockerd.med <= 0.5, '≤ 0.5×') });

    // memory at idle, then N `docker run -d` in a row through each service (one of each per round)
    const idle = Object.fromEntries(Object.keys(clients).map((c) => [c, memKiB(clients[c].mem()).rss]));
    const starts: Record<string, () => number> = {};
    for (const c of Object.keys(clients)) {
      detached[c] = [];
      starts[c] = () => {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(...docker(c, 'run', '-d', '--network', 'none', clients[c].image, 'sleep', '1000000'), { encoding: 'utf8' });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 0) throw new Error(`docker run -d → exit ${r.status}: ${r.stderr.slice(-300)}`);
        detached[c].push(r.stdout.trim());
        return ms;
      };
    }
    const runErrors: Record<string, string> = {};
    log(`api: ${o.containers} docker run -d per service, interleaved`);
    const runs = await interleave(o.containers, starts, runErrors);
    for (const c of Object.keys(clients)) {
      if (runErrors[c]) { rows.push({ section: 'api', what: `${c}: ${o.containers} docker run -d`, value: 'failed', note: runErrors[c] }); continue; }
      const total = runs[c].reduce((x, y) => x + y, 0) / 1000;
      rows.push({ section: 'api', what: `${c}: ${o.containers} \`docker run -d\` in a row`, value: `${(o.containers / total).toFixed(2)} starts/s`, note: `each ${fmt(summary(runs[c]))}` });
      const busy = memKiB(clients[c].mem()).rss;
      rows.push({ section: 'api', what: `${c}: service memory (RSS) idle → with ${runs[c].length} containers`, value: `${mib(idle[c])} → ${mib(busy)}`, note: c === 'dockerd' ? 'dockerd + containerd' : undefined });
    }
  } finally {
    for (const [c, ids] of Object.entries(detached)) {
      for (let i = 0; i < ids.length; i += 50) spawnSync('docker', [...clients[c].args, 'rm', '-f', ...ids.slice(i, i + 50)], { stdio: 'ignore' });
    }
    await stopService(berthSvc);
    await stopService(podmanSvc);
    spawnSync(...berth(root, 'rm', '-f', ...spawnSync(...berth(root, 'ps', '-aq'), { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)), { stdio: 'ignore' });
  }
  return rows;
}
