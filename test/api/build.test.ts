// `docker build`, `docker commit` and `docker import` (the docker 28 CLI,
// DOCKER_HOST=unix://<test socket>) against `berth system service`: the
// classic builder API (a tar context, docker's query parameters, its JSON
// lines), the images land in berth's own store, and the exit codes and
// messages are docker's. The service answers BuildKit's session protocol
// (version=2) with one line naming DOCKER_BUILDKIT=0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-api-build-');
const sock = join(t.root, 'api.sock');
const work = mkdtempSync('/tmp/berth-test-api-build-ctx-');
const env = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(work, 'docker-config'), DOCKER_CLI_HINTS: 'false' };
let service: ChildProcess;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function docker(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { env: { ...env, ...opts.env }, encoding: 'utf8', input: opts.input ?? '', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? 128 + 9, stdout: r.stdout, stderr: r.stderr };
}
const classic = { DOCKER_BUILDKIT: '0' };

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'ctx-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

test.before(async () => {
  t.ok(['import', busyboxTar(), 'bb']);
  mkdirSync(env.DOCKER_CONFIG);
  service = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'system', 'service', '--host', `unix://${sock}`, '--time', '0'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(50);
  assert.ok(existsSync(sock));
});

test.after(async () => {
  service.kill('SIGTERM');
  await new Promise((r) => service.once('exit', r));
  rmSync(work, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('DOCKER_BUILDKIT=0 docker build: the classic steps, the image in berth\'s store, a second build from the cache', () => {
  const dir = context({
    Dockerfile: 'FROM bb AS base\nARG WHO=nobody\nRUN echo "hello $WHO" > /greeting\nFROM base\nCOPY f /f\nLABEL from=file\nCMD ["cat", "/greeting", "/f"]\n',
    f: 'from the context\n',
  });
  const r = docker(['build', '--network', 'none', '--build-arg', 'WHO=docker', '--label', 'extra=yes', '-t', 'app', '-t', 'app:2', dir], { env: classic });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Step 1\/2 : FROM docker\.io\/library\/bb:latest\n ---> [0-9a-f]{12}\n/);
  assert.match(r.stdout, /Step \d\/\d : COPY f \/f/);
  assert.match(r.stdout, /Successfully built [0-9a-f]{12}\n/);
  assert.match(r.stdout, /Successfully tagged app:latest\nSuccessfully tagged app:2\n/);
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'app']), 'hello docker\nfrom the context');
  assert.is(t.ok(['image', 'inspect', '-f', '{{.Config.Labels.from}} {{.Config.Labels.extra}}', 'app:2']), 'file yes');
  const again = docker(['build', '--network', 'none', '--build-arg', 'WHO=docker', '--label', 'extra=yes', '-t', 'app', dir], { env: classic });
  assert.is(again.code, 0, again.stderr);
  assert.is((again.stdout.match(/ ---> Using cache\n ---> [0-9a-f]{12}\n/g) ?? []).length, 2, again.stdout);
});

test('docker build -q, -f, --target; a failing RUN and a missing file: docker\'s exit code and message, nothing left', () => {
  const dir = context({ 'other.Dockerfile': 'FROM bb AS one\nRUN echo one > /n\nFROM bb AS two\nRUN echo two > /n\n' });
  const q = docker(['build', '-q', '--network', 'none', '-f', join(dir, 'other.Dockerfile'), '--target', 'one', '-t', 'one', dir], { env: classic });
  assert.is(q.code, 0, q.stderr);
  assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'one', 'cat', '/n']), 'one');
  const fail = docker(['build', '--network', 'none', context({ Dockerfile: 'FROM bb\nRUN echo out; exit 3\n' })], { env: classic });
  assert.is(fail.code, 1);
  assert.match(fail.stdout, /out\n/);
  assert.match(fail.stderr, /did not complete successfully: exit code: 3/);
  const missing = docker(['build', '--network', 'none', context({ Dockerfile: 'FROM bb\nCOPY nope /\n' })], { env: classic });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /"\/nope": not found/);
  assert.is(t.ok(['ps', '-a', '-q']), '');
  // the context, the steps' scratch and containers: gone (the service's own process is checked at the end)
  assert.equal(readdirSync(join(t.root, 'tmp')), []);
});

test('a BuildKit session build (version=2) is refused with one line naming DOCKER_BUILDKIT=0', async () => {
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ socketPath: sock, method: 'POST', path: '/v1.47/build?version=2&session=x' }, (r) => {
      let body = '';
      r.on('data', (d) => (body += d));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.is(res.status, 400);
  assert.match(res.body, /DOCKER_BUILDKIT=0/);
});

test('docker commit with --change, and docker import from stdin', () => {
  assert.is(docker(['create', '--network', 'none', '--name', 'snapme', 'bb', 'sh', '-c', 'echo made > /made']).code, 0);
  const start = docker(['start', '-a', 'snapme']);
  assert.is(start.code, 0, start.stderr);
  const c = docker(['commit', '-c', 'CMD ["cat", "/made"]', '-m', 'a message', 'snapme', 'snap:1']);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'snap:1']), 'made');
  assert.is(docker(['rm', 'snapme']).code, 0);
  const missing = docker(['commit', 'no-such-container']);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /No such container: no-such-container/);
  const imp = spawnSync('sh', ['-c', `docker import -c 'CMD ["echo", "imported"]' - imp:1 < ${busyboxTar()}`], { env, encoding: 'utf8' });
  assert.is(imp.status, 0, imp.stderr);
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'imp:1']), 'imported');
});

test.run();
