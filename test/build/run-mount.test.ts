// `RUN --mount` (BuildKit's cache, bind and tmpfs mounts) and ADD from a URL
// (a loopback HTTP server of the test's own), end to end through the CLI.
// Expected values follow the Dockerfile reference (RUN --mount, ADD): mounts
// are not part of the image (nor their mount points); secrets default to
// /run/secrets/ID mode 0400, ssh agents to /run/buildkit/ssh_agent.N; ADD's
// downloads are mode 0600 and not unpacked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, leaks } from '../helpers/root.js';

const t = new TestRoot('berth-test-runmount-');
const work = mkdtempSync('/tmp/berth-test-runmount-ctx-');
let server: ChildProcess | undefined;
let port = 0;

test.before(async () => {
  t.ok(['import', busyboxTar(), 'bb']);
  const www = join(work, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'file.txt'), 'downloaded\n');
  execFileSync('tar', ['-C', work, '-cf', join(www, 'a.tar'), 'www/file.txt']);
  port = 20000 + Math.floor(Math.random() * 20000);
  server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port)], { cwd: www, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try { execFileSync('sh', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore', shell: '/bin/bash' }); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
});
test.after(() => {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

let n = 0;
function context(files: Record<string, string>): string {
  const dir = join(work, `ctx${n++}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function build(dir: string, args: string[] = []) {
  return t.berth(['build', '--network', 'none', ...args, dir], { timeoutMs: 120_000 });
}

function sh(image: string, script: string): string {
  return t.ok(['run', '--rm', '--network', 'none', image, 'sh', '-c', script]);
}

function nothingLeft(): void {
  assert.is(t.ok(['ps', '-a', '-q']), '');
  assert.equal(leaks(t.root), []);
  assert.equal(readdirSync(join(t.root, 'tmp')), []);
}

test('type=cache keeps its content across builds, and none of it is in the image', () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN --mount=type=cache,target=/cache echo x >> /cache/count && wc -l < /cache/count > /n\n' });
  for (const expect of ['1', '2']) {
    const r = build(dir, ['--no-cache', '-t', 'cached']);
    assert.is(r.code, 0, r.stderr);
    assert.is(sh('cached', 'cat /n; ls -A /cache 2>/dev/null | wc -l'), `${expect}\n0`);
  }
  nothingLeft();
});

test('type=bind from the context and from a stage: read-only, not in the image; type=tmpfs', () => {
  const dir = context({
    Dockerfile: [
      'FROM bb AS art', 'RUN echo artifact > /art',
      'FROM bb',
      'RUN --mount=type=bind,source=f,target=/m cat /m > /copied && (touch /m 2>/dev/null && echo rw || echo ro) > /mode',
      'RUN --mount=type=bind,from=art,source=/art,target=/a cp /a /from-stage',
      'RUN --mount=type=tmpfs,target=/t echo x > /t/f && grep -c " /t tmpfs" /proc/mounts > /tm',
    ].join('\n'),
    f: 'bound\n',
  });
  const r = build(dir, ['-t', 'bound']);
  assert.is(r.code, 0, r.stderr);
  assert.is(sh('bound', 'cat /copied /mode /from-stage /tm; cat /m /t/f 2>/dev/null | wc -c'), 'bound\nro\nartifact\n1\n0');
  // the second build is all cached: the bind's content has not changed
  assert.is((build(dir, ['-t', 'bound']).stderr.match(/CACHED/g) ?? []).length, 4);
  writeFileSync(join(dir, 'f'), 'changed\n');
  const again = build(dir, ['-t', 'bound']);
  assert.not.match(again.stderr, /source=f,target=\/m cat[^\n]*\n#\d+ CACHED/, 'a changed bind source reruns the step');
  assert.is(sh('bound', 'cat /copied'), 'changed');
  nothingLeft();
});

test('type=secret: a file at /run/secrets/ID (0400, root\'s) from a file or the environment; its content is nowhere in the store, its mount point not in the image', () => {
  const secret = `s3cr3t-${process.pid}-${Date.now()}`;
  writeFileSync(join(work, 'tok'), secret);
  const dir = context({
    Dockerfile: [
      'FROM bb',
      'RUN --mount=type=secret,id=tok stat -c "%a %u:%g" /run/secrets/tok > /st && wc -c < /run/secrets/tok > /len',
      'RUN --mount=type=secret,id=envtok,target=/e,mode=0440,uid=1 stat -c "%a %u" /e > /est && wc -c < /e > /elen',
      'RUN --mount=type=secret,id=absent ls /run/secrets 2>/dev/null | wc -l > /absent',
    ].join('\n'),
  });
  const r = t.berth(['build', '--network', 'none', '--secret', `id=tok,src=${join(work, 'tok')}`, '--secret', 'id=envtok,env=TOKVAR', '-t', 'sec', dir],
    { env: { TOKVAR: secret }, timeoutMs: 120_000 });
  assert.is(r.code, 0, r.stderr);
  assert.is(sh('sec', 'cat /st /len /est /elen /absent; ls -d /run/secrets /run /e 2>/dev/null | wc -l'), `400 0:0\n${secret.length}\n440 1\n${secret.length}\n0\n0`);
  // not in a layer, a blob, the cache, a record or a log
  const found = spawnSync('grep', ['-rlF', secret, t.root], { encoding: 'utf8' });
  assert.is(found.status, 1, `the secret is in: ${found.stdout}`);
  const missing = build(context({ Dockerfile: 'FROM bb\nRUN --mount=type=secret,id=nope,required true\n' }));
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /secret nope: not found/);
  nothingLeft();
});

test('type=ssh: the agent socket in SSH_AUTH_SOCK; required without --ssh is refused', async () => {
  const sock = join(work, 'agent.sock');
  const agent = spawn('python3', ['-c', `import socket,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(${JSON.stringify(sock)})\ns.listen()\ntime.sleep(120)`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((res) => setTimeout(res, 100));
    const dir = context({ Dockerfile: 'FROM bb\nRUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo "$SSH_AUTH_SOCK" > /sock\n' });
    const r = build(dir, ['--ssh', `default=${sock}`, '-t', 'ssh']);
    assert.is(r.code, 0, r.stderr);
    assert.is(sh('ssh', 'cat /sock; ls -d /run/buildkit 2>/dev/null | wc -l'), '/run/buildkit/ssh_agent.0\n0');
    const refused = build(context({ Dockerfile: 'FROM bb\nRUN --mount=type=ssh,required=true true\n' }));
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /no SSH key "default" forwarded/);
  } finally {
    agent.kill();
  }
  nothingLeft();
});

test('type=bind,rw: the step writes into a copy; the context and the image do not get the writes', () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN --mount=type=bind,source=d,target=/d,rw echo new > /d/new && cat /d/f > /seen && ls /d > /list\n', 'd/f': 'from context\n' });
  const r = build(dir, ['-t', 'rw']);
  assert.is(r.code, 0, r.stderr);
  assert.is(sh('rw', 'cat /seen /list; ls -d /d 2>/dev/null | wc -l'), 'from context\nf\nnew\n0');
  assert.equal(readdirSync(join(dir, 'd')), ['f']);
  nothingLeft();
});

test('unsupported mounts are refused with one line', () => {
  for (const [m, re] of [['type=nfs,target=/x', /type=nfs is not supported/], ['type=secret,id=x,env=X', /env=\) is not supported/]] as const) {
    const r = build(context({ Dockerfile: `FROM bb\nRUN --mount=${m} true\n`, f: '' }));
    assert.is(r.code, 1);
    assert.match(r.stderr, re);
  }
  nothingLeft();
});

test('ADD from a URL: named after the URL, mode 0600, a tar is not unpacked', () => {
  const dir = context({ Dockerfile: `FROM bb\nADD http://127.0.0.1:${port}/file.txt /dl/\nADD http://127.0.0.1:${port}/a.tar /dl/\nADD http://127.0.0.1:${port}/file.txt /renamed\n` });
  const r = build(dir, ['-t', 'dl']);
  assert.is(r.code, 0, r.stderr);
  assert.is(sh('dl', 'stat -c "%n %a %u:%g" /dl/file.txt /dl/a.tar /renamed; cat /dl/file.txt'), '/dl/file.txt 600 0:0\n/dl/a.tar 600 0:0\n/renamed 600 0:0\ndownloaded');
  const missing = build(context({ Dockerfile: `FROM bb\nADD http://127.0.0.1:${port}/nope /x\n` }));
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /invalid response status 404/);
  nothingLeft();
});

test.run();
