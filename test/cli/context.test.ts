// `berth context` beside the real docker CLI on one DOCKER_CONFIG: what either creates,
// uses or removes, the other sees; ls, inspect and the errors match docker's (berth's
// lines carry its `Error: ` prefix); and a verb that needs the embedded engine, given
// -H, refuses in one line instead of acting on the embedded engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextId } from '../../src/backend/contexts-store.js';
import { berthBin } from '../helpers/root.js';

const dir = mkdtempSync('/tmp/berth-test-context-');
const cfg = join(dir, 'docker');
const root = join(dir, 'root');
const baseEnv = (extra: Record<string, string> = {}) => {
  const e: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: cfg, ...extra };
  for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) if (!(k in extra)) delete e[k];
  return e;
};
interface Out { code: number; out: string; err: string }
const run = (cmd: string, args: string[], extra: Record<string, string> = {}): Out => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: baseEnv(extra), cwd: dir, timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const berth = (args: string[], extra: Record<string, string> = {}) => run(process.execPath, ['--', berthBin, '--root', root, ...args], extra);
const docker = (args: string[], extra: Record<string, string> = {}) => run('docker', args, extra);
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

test.before(() => {
  const v = spawnSync('docker', ['--version'], { encoding: 'utf8' });
  assert.is(v.status, 0, 'a docker CLI on PATH (Debian\'s docker.io) is the reference these tests compare with');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=x'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  writeFileSync(join(dir, 'ca.pem'), readFileSync(join(dir, 'cert.pem')));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a context berth creates is docker\'s: its ls and inspect show it, TLS files and modes as docker writes them', () => {
  const c = berth(['context', 'create', 'fromberth', '--description', 'made by berth', '--docker', 'host=tcp://127.0.0.1:2376,ca=ca.pem,cert=cert.pem,key=key.pem,skip-tls-verify=true']);
  assert.equal([c.code, c.out, c.err], [0, 'fromberth\n', 'Successfully created context "fromberth"\n']);
  const d = docker(['context', 'inspect', 'fromberth', '-f', '{{.Endpoints.docker.Host}}|{{.Endpoints.docker.SkipTLSVerify}}|{{json .TLSMaterial}}']);
  assert.equal([d.code, d.out], [0, 'tcp://127.0.0.1:2376|true|{"docker":["ca.pem","cert.pem","key.pem"]}\n'], d.err);
  assert.match(docker(['context', 'ls', '--format', '{{.Name}}: {{.Description}}']).out, /^fromberth: made by berth$/m);
  const id = contextId('fromberth');
  assert.equal([mode(join(cfg, 'contexts/meta', id)), mode(join(cfg, 'contexts/meta', id, 'meta.json'))], ['755', '644']);
  assert.equal([mode(join(cfg, 'contexts/tls', id)), mode(join(cfg, 'contexts/tls', id, 'docker')), mode(join(cfg, 'contexts/tls', id, 'docker/key.pem'))], ['700', '700', '600']);
  assert.equal(readFileSync(join(cfg, 'contexts/tls', id, 'docker/cert.pem')), readFileSync(join(dir, 'cert.pem')));
});

test("a context docker creates is berth's; inspect prints what docker's prints", () => {
  const c = docker(['context', 'create', 'fromdocker', '--docker', 'host=ssh://me@127.0.0.1:2222']);
  assert.is(c.code, 0, c.err);
  const b = berth(['context', 'inspect', 'fromdocker', 'fromberth']);
  const d = docker(['context', 'inspect', 'fromdocker', 'fromberth']);
  assert.is(b.code, 0, b.err);
  assert.is(b.out, d.out);
  // copies: --from takes the description too, --docker from= the endpoint only, no option the current context
  for (const [n, args] of [['c1', ['--from', 'fromberth']], ['c2', ['--docker', 'from=fromberth']], ['c3', []]] as [string, string[]][]) {
    assert.is(berth(['context', 'create', `b${n}`, ...args]).code, 0);
    assert.is(docker(['context', 'create', `d${n}`, ...args]).code, 0);
    const meta = (name: string) => readFileSync(join(cfg, 'contexts/meta', contextId(name), 'meta.json'), 'utf8').replace(`"Name":"${name}"`, '');
    assert.is(meta(`b${n}`), meta(`d${n}`), `create ${args.join(' ')}`);
    assert.equal(berth(['context', 'inspect', '-f', '{{json .TLSMaterial}}', `b${n}`]).out, docker(['context', 'inspect', '-f', '{{json .TLSMaterial}}', `d${n}`]).out);
    assert.is(docker(['context', 'rm', `b${n}`, `d${n}`]).code, 0);
  }
  const f = '{{.Name}} {{.Endpoints.docker.Host}}';
  assert.is(berth(['context', 'inspect', '-f', f, 'fromdocker']).out, docker(['context', 'inspect', '-f', f, 'fromdocker']).out);
});

test("ls: docker's table and JSON, with berth's own engine as the first row", () => {
  const env = { DOCKER_CONTEXT: 'fromdocker' };
  for (const args of [[], ['--format', 'json'], ['-q'], ['--format', 'table {{.Name}}\t{{.Current}}\t{{.DockerEndpoint}}']]) {
    const b = berth(['context', 'ls', ...args], env);
    const d = docker(['context', 'ls', ...args], env);
    assert.is(b.code, 0, b.err);
    const lines = b.out.split('\n');
    const berthRow = lines.findIndex((l) => /^berth\b|"Name":"berth"/.test(l));
    const header = args.length === 0 || args[1]?.startsWith('table') ? 1 : 0;
    assert.is(berthRow, header, `berth first: ${b.out}`);
    lines.splice(berthRow, 1);
    assert.is(lines.join('\n'), d.out, `context ls ${args.join(' ')}`);
  }
  const plain = berth(['context', 'ls']);
  assert.match(plain.out.split('\n')[1], /^berth \*\s+berth's embedded engine/, 'nothing chooses: berth is current');
  const warned = berth(['context', 'ls'], { DOCKER_HOST: 'unix:///x.sock' });
  assert.match(warned.out, /\ndefault \*\s+Current DOCKER_HOST based configuration\s+unix:\/\/\/x.sock/);
  assert.is(warned.err, docker(['context', 'ls'], { DOCKER_HOST: 'unix:///x.sock' }).err);
});

test('use: one current context for both CLIs; "berth" clears it (docker: default), "default" names docker\'s', () => {
  const u = berth(['context', 'use', 'fromdocker']);
  assert.equal([u.code, u.out, u.err], [0, 'fromdocker\n', 'Current context is now "fromdocker"\n']);
  assert.is(docker(['context', 'show']).out, 'fromdocker\n');
  assert.is(docker(['context', 'use', 'fromberth']).code, 0);
  assert.is(berth(['context', 'show']).out, 'fromberth\n');
  assert.is(berth(['context', 'use', 'berth']).code, 0);
  assert.equal([docker(['context', 'show']).out, berth(['context', 'show']).out], ['default\n', 'berth\n']);
  assert.is(berth(['context', 'use', 'default']).code, 0);
  assert.equal([docker(['context', 'show']).out, berth(['context', 'show']).out], ['default\n', 'default\n']);
  assert.equal(JSON.parse(readFileSync(join(cfg, 'config.json'), 'utf8')), { auths: {}, currentContext: 'default' });
  assert.is(mode(join(cfg, 'config.json')), '600');
  assert.is(docker(['context', 'use', 'default']).code, 0);
  assert.is(berth(['context', 'show']).out, 'berth\n', 'docker cleared it: berth falls back to its own engine');
});

test("errors: docker's words and exit codes; nothing is written", () => {
  const before = JSON.stringify(docker(['context', 'ls', '--format', 'json']).out);
  const cases: string[][] = [
    ['create', 'fromdocker', '--docker', 'host=unix:///x'], ['create', 'default', '--docker', 'host=unix:///x'],
    ['create', 'bad name', '--docker', 'host=unix:///x'], ['create', 'x2', '--docker', 'badkey=1'],
    ['create', 'x4', '--docker', 'host=unix:///x,skip-tls-verify=maybe'], ['create', 'x5', '--docker', 'host=tcp://h:1,ca=nope.pem'],
    ['use', 'nope'], ['rm', 'nope'], ['rm', 'default'], ['inspect', 'nope'],
  ];
  for (const args of cases) {
    const b = berth(['context', ...args]);
    const d = docker(['context', ...args]);
    assert.is(b.code, d.code, `context ${args.join(' ')}: ${b.err}`);
    assert.is(b.err, `Error: ${d.err}`, `context ${args.join(' ')}`);
  }
  assert.is(JSON.stringify(docker(['context', 'ls', '--format', 'json']).out), before);
  assert.equal(berth(['context', 'create', 'berth', '--docker', 'host=unix:///x']), { code: 1, out: '', err: 'Error: "berth" is a reserved context name\n' });
});

test('rm: either CLI removes what the other made; the current one only with -f, which clears it', () => {
  assert.is(berth(['context', 'rm', 'fromdocker']).code, 0);
  assert.not.match(docker(['context', 'ls', '-q']).out, /fromdocker/);
  assert.is(docker(['context', 'use', 'fromberth']).code, 0);
  const refused = berth(['context', 'rm', 'fromberth']);
  assert.equal([refused.code, refused.err], [1, 'Error: context "fromberth" is in use, set -f flag to force remove\n']);
  const forced = berth(['context', 'rm', '-f', 'fromberth', 'nope']);
  assert.equal([forced.code, forced.out], [0, 'fromberth\nnope\n']);
  assert.is(docker(['context', 'show']).out, 'default\n');
  assert.equal(berth(['context', 'ls', '-q']).out, 'berth\ndefault\n');
});

test('-H / --context before the verb: docker\'s conflicts; other verbs refuse another engine in one line', () => {
  assert.equal(berth(['-H', 'tcp://a:1', '-H', 'tcp://b:1', 'context', 'ls']), { code: 1, out: '', err: 'Error: Specify only one -H\n' });
  assert.equal(berth(['-H', 'tcp://a:1', '--context', 'berth', 'context', 'show']), { code: 1, out: '', err: 'Error: conflicting options: cannot specify both --host and --context\n' });
  assert.is(berth(['-H', 'tcp://127.0.0.1:9', 'context', 'show']).out, 'default\n');
  assert.is(berth(['--context=berth', 'context', 'show']).out, 'berth\n');
  // a verb only the embedded engine does refuses; the everyday ones go to the endpoint
  // (test/cli/endpoint-verbs), which here does not answer: docker's line for that
  const df = berth(['-H', 'tcp://127.0.0.1:9', 'system', 'df']);
  assert.equal([df.code, df.err], [1, 'Error: "system df" cannot run on tcp://127.0.0.1:9 (context "default"): only berth\'s embedded engine does that\n']);
  const ps = berth(['-H', 'tcp://127.0.0.1:9', 'ps']);
  assert.equal([ps.code, ps.err], [1, 'Error: Cannot connect to the Docker daemon at tcp://127.0.0.1:9. Is the docker daemon running?\n']);
  const runR = berth(['-H', 'tcp://127.0.0.1:9', 'run', '--rm', 'bb', 'true']);
  assert.is(runR.code, 125, 'run fails as docker\'s does for an unreachable daemon');
  assert.match(runR.err, /^berth: Cannot connect to the Docker daemon at tcp:\/\/127.0.0.1:9/);
  const unknown = berth(['--context', 'nope', 'ps']);
  assert.equal([unknown.code, unknown.err.split('\n').length], [1, 2]);
  assert.match(unknown.err, /^Error: context "nope": context not found/);
  // -c/-H after the verb stay the verb's own (run -c is --cpu-shares, history -H --human)
  const hist = berth(['history', '-H', 'nosuchimage']);
  assert.match(hist.err, /No such image/);
  // the workstation drives other engines: -H is taken, and without a terminal it says so (125)
  const tui = berth(['-H', 'tcp://127.0.0.1:9', 'tui']);
  assert.equal([tui.code, tui.err], [125, 'berth: the full-screen UI needs a terminal; use `berth --help` for the commands\n']);
  const tuiCtx = berth(['--context', 'nope', 'tui']);
  assert.is(tuiCtx.code, 125);
  assert.match(tuiCtx.err, /^berth: context "nope": context not found/);
});

test.run();
