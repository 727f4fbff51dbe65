// Throughput of the byte paths between a container and the user: stdin→stdout
// (`run -i IMG cat < in > out`) and a container's stdout (`run IMG cat FILE > out`, FILE
// bound read-only from the host), in MB/s of one whole command (start-up included), berth
// against docker on the same data and the same image (berth's busybox, `berth save |
// docker load`), and a plain pipe as the floor. Interleaved rounds; every output is checked
// byte for byte (sha256), outside the timed part.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../test/helpers/fixtures.js';
import type { Anchors } from './anchors.js';
import { berth, berthBin, interleave, log, summary, timed, verdict, type Row } from './util.js';

const MiB = 1024 * 1024;

export async function benchThroughput(a: Anchors, rounds: number, mib: number): Promise<Row[]> {
  const root = join(a.tmp, 'berth-throughput');
  const dir = join(a.tmp, 'throughput');
  mkdirSync(dir, { recursive: true });
  const input = join(dir, 'in'), output = join(dir, 'out');
  const bytes = randomBytes(mib * MiB);
  writeFileSync(input, bytes);
  const want = createHash('sha256').update(bytes).digest('hex');
  timed(...berth(root, 'import', busyboxTar(), 'bb'));
  const docker = a.docker && !a.skip.docker ? a.docker : undefined;
  if (docker) {
    // the same image in docker: berth's own save, loaded as docker load takes it
    const r = spawnSync('sh', ['-c', '"$0" -- "$1" --root "$2" save bb | "$3" -H "$4" load -q', 'node', berthBin, root, docker[0], docker[2]], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`berth save | docker load: ${r.stderr.slice(-300)}`);
  }

  /** Wall ms of `cmd args < stdin > output`, after which output must be the input's bytes. */
  const run = (cmd: string, args: string[], stdin?: string): number => {
    const fin = openSync(stdin ?? '/dev/null', 'r'), fout = openSync(output, 'w');
    let ms: number;
    try {
      ms = timed(cmd, args, { stdio: [fin, fout, 'pipe'] });
    } finally {
      closeSync(fin);
      closeSync(fout);
    }
    const got = createHash('sha256').update(readFileSync(output)).digest('hex');
    if (got !== want) throw new Error(`${cmd} ${args.slice(0, 6).join(' ')}: the output differs from the input`);
    return ms;
  };
  const bind = ['-v', `${dir}:/d:ro`];
  const modes = {
    'stdin→stdout': {
      berth: () => run(...berth(root, 'run', '--rm', '-i', '--network', 'none', 'bb', 'cat'), input),
      docker: docker && (() => run(docker[0], [...docker.slice(1), 'run', '--rm', '-i', '--network', 'none', 'bb:latest', 'cat'], input)),
      floor: () => run('sh', ['-c', 'cat | cat'], input),
      label: '`run --rm -i IMG cat < in > out`', floorLabel: 'floor: `cat | cat` (a plain pipe)',
    },
    stdout: {
      berth: () => run(...berth(root, 'run', '--rm', '--network', 'none', ...bind, 'bb', 'cat', '/d/in')),
      docker: docker && (() => run(docker[0], [...docker.slice(1), 'run', '--rm', ...bind, '--network', 'none', 'bb:latest', 'cat', '/d/in'])),
      floor: () => run('cat', [input]),
      label: '`run --rm -v DIR:/d:ro IMG cat /d/in > out`', floorLabel: 'floor: `cat in > out`',
    },
  };
  const rows: Row[] = [];
  const rate = (ms: number) => (mib * MiB) / 1e6 / (ms / 1000); // MB/s
  for (const [name, m] of Object.entries(modes)) {
    const tools: Record<string, () => number> = { berth: m.berth, floor: m.floor };
    if (m.docker) tools.docker = m.docker;
    const errors: Record<string, string> = {};
    log(`throughput ${name}: ${mib} MiB, ${Object.keys(tools).join(', ')} × ${rounds}`);
    await interleave(1, tools, errors); // warm-up: page cache, docker's first container
    const res = await interleave(rounds, tools, errors);
    // MB/s per run; the median run is the median rate
    const S = Object.fromEntries(Object.entries(res).filter(([, v]) => v.length).map(([n, v]) => [n, summary(v.map(rate))]));
    const fmtRate = (n: string) => `${S[n].med.toFixed(1)} [${S[n].min.toFixed(1)}–${S[n].max.toFixed(1)}] MB/s`;
    for (const [n, what] of [['berth', `berth ${m.label}`], ['docker', `docker ${m.label}`], ['floor', m.floorLabel]] as const) {
      if (S[n]) rows.push({ section: 'throughput', what: `${name}, ${mib} MiB: ${what}`, value: fmtRate(n) });
      else rows.push({ section: 'throughput', what: `${name}: ${what}`, value: 'skipped', note: errors[n] ?? a.skip.docker ?? 'not available' });
    }
    if (S.berth && S.docker) {
      const r = S.berth.med / S.docker.med;
      rows.push({ section: 'throughput', what: `${name}: berth / docker`, value: `${r.toFixed(2)}×`, note: verdict(r >= 1, 'target ≥ 1.0× docker') });
    }
  }
  return rows;
}
