// Many CLIs at once on one root (issue 14): each of N workers runs a random mix of
// `run -d` (bridge or none), `run --rm`, `rm -f` of any container it saw listed, `ps -a`
// and `pull` from a loopback registry, for a while. Every command succeeds or fails with
// docker's exit code and one clear line (no stack trace, no half-done state), and after
// the storm `system check` finds nothing and every listed container can be inspected.
// CI runs 8 workers for 15 s; the soak: BERTH_PARALLEL_CLIS=32 BERTH_PARALLEL_SECONDS=300,
// with its counts written to BERTH_PARALLEL_REPORT (JSON) when given.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { TestRoot, berthBin } from '../helpers/root.js';
import { killSuite } from '../helpers/kill-suite.js';
import { Engine } from '../../src/engine/index.js';

const t = new TestRoot('berth-test-parallel-');
const workers = Number(process.env.BERTH_PARALLEL_CLIS ?? 8);
const seconds = Number(process.env.BERTH_PARALLEL_SECONDS ?? 15);
const suite = killSuite(t);

interface Outcome { args: string[]; code: number; stderr: string; ms: number }

function berth(args: string[]): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--', berthBin, '--root', t.root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('close', (code, signal) => resolve({ args, code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stderr: err, ms: Date.now() - started, ...(out ? { stdout: out } : {}) } as Outcome & { stdout?: string }));
  });
}

/** A failure is clear when it has docker's exit code and ends in one error line, with no
 * stack trace and nothing else but docker's own "Unable to find image" note before it. */
function unclear(o: Outcome): string | undefined {
  if (o.code === 0) return undefined;
  const lines = o.stderr.split('\n').filter((l) => l.trim() && !/^Unable to find image/.test(l));
  const why = ![1, 125, 126, 127].includes(o.code) ? `exit ${o.code}`
    : lines.length !== 1 ? `${lines.length} lines`
      : !/^(Error|berth|docker)\b/.test(lines[0]) ? 'not an error line' : undefined;
  return why && `berth ${o.args.join(' ')} → ${why}: ${o.stderr.trim().slice(0, 300)}`;
}

test(`${workers} CLIs at once for ${seconds} s: run, rm, ps, pull`, async () => {
  const until = Date.now() + seconds * 1000;
  const seen: string[] = [];
  const counts: Record<string, { ok: number; failed: number; maxMs: number }> = {};
  const failures = new Map<string, number>();
  const problems: string[] = [];
  let k = 0;
  const ops: Record<string, () => string[] | undefined> = {
    'run -d': () => ['run', '-d', '--name', `p${++k}`, ...(k % 2 ? ['--network', 'none'] : []), 'bb', 'sleep', '60'],
    'run --rm': () => ['run', '--rm', '--network', 'none', 'bb', 'true'],
    'rm -f': () => (seen.length ? ['rm', '-f', seen.splice(Math.floor(Math.random() * seen.length), 1)[0]] : undefined),
    'ps -a': () => ['ps', '-a', '-q', '--no-trunc'],
    pull: () => ['pull', '-q', `${suite.registry.addr}/bb:latest`],
  };
  const names = Object.keys(ops);
  const worker = async () => {
    while (Date.now() < until) {
      const op = names[Math.floor(Math.random() * names.length)];
      const args = ops[op]();
      if (!args) continue;
      const o = await berth(args) as Outcome & { stdout?: string };
      const c = (counts[op] ??= { ok: 0, failed: 0, maxMs: 0 });
      c.maxMs = Math.max(c.maxMs, o.ms);
      if (o.code === 0) {
        c.ok++;
        const ids = (o.stdout ?? '').split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l));
        ids.forEach((id) => t.seen.push(id));
        if (op === 'ps -a') { seen.length = 0; seen.push(...ids); } else if (op === 'run -d') seen.push(...ids);
      } else {
        c.failed++;
        const line = o.stderr.trim().split('\n').pop()!.replace(/[0-9a-f]{12,64}/g, '<id>').replace(/p\d+/g, 'p<n>');
        failures.set(`${op}: ${line}`, (failures.get(`${op}: ${line}`) ?? 0) + 1);
        const u = unclear(o);
        if (u) problems.push(u);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));

  const engine = Engine.open({ root: t.root });
  for (const c of engine.containers.list({ all: true })) engine.containers.inspect(c.id);
  const found = (await engine.check()).map((f) => `${f.what}: ${f.problem}`);
  const report = { workers, seconds, counts, failures: Object.fromEntries(failures), unclear: problems, systemCheck: found };
  if (process.env.BERTH_PARALLEL_REPORT) writeFileSync(process.env.BERTH_PARALLEL_REPORT, JSON.stringify(report, null, 2));
  console.error(JSON.stringify(report, null, 2));
  assert.equal(problems, [], 'every failure is one clear line with docker\'s exit code');
  assert.equal(found, [], 'system check after the storm');
  assert.ok(Object.values(counts).reduce((n, c) => n + c.ok, 0) > workers, 'the workers got work done');
});

test.run();
