// Interactive containers through a real terminal, typed into as a user would: `run -it`,
// job control, vi, resize, detach and re-attach, exit codes, the terminal restored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { PtyUser } from '../helpers/pty.js';

const t = new TestRoot('berth-test-tty-');
const users: PtyUser[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** berth as a user types it, on a terminal of the given size. */
function berthOnPty(args: string[], size = { cols: 100, rows: 30 }): PtyUser {
  const u = new PtyUser(process.execPath, ['--', berthBin, '--root', t.root, ...args], size);
  users.push(u);
  return u;
}

/** berth CLI processes (not monitors) still running against this test root. */
function cliProcesses(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.includes(berthBin) && cmd.includes(t.root)) out.push(`${pid}: ${cmd.join(' ')}`);
    } catch { /* gone */ }
  }
  return out;
}

const state = (name: string) => JSON.parse(t.ok(['inspect', name]))[0].State;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  for (const u of users) u.kill();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('run -it: a working shell with job control, vi and a size that follows the terminal', async () => {
  const u = berthOnPty(['run', '-it', '--name', 'shell1', 'bb', 'sh']);
  await u.waitFor(/\/ #$/m);
  u.type('echo $((6*7))\r');
  await u.waitFor(/^42$/m);
  u.type('stty size\r');
  await u.waitFor(/^30 100$/m);
  u.resize(120, 40);
  await sleep(200);
  u.type('stty size\r');
  await u.waitFor(/^40 120$/m);
  // job control: a background job, listed, and a foreground job stopped by ctrl-z
  u.type('sleep 100 &\r');
  u.type('jobs\r');
  await u.waitFor(/\[1\]\+?\s+Running\s+sleep 100/);
  u.type('sleep 200\r');
  await sleep(300);
  u.type('\x1a'); // ctrl-z reaches the container's terminal as a key
  await u.waitFor(/Stopped\s+sleep 200/);
  u.type('kill -9 %1 %2; clear\r');
  // ctrl-c interrupts the container's foreground process, not berth
  u.type('sleep 300\r');
  await sleep(300);
  u.type('\x03');
  u.type('echo after-int\r');
  await u.waitFor(/^after-int$/m);
  // vi takes the whole screen and gives it back
  u.type('vi /tmp/notes\r');
  await u.waitFor(/^~\s*$/m);
  u.type('ihello from vi\x1b');
  await sleep(300); // alone: an escape followed at once by ":" would read as alt-:
  u.type(':wq\r');
  await u.waitFor(/\/ #$/m);
  u.type('cat /tmp/notes; tty\r');
  await u.waitFor(/^hello from vi$/m);
  await u.waitFor(/^\/dev\/pts\/0$/m); // the container's own devpts, as docker's
  // ctrl-p ctrl-q: berth leaves, the shell stays
  u.type('\x10\x11');
  const e = await u.waitExit();
  assert.is(e.exitCode, 0);
  assert.match(u.output, /read escape sequence/);
  assert.is(state('shell1').Status, 'running');
  assert.equal(cliProcesses(), [], 'no berth process is needed while detached');
});

test('attach shows the same shell; exit 3 ends the container and attach returns 3', async () => {
  const u = berthOnPty(['attach', 'shell1']);
  // the monitor replays the screen's tail, then a fresh prompt after a newline
  await u.waitFor(/after-int|hello from vi/);
  u.type('\r');
  u.type('cat /tmp/notes\r');
  await u.waitFor(/^hello from vi$/m);
  u.type('exit 3\r');
  const e = await u.waitExit();
  assert.is(e.exitCode, 3);
  const st = state('shell1');
  assert.is(st.Status, 'exited');
  assert.is(st.ExitCode, 3);
  const att = t.berth(['attach', 'shell1']);
  assert.is(att.code, 1, 'a stopped container cannot be attached');
  assert.is(att.stderr, 'Error: You cannot attach to a stopped container, start it first\n');
});

test('the terminal modes are restored exactly after exit and after detach', async () => {
  for (const ending of ['exit 5\r', '\x10\x11']) {
    const name = ending.startsWith('exit') ? 'modes-exit' : 'modes-detach';
    const script = `stty -g; ${process.execPath} -- ${berthBin} --root ${t.root} run -it --name ${name} bb sh; echo "status=$?"; stty -g`;
    const u = new PtyUser('/bin/sh', ['-c', script]);
    users.push(u);
    await u.waitFor(/\/ #$/m);
    u.type(ending);
    await u.waitExit();
    const lines = u.output.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^[0-9a-f]+(:[0-9a-f]+){10,}$/.test(l));
    assert.is(lines.length, 2, `two stty -g lines in ${JSON.stringify(u.output.slice(-600))}`);
    assert.is(lines[1], lines[0], `${name}: the terminal is back as it was`);
    assert.match(u.output, ending.startsWith('exit') ? /status=5/ : /status=0/);
  }
  assert.is(state('modes-detach').Status, 'running');
});

test('SIGTERM to berth while attached: the terminal is restored, the container runs on', async () => {
  const script = `stty -g; ${process.execPath} -- ${berthBin} --root ${t.root} run -it --name modes-term bb sh; echo "status=$?"; stty -g`;
  const u = new PtyUser('/bin/sh', ['-c', script]);
  users.push(u);
  await u.waitFor(/\/ #$/m);
  const cli = cliProcesses().filter((p) => p.includes('modes-term'));
  assert.is(cli.length, 1, cli.join('; '));
  process.kill(Number(cli[0].split(':')[0]), 'SIGTERM');
  await u.waitExit();
  const lines = u.output.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^[0-9a-f]+(:[0-9a-f]+){10,}$/.test(l));
  assert.is(lines.length, 2);
  assert.is(lines[1], lines[0]);
  assert.match(u.output, /status=143/);
  assert.is(state('modes-term').Status, 'running');
});

test('--detach-keys changes the sequence; ctrl-p alone reaches the container', async () => {
  const u = berthOnPty(['run', '-it', '--name', 'keys', '--detach-keys', 'ctrl-x,y', 'bb', 'sh']);
  await u.waitFor(/\/ #$/m);
  u.type('\x10\x11echo still-here\r'); // the default keys are ordinary keys now
  await u.waitFor(/^still-here$/m);
  u.type('\x18y');
  assert.is((await u.waitExit()).exitCode, 0);
  assert.is(state('keys').Status, 'running');
  assert.is(t.berth(['run', '-it', '--detach-keys', 'ctrl-', 'bb', 'true']).code, 125);
});

test('start -ai re-attaches a stopped tty container', async () => {
  const u = berthOnPty(['start', '-ai', 'modes-exit']);
  u.type('\r');
  await u.waitFor(/\/ #$/m);
  u.type('exit 7\r');
  assert.is((await u.waitExit()).exitCode, 7);
});

test('a short command on a tty: its output arrives whatever the timing (run -t, exec -t; 20 times each)', async () => {
  t.seen.push(t.ok(['run', '-d', '--name', 'short-box', 'bb', 'sleep', '1000']));
  // the attach used to come after the command had ended, and its output was gone
  for (let i = 0; i < 20; i++) {
    const run = t.berth(['run', '--rm', '-t', 'bb', 'echo', 'hi']);
    assert.is(JSON.stringify(run.stdout), JSON.stringify('hi\r\n'), `run -t, round ${i}: ${run.stderr}`);
    const exec = t.berth(['exec', '-t', 'short-box', 'echo', 'hi']);
    assert.is(JSON.stringify(exec.stdout), JSON.stringify('hi\r\n'), `exec -t, round ${i}: ${exec.stderr}`);
  }
  // and through a real terminal
  for (let i = 0; i < 5; i++) {
    // a shell around berth stays on the terminal: node-pty loses what a process that ends at once wrote
    const u = new PtyUser('/bin/sh', ['-c', `${process.execPath} -- ${berthBin} --root ${t.root} run --rm -t bb echo hello-${i}; echo status=$?; sleep 10`]);
    users.push(u);
    await u.waitFor(new RegExp(`^hello-${i}\\n+status=0$`, 'm'));
    u.kill();
  }
  t.ok(['rm', '-f', 'short-box']);
});

test('the terminal has a name inside: /dev/pts/N of the container\'s devpts for run -t and exec -t, TERM=xterm', () => {
  // it lived on the host's devpts: `tty` said /dev/console (run) or "not a tty" (exec)
  const run = t.berth(['run', '--rm', '-t', 'bb', 'sh', '-c', 'tty; echo "TERM=$TERM"; stat -c %t,%T /dev/console; ls -1 /dev/pts']);
  assert.equal(run.stdout.split('\r\n'), ['/dev/pts/0', 'TERM=xterm', '88,0', '0', 'ptmx', ''], run.stderr);
  t.seen.push(t.ok(['run', '-d', '--name', 'named-box', 'bb', 'sleep', '1000']));
  const exec = t.berth(['exec', '-t', 'named-box', 'sh', '-c', 'tty; echo "TERM=$TERM"; cat /proc/self/stat | cut -d" " -f7']);
  // 34816 = (136 << 8) | 0: the controlling terminal is /dev/pts/0 of the container
  assert.equal(exec.stdout.split('\r\n'), ['/dev/pts/0', 'TERM=xterm', '34816', ''], exec.stderr);
  const own = t.berth(['exec', '-t', '-e', 'TERM=vt100', 'named-box', 'sh', '-c', 'echo "TERM=$TERM"']);
  assert.is(own.stdout, 'TERM=vt100\r\n', 'a TERM given is kept');
  t.ok(['rm', '-f', 'named-box']);
});

test.run();
