// A hostile container: symlinks that point at the host, ".." in paths, and
// names swapped between a directory and a symlink while the copy runs
// (CVE-2018-15664). Nothing may be read from or written to the host outside
// the container's root. The "host" targets are temp directories of our own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, unlinkSync, mkdirSync, readFileSync, readdirSync, readlinkSync, lstatSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyIn, copyOut } from '../../src/engine/copy/index.js';
import { describe, openFds, rejects, tempDirs } from './fixture.js';

const dirs = tempDirs('atk');
const fdsAtStart = openFds();
test.after(dirs.removeAll);

function setup(): { root: string; host: string; secret: string; payload: string } {
  const root = dirs.mk('root');
  const host = dirs.mk('hostdir'); // what the container would like to reach
  writeFileSync(join(host, 'secret'), 'HOST SECRET');
  const out = dirs.mk('payload');
  writeFileSync(join(out, 'payload'), 'from the user');
  return { root, host, secret: join(host, 'secret'), payload: join(out, 'payload') };
}

const hostEntries = (host: string) => readdirSync(host).sort();

/** Runs fn; it may fail, but it must not have touched the host directory. */
async function mustStayInside(fn: () => Promise<unknown>, host: string): Promise<'failed' | 'copied'> {
  let outcome: 'failed' | 'copied' = 'copied';
  try {
    await fn();
  } catch {
    outcome = 'failed';
  }
  assert.equal(hostEntries(host), ['secret'], 'the host directory was written to');
  assert.is(readFileSync(join(host, 'secret'), 'utf8'), 'HOST SECRET');
  return outcome;
}

test('etc -> /etc in the root: copying to /etc/x never writes the host /etc', async () => {
  const { root, payload } = setup();
  symlinkSync('/etc', join(root, 'etc'));
  const name = `berth-cp-attack-${process.pid}`;
  try {
    await rejects(() => copyIn(payload, root, `/etc/${name}`), 'INVALID_ARGUMENT', /too many levels of symbolic links/);
  } finally {
    const escaped = existsSync(`/etc/${name}`);
    if (escaped) unlinkSync(`/etc/${name}`); // a broken build must not leave it behind
    assert.not.ok(escaped, 'wrote into the host /etc');
  }
});

test('an absolute symlink to a host directory mid-path resolves inside the root', async () => {
  const { root, host, payload } = setup();
  symlinkSync(host, join(root, 'mid'));
  assert.is(await mustStayInside(() => copyIn(payload, root, '/mid/x'), host), 'failed');
  // where the root has that path, the write lands there: inside
  mkdirSync(join(root, host), { recursive: true });
  await copyIn(payload, root, '/mid/x');
  assert.is(readFileSync(join(root, host, 'x'), 'utf8'), 'from the user');
  assert.equal(hostEntries(host), ['secret']);
});

test('a relative symlink climbing out with .. stays inside', async () => {
  const { root, host, payload } = setup();
  symlinkSync(`../../../../../../../..${host}`, join(root, 'up'));
  assert.is(await mustStayInside(() => copyIn(payload, root, '/up/x'), host), 'failed');
  await mustStayInside(() => copyIn(payload, root, '/up'), host); // the link itself as the destination
});

test('.. in the container path is clamped at the root', async () => {
  const { root, host, payload } = setup();
  await mustStayInside(() => copyIn(payload, root, `/../../../../..${host}/x`), host);
  await rejects(() => copyOut(root, `../../../..${host}/secret`, join(dirs.mk('o'), 'x')), 'NOT_FOUND', /in container/);
  await rejects(() => copyOut(root, '/../../etc/passwd', join(dirs.mk('o'), 'x')), 'NOT_FOUND');
});

test('copying out a symlink to a host file copies the link, not the file', async () => {
  const { root, secret } = setup();
  symlinkSync(secret, join(root, 'leak'));
  mkdirSync(join(root, 'd'));
  symlinkSync(secret, join(root, 'd/leak'));
  const out = dirs.mk('out');
  await copyOut(root, '/leak', join(out, 'leak'));
  assert.ok(lstatSync(join(out, 'leak')).isSymbolicLink());
  assert.is(readlinkSync(join(out, 'leak')), secret);
  await copyOut(root, '/d', join(out, 'd'));
  assert.equal(describe(join(out, 'd')), [`leak l -> ${secret}`]);
  // followed (trailing /) it resolves inside the root, where there is no such file
  await rejects(() => copyOut(root, '/leak/', join(out, 'x')), 'NOT_FOUND');
});

test('copying in over a symlink to a host file never writes the host file', async () => {
  const { root, host, secret, payload } = setup();
  mkdirSync(join(root, 'tree'));
  symlinkSync(secret, join(root, 'tree/payload'));
  const src = dirs.mk('src');
  writeFileSync(join(src, 'payload'), 'overwrite?');
  await mustStayInside(() => copyIn(`${src}/.`, root, '/tree'), host);
  assert.is(readFileSync(join(root, 'tree/payload'), 'utf8'), 'overwrite?', 'the link was replaced by the file');
  symlinkSync(secret, join(root, 'tree/again'));
  mkdirSync(join(root, host), { recursive: true });
  await mustStayInside(() => copyIn(payload, root, '/tree/again'), host);
  assert.is(readFileSync(join(root, host, 'secret'), 'utf8'), 'from the user', 'a final symlink is followed inside the root');
});

/**
 * A child process that keeps swapping `target` between a real directory and a
 * symlink to `host`, as a container process would, until killed.
 */
function swapper(target: string, host: string): { stop: () => Promise<void> } {
  const script = `
    const fs = require('fs');
    const [t, host] = process.argv.slice(1);
    const real = t + '.real', link = t + '.link';
    try { fs.symlinkSync(host, link); } catch {}
    for (;;) {
      try { fs.renameSync(t, real); fs.renameSync(link, t); fs.renameSync(t, link); fs.renameSync(real, t); } catch {}
    }`;
  const child = spawn(process.execPath, ['-e', script, target, host], { stdio: 'ignore' });
  return {
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

test('race: a directory swapped for a host symlink during copy out never leaks host files', async () => {
  const { root, host } = setup();
  mkdirSync(join(root, 'data/sub'), { recursive: true });
  writeFileSync(join(root, 'data/sub/file'), 'container data');
  const out = dirs.mk('out');
  const swap = swapper(join(root, 'data/sub'), host);
  let copied = 0;
  try {
    const until = Date.now() + 2000;
    for (let i = 0; Date.now() < until; i++) {
      try {
        await copyOut(root, '/data', join(out, `c${i}`));
        copied++;
      } catch { /* the swap made a step fail: fine, as long as nothing leaked */ }
    }
  } finally {
    await swap.stop();
  }
  assert.ok(copied > 0, 'no copy ever completed');
  const leaked = readdirSync(out).flatMap((c) => describe(join(out, c))).filter((l) => l.includes('HOST SECRET') || / secret/.test(l));
  assert.equal(leaked, []);
});

test('race: a directory swapped for a host symlink during copy in never writes the host', async () => {
  const { root, host } = setup();
  mkdirSync(join(root, 'in/sub'), { recursive: true });
  const src = dirs.mk('src');
  mkdirSync(join(src, 'sub'));
  for (let i = 0; i < 20; i++) writeFileSync(join(src, 'sub', `f${i}`), `file ${i}`);
  const swap = swapper(join(root, 'in/sub'), host);
  try {
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      await copyIn(`${src}/.`, root, '/in').catch(() => undefined);
      await copyIn(join(src, 'sub/f1'), root, '/in/sub/x').catch(() => undefined);
    }
  } finally {
    await swap.stop();
  }
  assert.equal(hostEntries(host).filter((n) => n !== 'secret'), [], 'files were written into the host directory');
});

test('every file descriptor the copies opened is closed again, failures included', () => {
  assert.equal(openFds(), fdsAtStart);
});

test.run();
