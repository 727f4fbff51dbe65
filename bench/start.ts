// Start-to-exit of /bin/true: one whole process per run, timed from outside, so
// each tool pays its own start-up (berth: node + CLI; podman/docker: their
// clients). No network in any of them: `--network none` for berth, podman and docker
// (loopback only), a bundle without one for crun and runc. The bridge's own cost is
// bench/network.ts's row.
import { join } from 'node:path';
import type { Anchors } from './anchors.js';
import { anchorsDir, berth, fmt, interleave, log, machineExtraCaCerts, summary, timed, type Row } from './util.js';

const LABELS: Record<string, string> = {
  berth: '`berth run --rm --network none bb /bin/true`',
  'berth unconfined': '`berth run --rm --security-opt seccomp=unconfined bb /bin/true`',
  'berth syscalls': '`berth run --rm bb dd … count=200000` (400k read/write under the filter)',
  'berth syscalls unconfined': 'the same dd, `--security-opt seccomp=unconfined`', crun: '`crun run` (bundle, /bin/true; hybrid workaround)', runc: '`runc run` (bundle, /bin/true)',
  podman: '`podman run --rm --network none`', docker: '`docker run --rm --network none`',
  unshare: 'floor: `unshare … chroot ROOTFS /bin/true`', 'node -e 0': 'floor: `node -e 0`',
  'berth version': 'floor: `berth version` (node, the bundle and yargs; no engine work)',
  'node -e 0, NODE_EXTRA_CA_CERTS set': 'for the record: `node -e 0` with this machine\'s NODE_EXTRA_CA_CERTS (util.ts)',
  'berth, NODE_EXTRA_CA_CERTS set': 'for the record: `berth run --rm --network none bb /bin/true` with it',
};

/** 200000 one-byte reads and writes: a syscall-bound command. */
const DD = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=200000'];

export async function benchStart(a: Anchors, rounds: number): Promise<Row[]> {
  const root = join(a.tmp, 'berth-start');
  timed(...berth(root, 'import', join(a.bb, 'busybox-rootfs.tar'), 'bb'));
  let k = 0;
  const id = () => `bench-${process.pid}-${k++}`;
  const tools: Record<string, () => number> = {
    berth: () => timed(...berth(root, 'run', '--rm', '--network', 'none', 'bb', '/bin/true')),
    // the seccomp filter's cost: compiling and loading it (start), and running it (per syscall)
    'berth unconfined': () => timed(...berth(root, 'run', '--rm', '--network', 'none', '--security-opt', 'seccomp=unconfined', 'bb', '/bin/true')),
    'berth syscalls': () => timed(...berth(root, 'run', '--rm', '--network', 'none', 'bb', ...DD)),
    'berth syscalls unconfined': () => timed(...berth(root, 'run', '--rm', '--network', 'none', '--security-opt', 'seccomp=unconfined', 'bb', ...DD)),
    'node -e 0': () => timed('node', ['-e', '0']),
    // what every berth command pays before its verb does anything: the CLI's own floor
    'berth version': () => timed(...berth(root, 'version')),
    unshare: () => timed('unshare', ['--fork', '--pid', '--mount', '--uts', '--ipc', '--net', 'chroot', join(a.bb, 'rootfs'), '/bin/true']),
  };
  if (machineExtraCaCerts) {
    const env = { env: { ...process.env, NODE_EXTRA_CA_CERTS: machineExtraCaCerts } };
    tools['node -e 0, NODE_EXTRA_CA_CERTS set'] = () => timed('node', ['-e', '0'], env);
    tools['berth, NODE_EXTRA_CA_CERTS set'] = () => timed(...berth(root, 'run', '--rm', '--network', 'none', 'bb', '/bin/true'), env);
  }
  if (!a.skip.runc) tools.runc = () => timed('runc', ['run', '--bundle', join(a.bb, 'bundle'), id()]);
  if (!a.skip.crun) tools.crun = () => timed(join(anchorsDir, 'crun-hybrid.sh'), ['run', '--bundle', join(a.bb, 'bundle'), id()]);
  if (a.podmanEnv) tools.podman = () => timed('bash', [join(anchorsDir, 'podman.sh'), 'run', '--rm', '--network', 'none', 'localhost/bb:latest', '/bin/true'], { env: { ...process.env, ...a.podmanEnv } });
  if (a.docker && !a.skip.docker) tools.docker = () => timed(a.docker![0], [...a.docker!.slice(1), 'run', '--rm', '--network', 'none', 'bb:latest', '/bin/true']);
  const errors: Record<string, string> = {};
  log(`start-to-exit: ${Object.keys(tools).join(', ')} × ${rounds}`);
  // one warm-up round: page cache, podman's store set-up, docker's first container
  await interleave(1, tools, errors);
  const res = await interleave(rounds, tools, errors);
  const rows: Row[] = [];
  const S = Object.fromEntries(Object.entries(res).filter(([, v]) => v.length).map(([n, v]) => [n, summary(v)]));
  for (const n of ['berth', 'berth unconfined', 'berth syscalls', 'berth syscalls unconfined', 'crun', 'runc', 'podman', 'docker', 'unshare', 'node -e 0', 'berth version', ...(machineExtraCaCerts ? ['node -e 0, NODE_EXTRA_CA_CERTS set', 'berth, NODE_EXTRA_CA_CERTS set'] : [])]) {
    const what = LABELS[n];
    if (S[n]) rows.push({ section: 'start', what, value: fmt(S[n]) });
    else rows.push({ section: 'start', what, value: 'skipped', note: errors[n] ?? a.skip[n] ?? 'not available' });
  }
  if (S.berth && S['berth unconfined']) {
    const d = S.berth.med - S['berth unconfined'].med;
    rows.push({ section: 'start', what: 'seccomp: start-to-exit with − without the filter', value: `${d.toFixed(1)} ms` });
  }
  if (S['berth syscalls'] && S['berth syscalls unconfined']) {
    const d = S['berth syscalls'].med - S['berth syscalls unconfined'].med;
    rows.push({ section: 'start', what: 'seccomp: 400k allowed syscalls with − without the filter', value: `${d.toFixed(1)} ms`, note: `${(d * 1e6 / 400_000).toFixed(0)} ns per syscall` });
  }
  if (S.berth && S.podman) {
    const r = S.berth.med / S.podman.med;
    rows.push({ section: 'start', what: 'target: berth ≤ 0.6× podman', value: `${r.toFixed(2)}×`, note: r <= 0.6 ? 'met' : 'MISSED' });
  }
  if (S.berth && S.podman) {
    const r = S.berth.med / S.podman.med;
    rows.push({ section: 'start', what: 'target: berth ≤ 0.8× podman (issue 21)', value: `${r.toFixed(2)}×`,
      note: `${r <= 0.8 ? 'met' : 'MISSED'}${S['node -e 0'] ? `; floor \`node -e 0\` alone is ${(S['node -e 0'].med / S.podman.med).toFixed(2)}× podman` : ''}${S['berth version'] ? `, \`berth version\` ${(S['berth version'].med / S.podman.med).toFixed(2)}×` : ''}` });
  }
  if (S.berth && S.crun && S['node -e 0']) {
    const above = S.berth.med - S['node -e 0'].med;
    rows.push({ section: 'start', what: 'target: berth − node -e 0 ≤ crun', value: `${above.toFixed(0)} ms vs ${S.crun.med.toFixed(0)} ms (${(above / S.crun.med).toFixed(1)}×)`, note: above <= S.crun.med ? 'met' : 'MISSED' });
  }
  return rows;
}
