// `berth build` against docker's builder (the anchor dockerd, BuildKit) on the
// same 10-instruction Dockerfile with 4 RUN steps and the same base image
// (berth's busybox, `berth save | docker load`), interleaved rounds, RUN steps
// without a network in both: a full build (--no-cache), a rebuild with nothing
// changed, and a rebuild after a change to the last COPY's file. The issue's
// targets: ≤ 1.0×, ≤ 0.5× and ≤ 0.7× docker.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../test/helpers/fixtures.js';
import type { Anchors } from './anchors.js';
import { berth, berthBin, fmt, interleave, log, summary, timed, verdict, type Row } from './util.js';

const DOCKERFILE = [
  'FROM bb', 'ENV A=1', 'WORKDIR /app', 'COPY a /app/a', 'RUN echo 1 > /one', 'RUN echo 2 > /two',
  'COPY b /app/b', 'RUN echo 3 > /three', 'RUN cat /app/b > /four', 'COPY c /app/c',
].join('\n');

export async function benchBuild(a: Anchors, rounds: number): Promise<Row[]> {
  const root = join(a.tmp, 'berth-build');
  const ctx = join(a.tmp, 'build-context');
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE + '\n');
  for (const f of ['a', 'b', 'c']) writeFileSync(join(ctx, f), `${f}\n`);
  timed(...berth(root, 'import', busyboxTar(), 'bb'));
  const docker = a.docker && !a.skip.docker ? a.docker : undefined;
  if (docker) {
    const r = spawnSync('sh', ['-c', '"$0" -- "$1" --root "$2" save bb | "$3" -H "$4" load -q', 'node', berthBin, root, docker[0], docker[2]], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`berth save | docker load: ${r.stderr.slice(-300)}`);
  }
  const env = { ...process.env, DOCKER_BUILDKIT: '1' };
  // Debian's docker.io client carries BuildKit's session itself; a newer client without buildx cannot use it
  const cli = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : docker?.[0] ?? 'docker';
  const b = (...args: string[]) => () => timed(...berth(root, 'build', '--network', 'none', ...args, ctx));
  const d = (...args: string[]) => () => timed(cli, [...docker!.slice(1), 'build', '--network', 'none', ...args, ctx], { env });
  let n = 0;
  const touch = <T>(f: () => T) => () => { appendFileSync(join(ctx, 'c'), `${n++}\n`); return f(); };
  const cases: [string, Record<string, () => number>][] = [
    ['full build (--no-cache)', { berth: b('--no-cache', '-t', 'bench'), ...(docker ? { docker: d('--no-cache', '-t', 'bench') } : {}) }],
    ['rebuild, nothing changed', { berth: b('-t', 'bench'), ...(docker ? { docker: d('-t', 'bench') } : {}) }],
    ['rebuild after a change to the last COPY', { berth: touch(b('-t', 'bench')), ...(docker ? { docker: touch(d('-t', 'bench')) } : {}) }],
  ];
  const target: Record<string, number> = { 'full build (--no-cache)': 1.0, 'rebuild, nothing changed': 0.5, 'rebuild after a change to the last COPY': 0.7 };
  // the floors, interleaved with each case: node's own start, and the CLI's (node, the bundle, yargs)
  const floors = { 'node -e 0': () => timed('node', ['-e', '0']), 'berth version': () => timed(...berth(root, 'version')) };
  const rows: Row[] = [];
  for (const [what, caseTools] of cases) {
    const tools = { ...caseTools, ...floors };
    const errors: Record<string, string> = {};
    log(`build: ${what} × ${rounds}`);
    await interleave(1, tools, errors); // warm-up: caches filled
    const res = await interleave(rounds, tools, errors);
    const S = Object.fromEntries(Object.entries(res).filter(([, v]) => v.length).map(([k, v]) => [k, summary(v)]));
    for (const tool of ['berth', 'docker']) {
      rows.push(S[tool] ? { section: 'build', what: `${tool}: ${what}`, value: fmt(S[tool]) }
        : { section: 'build', what: `${tool}: ${what}`, value: 'skipped', note: errors[tool] ?? a.skip.docker ?? 'not available' });
    }
    if (S.berth && S.docker) {
      const r = S.berth.med / S.docker.med;
      const floor = (k: string) => (S[k] ? `; floor \`${k}\` ${(S[k].med / S.docker.med).toFixed(2)}× docker (${S[k].med.toFixed(0)} ms)` : '');
      rows.push({ section: 'build', what: `target: ${what} ≤ ${target[what]}× docker`, value: `${r.toFixed(2)}×`, note: verdict(r <= target[what], 'target') + floor('node -e 0') + floor('berth version') });
    }
  }
  return rows;
}
