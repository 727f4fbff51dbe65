// dockerode (npm's Docker SDK) drives berth's service: create, attach (hijacked, with
// stdin and its half-close), start, wait, logs (multiplexed frames), stats, exec with its
// exit code, remove — and a 404 comes back as docker's JSON error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-api-dockerode-');
const sock = join(t.root, 'api.sock');
const docker = new Docker({ socketPath: sock });
let service: ChildProcess;
let serviceExit: Promise<number | null>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects a demultiplexed stream's stdout and stderr. */
function demux(stream: NodeJS.ReadableStream): { out: () => string; err: () => string; ended: Promise<void> } {
  const o = new PassThrough(), e = new PassThrough();
  let out = '', err = '';
  o.on('data', (d) => (out += d));
  e.on('data', (d) => (err += d));
  docker.modem.demuxStream(stream, o, e);
  const ended = new Promise<void>((r) => { stream.on('end', () => r()); stream.on('close', () => r()); });
  return { out: () => out, err: () => err, ended };
}

test.before(async () => {
  t.ok(['import', busyboxTar(), 'bb']);
  service = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'system', 'service', '--host', `unix://${sock}`, '--time', '0'], { stdio: 'ignore' });
  serviceExit = new Promise((r) => service.on('exit', (code) => r(code)));
  for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(50);
});

test.after(async () => {
  if (service.exitCode === null) service.kill('SIGTERM');
  assert.is(await serviceExit, 0);
  assert.not.ok(existsSync(sock), 'socket left behind');
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('create, attach with stdin, start, wait: the bytes through and the exit code back', async () => {
  const c = await docker.createContainer({
    Image: 'bb', name: 'ode1', Cmd: ['sh', '-c', 'tr a-z A-Z; echo done >&2; exit 6'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
  });
  t.seen.push(c.id);
  const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
  const got = demux(stream);
  await c.start();
  stream.write('hello from dockerode\n');
  (stream as unknown as { end(): void }).end(); // half-close: the container's stdin ends
  const res = await c.wait();
  await got.ended;
  assert.is(res.StatusCode, 6);
  assert.is(got.out(), 'HELLO FROM DOCKERODE\n');
  assert.is(got.err(), 'done\n');
  const info = await c.inspect();
  assert.is(info.State.ExitCode, 6);
  assert.is(info.Name, '/ode1');
  // logs: docker's frames, stdout and stderr apart
  const logs = await c.logs({ stdout: true, stderr: true, follow: false }) as unknown as Buffer;
  assert.is(logs[0], 1);
  assert.is(logs.readUInt32BE(4), 'HELLO FROM DOCKERODE\n'.length);
  assert.ok(logs.includes(Buffer.from([2, 0, 0, 0, 0, 0, 0, 5])), 'a stderr frame of 5 bytes');
  await c.remove();
  assert.is(t.berth(['inspect', 'ode1']).code, 1);
});

test('AutoRemove, attach, start, 20 times over: each run\'s output arrives whole, then the container goes', async () => {
  // the service collects exits itself: it must leave the container's log to the attached client
  for (let i = 0; i < 20; i++) {
    const c = await docker.createContainer({ Image: 'bb', Cmd: ['sh', '-c', `echo out${i}; echo err${i} >&2`], HostConfig: { AutoRemove: true } });
    t.seen.push(c.id);
    const stream = await c.attach({ stream: true, stdout: true, stderr: true, hijack: true });
    const got = demux(stream);
    await c.start();
    await got.ended;
    assert.equal([got.out(), got.err()], [`out${i}\n`, `err${i}\n`], `run ${i}`);
  }
  for (let i = 0; i < 100 && t.ok(['ps', '-a', '-q']) !== ''; i++) await sleep(50);
  assert.is(t.ok(['ps', '-a', '-q']), '', 'removed once their clients were done');
});

test('stats one-shot and streamed, exec with its exit code, remove with force', async () => {
  const c = await docker.createContainer({ Image: 'bb', name: 'ode2', Cmd: ['sleep', '100'] });
  t.seen.push(c.id);
  await c.start();
  const one = await c.stats({ stream: false });
  assert.is(one.name, '/ode2');
  assert.is(one.pids_stats?.current, 1);
  assert.ok(one.memory_stats.usage > 0, 'memory usage');
  assert.ok(one.cpu_stats.system_cpu_usage > one.precpu_stats.system_cpu_usage, 'a CPU base to compute % from');
  const streamed = await c.stats({ stream: true }) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const first = await new Promise<string>((r) => streamed.once('data', (d: Buffer) => r(d.toString())));
  streamed.destroy();
  assert.is(JSON.parse(first.split('\n')[0]).id, c.id);

  const ex = await c.exec({ Cmd: ['sh', '-c', 'echo in-exec; exit 3'], AttachStdout: true, AttachStderr: true });
  const s = await ex.start({ hijack: true, stdin: false });
  const got = demux(s);
  await got.ended;
  assert.is(got.out(), 'in-exec\n');
  const ei = await ex.inspect();
  assert.is(ei.ExitCode, 3);
  assert.is(ei.Running, false);

  await c.remove({ force: true });
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('docker\'s errors: 404 with its message, 409 for a running container\'s removal', async () => {
  const err = await docker.getContainer('nosuch').inspect().catch((e: { statusCode: number; json: { message: string } }) => e);
  assert.is((err as { statusCode: number }).statusCode, 404);
  assert.is((err as { json: { message: string } }).json.message, 'No such container: nosuch');
  const c = await docker.createContainer({ Image: 'bb', name: 'ode3', Cmd: ['sleep', '100'] });
  t.seen.push(c.id);
  await c.start();
  const busy = await c.remove().catch((e: { statusCode: number }) => e);
  assert.is((busy as { statusCode: number }).statusCode, 409);
  await c.remove({ force: true });
});

test.run();
