// ssh:// endpoints end to end: a throw-away sshd on a loopback port (test/helpers/sshd.ts),
// the system ssh client with a config naming it, and dockerode over connectOptions'
// agent. The far side is berth's own service reached through `berth system dial-stdio`
// (a remote without a docker CLI), then a dockerd (test/helpers/engines.ts: no host
// networking touched) reached through docker's own `docker system dial-stdio`. Each
// proves /_ping and /containers/json with a container it made, and leaves no sshd, ssh,
// service or daemon behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Docker from 'dockerode';
import { connectOptions } from '../../src/backend/endpoints-connect.js';
import type { Endpoint } from '../../src/backend/endpoints.js';
import { startDockerd } from '../helpers/engines.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { processesMentioning, startSshd } from '../helpers/sshd.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sshEndpoint = (dockerHost: string): Endpoint => ({ name: 'remote', kind: 'docker', dockerHost, description: '', current: true });

/** dockerode over the endpoint; `done()` drops its kept ssh connections (their processes end). */
function client(ep: Endpoint, sshArgs: string[]): { docker: Docker; done: () => void } {
  const opts = connectOptions(ep, { sshArgs });
  return { docker: new Docker(opts as Docker.DockerOptions), done: () => opts.agent!.destroy() };
}

async function gone(text: string, ms = 5000): Promise<string[]> {
  const end = Date.now() + ms;
  let left = processesMentioning(text);
  while (left.length && Date.now() < end) {
    await sleep(50);
    left = processesMentioning(text);
  }
  return left;
}

test("ssh://host/PATH to berth's service: `berth system dial-stdio` on the far side", async () => {
  const t = new TestRoot('berth-test-ssh-berth-');
  const bin = mkdtempSync('/tmp/berth-test-ssh-bin-');
  // the session's PATH holds node and berth only: no docker CLI there, so berth answers
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync(berthBin, join(bin, 'berth'));
  const sshd = await startSshd({ PATH: bin });
  const sock = join(t.root, 'api.sock');
  let service: ChildProcess | undefined;
  try {
    t.ok(['import', busyboxTar(), 'bb']);
    const id = t.ok(['create', '--name', 'over-ssh', 'bb', 'true']);
    t.seen.push(id);
    service = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'system', 'service', '--host', `unix://${sock}`, '--time', '0'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(50);
    const { docker, done } = client(sshEndpoint(`ssh://berth-test${sock}`), sshd.clientArgs);
    try {
      assert.is(String(await docker.ping()), 'OK');
      const list = await docker.listContainers({ all: true });
      assert.equal(list.map((c) => c.Names[0]), ['/over-ssh']);
      assert.is(list[0].Id, id);
    } finally {
      done();
    }
    assert.equal(await gone(sshd.clientArgs[1]), [], 'ssh processes left');
  } finally {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((r) => service!.once('exit', r));
    }
    await sshd.stop();
    rmSync(bin, { recursive: true, force: true });
  }
  assert.equal(processesMentioning(sshd.dir), [], 'sshd left');
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('ssh://alias with user and port from ssh_config, to a dockerd: docker\'s own dial-stdio', async () => {
  // the same dockerd the engine tests start: its own dir and socket, host networking left alone
  const dockerd = await startDockerd();
  const sock = dockerd.host.slice('unix://'.length);
  const dir = dirname(sock);
  const sshd = await startSshd({ PATH: '/usr/local/bin:/usr/bin:/bin', DOCKER_HOST: `unix://${sock}` });
  try {
    const dockerCli = (args: string[]) => spawnSync('docker', ['-H', `unix://${sock}`, ...args], { encoding: 'utf8', timeout: 60_000 });
    const imp = dockerCli(['import', busyboxTar(), 'bb:ssh']);
    assert.is(imp.status, 0, imp.stderr);
    const made = dockerCli(['create', '--name', 'over-ssh-dockerd', 'bb:ssh', '/bin/true']);
    assert.is(made.status, 0, made.stderr);
    const { docker, done } = client(sshEndpoint('ssh://root@berth-test'), sshd.clientArgs);
    try {
      assert.is(String(await docker.ping()), 'OK');
      const list = await docker.listContainers({ all: true });
      assert.equal(list.map((c) => c.Names[0]), ['/over-ssh-dockerd']);
      assert.is(list[0].Id, made.stdout.trim());
      // a second request on the kept connection: one ssh process, not one per request
      assert.ok(Array.isArray(await docker.listImages()));
      assert.is(processesMentioning(`${sshd.clientArgs[1]} -o ConnectTimeout=30`).length, 1);
    } finally {
      done();
    }
    assert.equal(await gone(sshd.clientArgs[1]), [], 'ssh processes left');
  } finally {
    await sshd.stop();
    await dockerd.stop();
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(dir));
  assert.equal(mounts, [], 'dockerd mounts left');
  assert.equal(processesMentioning(dir), [], 'dockerd or sshd left');
});

test('an ssh failure is one error with ssh\'s reason, not a hang: a host key not in known_hosts', async () => {
  const sshd = await startSshd({});
  try {
    // a known_hosts without this server: ssh refuses (BatchMode, StrictHostKeyChecking yes)
    const strict = ['-F', sshd.clientArgs[1], '-o', `UserKnownHostsFile=${join(sshd.dir, 'empty_known_hosts')}`];
    const { docker, done } = client(sshEndpoint('ssh://berth-test'), strict);
    try {
      await docker.ping().then(() => assert.unreachable('pinged through an unverified host key'), (e: Error) => {
        assert.match(e.message, /ssh connection failed: .*(Host key verification failed|No .* host key is known)/);
      });
    } finally {
      done();
    }
  } finally {
    await sshd.stop();
  }
  assert.equal(processesMentioning(sshd.dir), [], 'ssh or sshd left');
});

test.run();
