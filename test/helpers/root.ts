// A throw-away berth root per test file, and the berth CLI run against it as a
// user would run it (a child process). cleanup() removes every container the
// tests made (through berth itself), then checks that nothing was left behind:
// no mount and no cgroup mentioning the root's containers, no process of them,
// and nothing `system check --quick` finds.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/index.js';
import { ownerTag } from './stale-roots.js';

export const berthBin = join(packageRoot, 'bin', 'berth.js');

export interface RunResult { code: number; stdout: string; stderr: string }

export class TestRoot {
  readonly root: string;
  /** Container IDs the test saw (add them so the leak check covers removed ones too). */
  readonly seen: string[] = [];
  constructor(prefix = 'berth-test-') {
    // berth makes bridges and NAT rules in the namespace it runs in: never the machine's own
    if (process.env.BERTH_TEST_NETNS !== readlinkSync('/proc/self/ns/net')) {
      throw new Error('run the tests through test/run.js, which puts them in a network namespace of their own');
    }
    // the name says whose root it is: the runner sweeps it once this process is gone (stale-roots.ts)
    this.root = mkdtempSync(join('/tmp', `${prefix}${ownerTag()}-`));
  }

  /** Runs `berth --root ROOT ...args` synchronously. */
  berth(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): RunResult {
    const r: SpawnSyncReturns<string> = spawnSync(process.execPath, ['--', berthBin, '--root', this.root, ...args], {
      encoding: 'utf8',
      input: opts.input ?? '',
      env: { ...process.env, ...opts.env },
      timeout: opts.timeoutMs ?? 60_000,
    });
    // which command timed out or could not start: a soak's finding must say
    if (r.error) throw new Error(`berth ${args.join(' ')}: ${r.error.message}`, { cause: r.error });
    return { code: r.status ?? 128 + 9, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs berth with stdout into the file `out` and stdin from the file `input` (none: empty):
   *  bytes as they are, any size, nothing held in this process. */
  berthFiles(args: string[], out: string, opts: { input?: string; timeoutMs?: number } = {}): { code: number; stderr: string } {
    const fdOut = openSync(out, 'w');
    const fdIn = openSync(opts.input ?? '/dev/null', 'r');
    try {
      const r = spawnSync(process.execPath, ['--', berthBin, '--root', this.root, ...args], {
        stdio: [fdIn, fdOut, 'pipe'], encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000,
      });
      if (r.error) throw r.error;
      return { code: r.status ?? 128 + 9, stderr: r.stderr };
    } finally {
      closeSync(fdOut);
      closeSync(fdIn);
    }
  }

  /** Like berth() but throws unless the exit code is 0; returns trimmed stdout. */
  ok(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): string {
    const r = this.berth(args, opts);
    if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  }

  /** Force-removes every container, then the root; returns what was left behind (empty = clean). */
  cleanup(): string[] {
    const ids = this.berth(['ps', '-a', '-q', '--no-trunc']).stdout.split('\n').filter(Boolean);
    if (ids.length) this.berth(['rm', '-f', ...ids]);
    // a monitor's cleanup command may still be finishing (it outlives `rm` by design): give it a moment
    let leftovers = leaks(this.root, [...ids, ...this.seen]);
    for (let i = 0; i < 50 && leftovers.length; i++) {
      spawnSync('sleep', ['0.1']);
      leftovers = leaks(this.root, [...ids, ...this.seen]);
    }
    // and the root itself is consistent: what `system check` finds is a leftover too
    const check = this.berth(['system', 'check', '--quick']);
    if (check.code !== 0) {
      for (const l of check.stdout.split('\n')) if (l.startsWith('  ')) leftovers.push(`system check: ${l.trim()}`);
    }
    leftovers.push(...removeBridges(this.root));
    rmSync(this.root, { recursive: true, force: true });
    return leftovers;
  }
}

/** The bridges of the root's networks (the default `berth0` too, which berth keeps as docker
 * keeps docker0) and berth's nft table: a test's, removed with its root, so the next test file
 * finds the runner's namespace as it was (a TestRoot exists only inside that namespace). */
function removeBridges(root: string): string[] {
  const dir = join(root, 'networks');
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const n = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { Name: string; Options?: Record<string, string>; Containers?: object };
    if (n.Containers && Object.keys(n.Containers).length) out.push(`network ${n.Name}: endpoints left ${Object.keys(n.Containers).join(' ')}`);
    const bridge = n.Options?.['com.docker.network.bridge.name'];
    if (bridge) spawnSync('ip', ['link', 'del', bridge]);
  }
  spawnSync('nft', ['delete', 'table', 'ip', 'berth']);
  return out;
}

/** Mounts, cgroups and processes that still mention `root` (a test root). */
export function leaks(root: string, containerIds: string[] = []): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (line.includes(root)) out.push(`mount: ${line.split(' ')[4]}`);
  }
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(root) && Number(pid) !== process.pid) out.push(`process ${pid}: ${cmd.slice(0, 120)}`);
    } catch { /* gone */ }
  }
  const onDisk = existsSync(join(root, 'containers'))
    ? readdirSync(join(root, 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n))
    : [];
  for (const id of new Set([...onDisk, ...containerIds.filter((i) => /^[0-9a-f]{64}$/.test(i))])) {
    const r = spawnSync('find', ['/sys/fs/cgroup', '-maxdepth', '6', '-type', 'd', '-name', `*${id.slice(0, 12)}*`], { encoding: 'utf8' });
    for (const d of r.stdout.split('\n').filter(Boolean)) out.push(`cgroup: ${d}`);
  }
  return out;
}
