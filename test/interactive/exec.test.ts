// exec: a process joining a running container (namespaces, cgroups, capabilities), under
// its own monitor: exit codes, -d, -u/-w/-e, no leaked fds, a second shell next to the first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { PtyUser } from '../helpers/pty.js';

const t = new TestRoot('berth-test-exec-');
const users: PtyUser[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function berthOnPty(args: string[]): PtyUser {
  const u = new PtyUser(process.execPath, ['--', berthBin, '--root', t.root, ...args], { cols: 90, rows: 25 });
  users.push(u);
  return u;
}

const inspect = (name: string) => JSON.parse(t.ok(['inspect', name]))[0];

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['run', '-d', '--name', 'box', 'bb', 'sleep', '1000']));
});

test.after(() => {
  for (const u of users) u.kill();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('a command that cannot start: 126/127 every time, and no exec directory left behind', () => {
  const id = t.ok(['inspect', '-f', '{{.Id}}', 'box']);
  const execDir = join(t.root, 'containers', id, 'exec');
  const before = existsSync(execDir) ? readdirSync(execDir).length : 0;
  for (let i = 0; i < 10; i++) {
    const r = t.berth(['exec', 'box', i % 2 ? '/etc/passwd' : 'no-such-cmd']);
    assert.is(r.code, i % 2 ? 126 : 127, r.stderr);
  }
  assert.is(readdirSync(execDir).length, before, 'the failed execs\' directories are gone');
});

test('exit codes: the command own, 127 not found, 126 not executable', () => {
  assert.is(t.berth(['exec', 'box', 'true']).code, 0);
  assert.is(t.berth(['exec', 'box', 'sh', '-c', 'exit 3']).code, 3);
  const nf = t.berth(['exec', 'box', 'no-such-cmd']);
  assert.is(nf.code, 127, nf.stderr);
  assert.match(nf.stderr, /no-such-cmd/);
  assert.is(t.berth(['exec', 'box', '/etc/passwd']).code, 126);
  const missing = t.berth(['exec', 'no-such-container', 'true']);
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'Error: No such container: no-such-container\n');
});

test('stdout and stderr stay apart; -i passes stdin through to EOF', () => {
  const r = t.berth(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2']);
  assert.is(r.stdout, 'out\n');
  assert.is(r.stderr, 'err\n');
  assert.is(t.berth(['exec', '-i', 'box', 'cat'], { input: 'hi\n' }).stdout, 'hi\n');
});

test('the process is inside: every namespace and the cgroups of the init', () => {
  const ps = t.ok(['exec', 'box', 'ps', '-o', 'pid,comm']);
  assert.match(ps, /^\s*1 sleep$/m, 'the container init is PID 1 in the same namespace');
  const same = t.ok(['exec', 'box', 'sh', '-c',
    'for n in ipc mnt net pid uts cgroup; do [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] && echo same $n; done; ' +
    '[ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ] && echo same cgroups']);
  assert.equal(same.split('\n'), ['same ipc', 'same mnt', 'same net', 'same pid', 'same uts', 'same cgroup', 'same cgroups']);
  // and not the host's: the init's mount namespace differs from ours
  const initPid = inspect('box').State.Pid;
  assert.is.not(readlinkSync(`/proc/${initPid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'));
  // the same filesystem: a file written by one exec is seen by the next
  t.ok(['exec', 'box', 'sh', '-c', 'echo shared > /tmp/f']);
  assert.is(t.ok(['exec', 'box', 'cat', '/tmp/f']), 'shared');
});

test('-u -w -e; the container capability set; no_new_privs; no host fds', () => {
  const out = t.ok(['exec', '-u', 'user', '-w', '/tmp', '-e', 'X=1', 'box', 'sh', '-c', 'id -u; pwd; echo $X; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status']);
  assert.equal(out.split('\n').map((l) => l.replace(/\s+/g, ' ')), ['1000', '/tmp', '1', 'CapEff: 0000000000000000', 'NoNewPrivs: 1']);
  const caps = t.ok(['exec', 'box', 'grep', '^CapEff', '/proc/self/status']);
  const initCaps = t.ok(['exec', 'box', 'grep', '^CapEff', '/proc/1/status']);
  assert.is(caps, initCaps, "root in an exec has the init's capabilities");
  assert.is(caps.split(/\s+/)[1], '00000000a80425fb', "Docker's 14");
  // ls's own directory fd is the only one past 0-2
  const fds = t.ok(['exec', 'box', 'sh', '-c', 'ls /proc/self/fd']).split(/\s+/);
  assert.equal(fds, ['0', '1', '2', '3']);
  const fdsTty = t.ok(['exec', '-i', 'box', 'ls', '/proc/self/fd']).split(/\s+/);
  assert.equal(fdsTty, ['0', '1', '2', '3']);
});

test('exec -d runs on without berth; inspect lists the running session', async () => {
  const r = t.berth(['exec', '-d', 'box', 'sh', '-c', 'sleep 4; echo done > /tmp/d']);
  assert.is(r.code, 0);
  assert.is(r.stdout, '');
  const ids = inspect('box').ExecIDs;
  assert.ok(Array.isArray(ids) && ids.length === 1 && /^[0-9a-f]{64}$/.test(ids[0]), JSON.stringify(ids));
  await sleep(4500);
  assert.is(t.ok(['exec', 'box', 'cat', '/tmp/d']), 'done');
  assert.is(inspect('box').ExecIDs, null);
});

test('the done-when scenario: run -it, detach, attach, exec -it a second shell, exit 3', async () => {
  const first = berthOnPty(['run', '-it', '--name', 'shells', 'bb', 'sh']);
  await first.waitFor(/\/ #$/m);
  first.type('echo first-$((1+1))\r');
  await first.waitFor(/^first-2$/m);
  first.type('\x10\x11');
  assert.is((await first.waitExit()).exitCode, 0);

  const second = berthOnPty(['exec', '-it', 'shells', 'sh']);
  await second.waitFor(/\/ #$/m);
  second.type('stty size; ps -o pid,comm\r');
  await second.waitFor(/^25 90$/m);
  const screen = await second.waitFor(/ps$/m);
  assert.match(screen, /^\s*1 sh$/m, 'the first shell is PID 1 of the same pid namespace');
  assert.is([...screen.matchAll(/^\s*\d+ sh$/gm)].length, 2, `two shells: ${screen}`);
  second.type('exit 4\r');
  assert.is((await second.waitExit()).exitCode, 4);

  const back = berthOnPty(['attach', 'shells']);
  await back.waitFor(/first-2/); // the earlier screen, replayed
  back.type('exit 3\r');
  assert.is((await back.waitExit()).exitCode, 3);
  assert.is(inspect('shells').State.ExitCode, 3);
  const stopped = t.berth(['exec', 'shells', 'true']);
  assert.is(stopped.code, 1, 'no exec into a stopped container');
  assert.match(stopped.stderr, /^Error: Container [0-9a-f]{64} is not running\n$/);
});

test.run();
