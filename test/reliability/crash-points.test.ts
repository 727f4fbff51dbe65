// The crash-point harness (issue 14): every mutating verb is SIGKILLed at its
// injected crash points (BERTH_CRASH_AT, src/engine/crash-point.ts) and at random
// delays; after each kill, the next command (`ps -a`) must leave a state with
// nothing invisible and nothing lying: every monitor belongs to a container
// listed as running, every container, image and volume listed can be inspected,
// a stopped container has no process left in its cgroups, and `system check`
// finds nothing it cannot repair. CI runs each point once and each verb once;
// BERTH_CRASH_SOAK=N repeats the random kills N times per verb (the bench's soak).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin, leaks } from '../helpers/root.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { Engine, type Finding } from '../../src/engine/index.js';
import { idsFromEvents, idsOfMonitors, cgroupPids, pause, waitFor } from '../helpers/procs.js';

const t = new TestRoot('berth-test-crash-');
const soak = Number(process.env.BERTH_CRASH_SOAK ?? 0);
const archive = join(t.root, 'bb.tar');
let registry: TestRegistry;
let n = 0;
const fresh = (p: string) => `${p}${++n}`;

/** A mutating verb: `prep` makes what it needs (not killed); `args` is the command that is. */
interface Verb { name: string; prep?: (name: string) => void; args: (name: string) => string[]; points?: string[] }

const verbs = (): Verb[] => [
  { name: 'run', args: (c) => ['run', '-d', '--name', c, 'bb', 'sleep', '300'], points: ['create:staged', 'start:intent', 'start:cgroups', 'start:spawned'] },
  { name: 'create', args: (c) => ['create', '--name', c, 'bb', 'sleep', '300'], points: ['create:staged'] },
  { name: 'start', prep: (c) => t.ok(['create', '--name', c, 'bb', 'sleep', '300']), args: (c) => ['start', c], points: ['start:intent', 'start:cgroups', 'start:spawned'] },
  { name: 'stop', prep: (c) => t.ok(['run', '-d', '--name', c, 'bb', 'sleep', '300']), args: (c) => ['stop', '-t', '1', c] },
  { name: 'rm', prep: (c) => t.ok(['run', '-d', '--name', c, 'bb', 'sleep', '300']), args: (c) => ['rm', '-f', c], points: ['rm:before-rename', 'rm:renamed'] },
  { name: 'commit', prep: (c) => t.ok(['run', '-d', '--name', c, 'bb', 'sh', '-c', 'echo $$ > /pid; sleep 300']), args: (c) => ['commit', c, `img-${c}`] },
  { name: 'import', args: (c) => ['import', busyboxTar(), `imp-${c}`] },
  { name: 'load', args: () => ['load', '-i', archive] },
  { name: 'pull', prep: () => { t.berth(['rmi', `${registry.addr}/bb:latest`]); }, args: () => ['pull', `${registry.addr}/bb:latest`] },
  { name: 'push', prep: (c) => t.ok(['tag', 'bb', `${registry.addr}/${c}:latest`]), args: (c) => ['push', `${registry.addr}/${c}:latest`] },
  { name: 'volume create', args: (c) => ['volume', 'create', c] },
  { name: 'volume rm', prep: (c) => t.ok(['volume', 'create', c]), args: (c) => ['volume', 'rm', c] },
];

test.before(async () => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.ok(['save', '-o', archive, 'bb']);
  registry = await startRegistry();
  t.ok(['tag', 'bb', `${registry.addr}/bb:latest`]);
  t.ok(['push', `${registry.addr}/bb:latest`]);
});

test.after(async () => {
  await registry?.stop();
  for (const id of [...idsFromEvents(t.root), ...idsOfMonitors(t.root)]) t.seen.push(id);
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** Runs the verb and SIGKILLs it after `delayMs` (or lets it reach its crash point). */
function killed(args: string[], opts: { delayMs?: number; point?: string }): void {
  const env = { ...process.env, ...(opts.point ? { BERTH_CRASH_AT: opts.point } : {}) };
  const child = spawn(process.execPath, ['--', berthBin, '--root', t.root, ...args], { stdio: 'ignore', env });
  const end = Date.now() + (opts.delayMs ?? 60_000);
  while (child.exitCode === null && child.signalCode === null && Date.now() < end) {
    pause(5);
    if (child.pid && !existsSync(`/proc/${child.pid}`)) break;
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    if (stat.includes(') Z')) break; // ended (a zombie until node reaps it)
  }
  try { child.kill('SIGKILL'); } catch { /* ended */ }
  waitFor(() => !existsSync(`/proc/${child.pid}`) || readFileSync(`/proc/${child.pid}/stat`, 'utf8').includes(') Z'), 5000);
}

const lines = (s: string) => s.split('\n').filter(Boolean);
/** The invariants after the next command (`ps -a`, a process of its own), read in-process
 * through the engine: the same code as the CLI's inspect and `system check`, without a node
 * start-up per question. */
async function assertConsistent(what: string): Promise<void> {
  t.ok(['ps', '-a']);
  const engine = Engine.open({ root: t.root });
  const running = new Set<string>();
  for (const c of engine.containers.list({ all: true })) {
    const rec = engine.containers.find(c.id);
    const st = engine.containers.state(rec);
    engine.containers.inspect(c.id);
    if (st.running) running.add(c.id);
    else assert.equal(cgroupPids(rec.run?.cgroupPaths ?? []), [], `${what}: ${c.name} is called stopped but processes live in its cgroups`);
  }
  for (const id of idsOfMonitors(t.root)) {
    if (existsSync(join(t.root, 'containers', id, 'exit.json'))) continue; // its init is gone: on its way out
    assert.ok(running.has(id), `${what}: a monitor runs for ${id.slice(0, 12)}, which is not listed as running`);
  }
  for (const img of await engine.images.list()) await engine.images.inspect(img.id);
  for (const v of engine.volumes.list()) engine.volumes.get(v.Name);
  // temp files of the killed process and its tmp/ scratch are garbage, not lies: --repair
  // removes the first; tmp/ is swept by the next pull or import (not this harness's subject)
  const garbage = (f: Finding) => /^(half-written|scratch space) .*which died/.test(f.problem);
  const found = await engine.check();
  assert.equal(found.filter((f) => !garbage(f)).map((f) => `${f.what}: ${f.problem}`), [], `${what}: system check found problems after the next command`);
  await engine.repair(found);
  assert.equal((await engine.check()).filter((f) => !/^scratch space/.test(f.problem)).map((f) => f.what), [], `${what}: --repair left problems`);
}

async function cycle(verb: Verb, opts: { delayMs?: number; point?: string }): Promise<void> {
  const name = fresh(verb.name.replace(' ', '-'));
  verb.prep?.(name);
  killed(verb.args(name), opts);
  await assertConsistent(`${verb.name} ${opts.point ?? `killed after ${opts.delayMs} ms`}`);
}

test('each injected crash point: the next command completes or undoes the step', async () => {
  for (const v of verbs()) for (const point of v.points ?? []) await cycle(v, { point });
});

test(`random kills of every mutating verb (${Math.max(1, soak)} round${soak > 1 ? 's' : ''})`, async () => {
  for (let round = 0; round < Math.max(1, soak); round++) {
    for (const v of verbs()) await cycle(v, { delayMs: 20 + Math.floor(Math.random() * 900) });
  }
});

test('after everything is removed, nothing is left and system check is clean', () => {
  const all = lines(t.ok(['ps', '-a', '-q', '--no-trunc']));
  all.forEach((id) => t.seen.push(id));
  if (all.length) t.ok(['rm', '-f', ...all]);
  for (const ref of lines(t.ok(['images', '--format', '{{.ID}}']))) t.berth(['rmi', '-f', ref]);
  t.ok(['volume', 'prune', '-f', '--all']);
  rmSync(archive, { force: true });
  waitFor(() => idsOfMonitors(t.root).length === 0, 10_000, 100);
  const check = t.berth(['system', 'check', '--max', '0', '--repair']);
  assert.not.match(check.stdout, /^Remains: (?!.*scratch space)/m, `system check --max 0 --repair: ${check.stdout}`);
  // what remains is tmp/ scratch of killed pulls and imports: the sweep of tmp/ is another
  // change's (the next pull or import removes a dead process's); until then, removed here
  for (const m of check.stdout.matchAll(/^Remains: (\S+): scratch space of process \d+, which died/gm)) rmSync(m[1], { recursive: true, force: true });
  waitFor(() => leaks(t.root, [...t.seen, ...idsFromEvents(t.root)]).length === 0, 10_000, 100);
  assert.equal(leaks(t.root, [...t.seen, ...idsFromEvents(t.root)]), []);
});

test.run();
