// The everyday verbs on a Docker Engine API endpoint (`berth -H unix://SOCK ps`), against
// a real dockerd and podman's `system service` (test/helpers/engines.ts: their own dirs,
// no host networking; containers get --network none), beside the real docker CLI on the
// same socket: what berth prints is what docker prints, and what berth makes is what
// docker would have made. Then the ssh path once (a throw-away sshd, the system ssh),
// and what stays the embedded engine's: one line, docker's status.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn as spawnChild, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRoot, berthBin } from '../helpers/root.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { hasDockerd, hasPodman, startDockerd, startPodman, type TestEngine, endpointImages } from '../helpers/engines.js';
import { processesMentioning, startSshd } from '../helpers/sshd.js';

const t = new TestRoot('berth-test-cli-endpoint-');
let reg: TestRegistry | undefined;
let tar = '';
let ref = '';

interface Out { code: number; out: string; err: string }
const spawn = (cmd: string, args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}): Out => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: o.input ?? '', env: o.env ?? process.env, timeout: 90_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const on = (host: string) => ({
  berth: (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}) => spawn(process.execPath, ['--', berthBin, '--root', t.root, '-H', host, ...args], o),
  docker: (args: string[], o: { input?: string } = {}) => spawn('docker', ['-H', host, ...args], o),
});
/** The same command through berth and the docker CLI; a line that names a time may tick between them: tried 3 times. */
function same(e: ReturnType<typeof on>, args: string[]): string {
  let b: Out = { code: -1, out: '', err: '' }, d = b;
  for (let i = 0; i < 3; i++) {
    b = e.berth(args);
    d = e.docker(args);
    if (b.out === d.out && b.code === d.code) return b.out;
  }
  assert.equal({ code: b.code, out: b.out }, { code: d.code, out: d.out }, `berth vs docker: ${args.join(' ')}\n${b.err}`);
  return b.out;
}
/** Runs `cmd` on a pseudo-terminal (script(1)); its output as the terminal showed it. Our side
 * of script's stdin stays open (nothing typed): at its EOF script would type the terminal's EOF. */
function onTty(cmd: string): Promise<Out> {
  const child = spawnChild('script', ['-qefc', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => { clearTimeout(timer); child.stdin!.destroy(); resolve({ code: code ?? -1, out, err }); }));
}

test.before(async () => {
  reg = await startRegistry();
  ({ tar, ref } = endpointImages(t, reg, 'cli'));
});

test.after(async () => {
  await reg?.stop();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

async function everyday(start: () => Promise<TestEngine>): Promise<void> {
  const eng = await start();
  const e = on(eng.host);
  try {
    await eng.load(tar);
    // run -d, then the lists and documents docker's CLI prints the same way
    const run = e.berth(['run', '-d', '--name', 'c1', '--network', 'none', '-e', 'GREETING=hi', 'bb', 'sh', '-c', 'echo out; echo err >&2; echo "$GREETING"; sleep 1000']);
    assert.is(run.code, 0, run.err);
    const id = run.out.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.is(e.berth(['ps', '-q']).out, `${id.slice(0, 12)}\n`);
    same(e, ['ps']);
    same(e, ['ps', '-a', '--no-trunc']);
    same(e, ['ps', '-a', '--filter', 'name=c1', '--format', '{{.Names}} {{.State}} {{.Image}}']);
    same(e, ['images']);
    same(e, ['images', '-q']);
    same(e, ['inspect', '--format', '{{.Name}} {{.State.Running}} {{.Config.Env}}', 'c1']);
    const missing = e.berth(['inspect', 'nosuch']);
    assert.equal([missing.code, missing.out, missing.err], [1, '[]\n', 'Error: No such object: nosuch\n']);
    assert.equal(JSON.parse(e.berth(['inspect', 'c1']).out)[0].Id, id);

    // logs: stdout and stderr apart, --tail, -t stamps
    await waitFor(() => e.berth(['logs', 'c1']).out === 'out\nhi\n', 'the log');
    const logs = e.berth(['logs', 'c1']);
    assert.equal([logs.out, logs.err], ['out\nhi\n', 'err\n']);
    // the engine's own idea of the last line (podman's is the stream that wrote last): docker's CLI's
    const tail = e.berth(['logs', '--tail', '1', 'c1']), dtail = e.docker(['logs', '--tail', '1', 'c1']);
    assert.equal([tail.out, tail.err], [dtail.out, dtail.err]);
    assert.is((tail.out + tail.err).split('\n').length, 2, 'one line');
    // the daemon's own stamps, as docker's CLI prints them
    const stamped = e.berth(['logs', '-t', 'c1']), dstamped = e.docker(['logs', '-t', 'c1']);
    assert.equal([stamped.out, stamped.err], [dstamped.out, dstamped.err]);
    assert.match(stamped.out, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* (out|hi)\n/); // podman's zone is +00:00

    // exec: plain (streams apart, its exit code), -i (our stdin), -it on a terminal
    const ex = e.berth(['exec', 'c1', 'sh', '-c', 'echo in; echo ie >&2; exit 3']);
    assert.equal([ex.code, ex.out, ex.err], [3, 'in\n', 'ie\n']);
    assert.is(e.berth(['exec', '-i', 'c1', 'cat'], { input: 'piped\n' }).out, 'piped\n');
    const tty = await onTty(`node -- ${berthBin} --root ${t.root} -H ${eng.host} exec -it c1 sh -c 'tty; exit 4'`);
    assert.is(tty.code, 4, tty.out);
    assert.match(tty.out.replace(/\r/g, '').trim(), /^\/dev\/pts\/\d+$/);
    // a command that is not there: docker's status for it (126/127, the daemon's record)
    const notFound = e.berth(['exec', 'c1', 'nosuchcmd']);
    assert.is(notFound.code, e.docker(['exec', 'c1', 'nosuchcmd']).code, notFound.out + notFound.err);
    assert.ok([126, 127].includes(notFound.code), String(notFound.code));

    // top: the daemon's ps, as docker's CLI lays it out
    const top = same(e, ['top', 'c1']); // the columns are the engine's (podman's differ from ps -ef's)
    assert.match(top, /sleep 1000/);
    assert.match(same(e, ['top', 'c1', '-o', 'pid,args']), /^\s*PID\s+COMMAND\n/);

    // stats --no-stream: one row, the container's
    const stats = e.berth(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}}', 'c1']);
    assert.is(stats.code, 0, stats.err);
    assert.match(stats.out, /^c1 \d+\.\d\d%\n$/);

    // lifecycle: each names its target, as docker's
    for (const verb of [['pause'], ['unpause'], ['stop', '-t', '1'], ['start'], ['restart', '-t', '1'], ['kill']]) {
      const r = e.berth([...verb, 'c1']);
      assert.equal([r.code, r.out, r.err], [0, 'c1\n', ''], verb.join(' '));
    }
    assert.is(e.berth(['wait', 'c1']).out, '137\n');
    // the daemon's own words (podman's are not dockerd's), as docker's CLI's first line gives them
    const gone = e.berth(['stop', 'nosuch']), dgone = e.docker(['stop', 'nosuch']);
    assert.equal([gone.code, gone.err], [1, `${dgone.err.split('\n')[0].replace(/^Error response from daemon: /, 'Error: ')}\n`]);
    if (eng.name === 'dockerd') assert.is(gone.err, 'Error: No such container: nosuch\n');
    assert.equal(e.berth(['rm', 'c1']).out, 'c1\n');
    assert.is(e.docker(['ps', '-a', '-q']).out, '');

    // run in the foreground: its streams, its exit code; --rm leaves nothing; -i takes our stdin
    const fg = e.berth(['run', '--rm', '--network', 'none', 'bb', 'sh', '-c', 'echo a; echo b >&2; exit 7']);
    assert.equal([fg.code, fg.out, fg.err], [7, 'a\n', 'b\n']);
    assert.is(e.berth(['run', '--rm', '-i', '--network', 'none', 'bb', 'cat'], { input: 'x\ny\n' }).out, 'x\ny\n');
    const it = await onTty(`node -- ${berthBin} --root ${t.root} -H ${eng.host} run --rm -it --network none bb sh -c 'tty; exit 5'`);
    assert.is(it.code, 5, it.out);
    assert.match(it.out.replace(/\r/g, '').trim(), /^\/dev\/pts\/\d+$/);
    const nocmd = e.berth(['run', '--rm', '--network', 'none', 'bb', 'nosuchcmd']);
    // docker's CLI's status on dockerd (against podman 4.3 it says 1: the error comes after the attach)
    if (eng.name === 'dockerd') assert.is(nocmd.code, e.docker(['run', '--rm', '--network', 'none', 'bb', 'nosuchcmd']).code, nocmd.err);
    assert.ok([126, 127].includes(nocmd.code), String(nocmd.code));
    assert.is(nocmd.err.split('\n').length, 2, `one line: ${nocmd.err}`);
    assert.is(e.docker(['ps', '-a', '-q']).out, '', 'every --rm container removed');

    // create: the body docker's CLI would have sent for the same flags
    const flags = ['-e', 'A=1', '-p', '127.0.0.1:8080:80', '--label', 'k=v', '-w', '/tmp', '--entrypoint', 'sh', 'bb', '-c', 'true'];
    const mine = e.berth(['create', '--name', 'made-by-berth', ...flags]);
    assert.is(mine.code, 0, mine.err);
    assert.is(e.docker(['create', '--name', 'made-by-docker', ...flags]).code, 0);
    const fields = '{{json .Config.Labels}} {{.Config.WorkingDir}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .HostConfig.PortBindings}} {{json .Config.ExposedPorts}}';
    assert.is(e.berth(['inspect', '--format', fields, 'made-by-berth']).out, e.docker(['inspect', '--format', fields, 'made-by-docker']).out);
    // podman lists the environment in no fixed order
    const env = (who: Out): string[] => (JSON.parse(who.out) as string[]).sort();
    assert.equal(env(e.berth(['inspect', '--format', '{{json .Config.Env}}', 'made-by-berth'])), env(e.docker(['inspect', '--format', '{{json .Config.Env}}', 'made-by-docker'])));
    const unsupported = e.berth(['create', '--device-cgroup-rule', 'c 1:3 r', 'bb']);
    assert.equal([unsupported.code, unsupported.err], [125, 'Error: not available on this engine: deviceCgroupRules\n']);
    assert.is(e.berth(['rm', 'made-by-berth', 'made-by-docker']).out, 'made-by-berth\nmade-by-docker\n');

    // pull with docker's closing lines, rmi with docker's
    const pull = e.berth(['pull', ref]);
    assert.is(pull.code, 0, pull.err);
    assert.ok(pull.out.endsWith(`Digest: ${pull.out.match(/Digest: (sha256:[0-9a-f]{64})/)![1]}\nStatus: Downloaded newer image for ${ref}\n${ref}\n`), pull.out);
    assert.match(e.berth(['pull', ref]).out, /Status: Image is up to date/);
    const rmi = e.berth(['rmi', ref]);
    assert.is(rmi.code, 0, rmi.err);
    assert.match(rmi.out, new RegExp(`^Untagged: ${ref.replace(/[.]/g, '\\.')}\n`));

    // volumes and networks
    assert.is(e.berth(['volume', 'create', 'v1']).out, 'v1\n');
    same(e, ['volume', 'ls']);
    same(e, ['volume', 'inspect', '--format', '{{.Name}} {{.Driver}}', 'v1']);
    assert.is(e.berth(['volume', 'rm', 'v1']).out, 'v1\n');
    assert.is(e.berth(['network', 'create', 'n1']).code, 0);
    same(e, ['network', 'ls']);
    assert.is(e.berth(['network', 'rm', 'n1']).out, 'n1\n');
    const rmNet = e.berth(['network', 'rm', '-f', 'n1']);
    assert.equal([rmNet.code, rmNet.out], [0, '']);

    // version and info: the endpoint's server
    same(e, ['version', '--format', '{{.Server.Version}} {{.Server.Os}}/{{.Server.Arch}} {{.Server.KernelVersion}}']);
    same(e, ['info', '--format', '{{.Name}} {{.Containers}} {{.OSType}} {{.NCPU}}']); // (podman's ID is new at each request)
    assert.match(e.berth(['version']).out, /\nServer: .*\n Engine:\n  Version: /);

    // what only the embedded engine does: one line, docker's status
    const build = e.berth(['build', '.']);
    assert.equal([build.code, build.err], [1, `Error: "build" cannot run on ${eng.host} (context "default"): only berth's embedded engine does that\n`]);
    const attachStart = e.berth(['start', '-a', 'nosuch']);
    assert.equal([attachStart.code, attachStart.err], [1, `Error: "start --attach" cannot run on ${eng.host} (context "default"): only berth's embedded engine does that\n`]);
    // and berth's own engine saw none of it
    assert.is(t.ok(['ps', '-a', '-q']), '');
  } finally {
    await eng.stop();
  }
}

async function waitFor(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('dockerd: the everyday verbs as docker\'s CLI prints them', async () => {
  if (!hasDockerd()) throw new Error('dockerd is missing: scripts/setup.sh installs docker.io');
  await everyday(startDockerd);
});

test('podman system service: the everyday verbs as docker\'s CLI prints them', async () => {
  if (!hasPodman()) throw new Error('podman is missing: scripts/setup.sh installs it');
  await everyday(() => startPodman([reg!.addr]));
});

test('an endpoint that does not answer: docker\'s line, 1 (run 125)', () => {
  const e = on('unix:///nonexistent/docker.sock');
  const ps = e.berth(['ps']);
  assert.equal([ps.code, ps.err], [1, 'Error: Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?\n']);
  const run = e.berth(['run', '--rm', 'bb', 'true']);
  assert.equal([run.code, run.err], [125, 'berth: Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?\n']);
});

test('ssh://: the verbs through the system ssh and docker\'s dial-stdio on the far side', async () => {
  const dockerd = await startDockerd();
  const sshd = await startSshd({ PATH: '/usr/local/bin:/usr/bin:/bin', DOCKER_HOST: dockerd.host });
  // the system ssh, with the throw-away server's client config (as a user's ~/.ssh/config would name it)
  const bin = mkdtempSync('/tmp/berth-test-ssh-bin-');
  writeFileSync(join(bin, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh ${sshd.clientArgs.join(' ')} "$@"\n`);
  chmodSync(join(bin, 'ssh'), 0o755);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  try {
    await dockerd.load(tar);
    const e = on('ssh://root@berth-test');
    const run = e.berth(['run', '--rm', '--network', 'none', 'bb', 'sh', '-c', 'echo over-ssh; exit 6'], { env });
    assert.equal([run.code, run.out], [6, 'over-ssh\n'], run.err);
    const id = e.berth(['create', '--name', 'via-ssh', '--network', 'none', 'bb', 'true'], { env }).out.trim();
    assert.is(e.berth(['ps', '-a', '-q', '--no-trunc'], { env }).out, `${id}\n`);
    assert.is(e.berth(['rm', 'via-ssh'], { env }).out, 'via-ssh\n');
    // every ssh process ended with its berth
    assert.equal(processesMentioning(sshd.clientArgs[1]), [], 'ssh processes left');
  } finally {
    await sshd.stop();
    await dockerd.stop();
    rmSync(bin, { recursive: true, force: true });
  }
});

test.run();
