// The Docker-API backend's pure parts: docker's and podman's documents in the
// engine's shapes (list entries, events, stats, log stamps), the endpoints found
// for the workstation and their names, and the run form's options as a create
// body (anything it cannot carry refused by name, never dropped).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stampNs, toEvent, toSummary } from '../../src/backend/docker/map.js';
import { toSample } from '../../src/backend/docker/stats.js';
import { createBody } from '../../src/backend/docker/create-body.js';
import { modemOptions } from '../../src/backend/docker/connect.js';
import { workstationEndpoints } from '../../src/backend/index.js';

test("a list entry: name without its slash, exit code and health from docker's status words", () => {
  const s = toSummary({
    Id: 'abc', Names: ['/web'], Image: 'bb', ImageID: 'sha256:1', Command: 'sleep 1', Created: 1_700_000_000,
    State: 'exited', Status: 'Exited (137) 2 minutes ago', Labels: null, Mounts: [{ Type: 'volume', Name: 'v', Source: '/x', Destination: '/data' }],
    NetworkSettings: { Networks: { none: {} } }, Ports: [{ PrivatePort: 80, PublicPort: 8080, IP: '127.0.0.1', Type: 'tcp' }],
  });
  assert.equal(s.name, 'web');
  assert.equal(s.exitCode, 137);
  assert.equal(s.created, '2023-11-14T22:13:20.000Z');
  assert.equal(s.labels, {});
  assert.equal(s.mounts, [{ type: 'volume', name: 'v', source: '/x', target: '/data' }]);
  assert.equal(s.networks, ['none']);
  assert.equal(s.ports, [{ ip: '127.0.0.1', privatePort: 80, publicPort: 8080, proto: 'tcp' }]);
  assert.equal(s.startedAt, undefined, 'not in the list: not invented');
  const h = toSummary({ Id: 'd', Names: ['/h'], Image: 'bb', ImageID: '', Command: '', Created: 0, State: 'running', Status: 'Up 3 minutes (healthy)' });
  assert.equal([h.state, h.health, h.exitCode], ['running', 'healthy', undefined]);
  assert.equal(toSummary({ Id: 'e', Image: '', ImageID: '', Command: '', Created: 0, State: 'stopped', Status: '' }).state, 'dead', "an unknown state is not taken as a docker one");
});

test("events: docker's Type/Action/Actor and podman's older status/id forms", () => {
  assert.equal(toEvent({ Type: 'container', Action: 'die', Actor: { ID: 'c1', Attributes: { name: 'web', exitCode: '0' } }, time: 1, timeNano: 1_500_000_000 }),
    { time: '1970-01-01T00:00:01.500Z', type: 'container', action: 'die', id: 'c1', name: 'web', attributes: { name: 'web', exitCode: '0' } });
  assert.equal(toEvent({ status: 'start', id: 'c2', time: 2 })?.action, 'start');
  assert.equal(toEvent({ Type: 'daemon', Action: 'reload' }), undefined, 'kinds the workstation has no list for are dropped');
});

test('log stamps: RFC 3339 with nanoseconds, exactly', () => {
  assert.equal(stampNs('2026-12-02T07:00:00.123456789Z'), 1_796_194_800_123_456_789n);
  assert.equal(stampNs('2026-12-02T07:00:00.5Z'), 1_796_194_800_500_000_000n);
  assert.equal(stampNs('2026-12-02T08:00:00+01:00'), 1_796_194_800_000_000_000n);
  assert.equal(stampNs('garbage'), 0n);
});

test("stats: docker's CPU % and memory minus the inactive file cache", () => {
  const s = toSample('c', {
    name: '/web',
    cpu_stats: { cpu_usage: { total_usage: 3_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
    memory_stats: { usage: 10_000, limit: 100_000, stats: { total_inactive_file: 2_000 } },
    pids_stats: { current: 3 },
    blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 5 }, { op: 'read', value: 1 }, { op: 'Write', value: 7 }] },
    networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
  }, 42);
  assert.equal(s.name, 'web');
  assert.equal(s.cpu?.percent, 40); // 2e6 / 1e7 × 2 × 100
  assert.equal(s.memory, { used: 8_000, limit: 100_000, percent: 8 });
  assert.equal(s.pids, 3);
  assert.equal(s.blockIo, { read: 6, write: 7 });
  assert.equal(s.net, { rx: 11, tx: 22, interfaces: ['eth0', 'eth1'] });
  const bare = toSample('c', { memory_stats: {}, blkio_stats: { io_service_bytes_recursive: null } }, 1);
  assert.equal([bare.cpu, bare.memory, bare.pids, bare.blockIo, bare.net], [null, null, null, null, null], 'what the daemon does not say stays unknown');
});

test('endpoints: -H first, else DOCKER_HOST; named by the socket or the ssh host; no duplicates', () => {
  const none = { XDG_RUNTIME_DIR: '/nonexistent', DOCKER_CONFIG: '/nonexistent' };
  const localEndpoints = (hosts: string[], env: NodeJS.ProcessEnv) => workstationEndpoints({ hosts }, env).endpoints;
  assert.equal(localEndpoints(['unix:///tmp/berth-x/docker.sock', 'unix:///run/p/podman.sock', '/tmp/s/berth.sock', 'ssh://me@box:2222', 'unix:///tmp/berth-x/docker.sock'], none)
    .filter((e) => !e.dockerHost.startsWith('unix:///var/run') && !e.dockerHost.startsWith('unix:///run/podman')), [
    { name: 'dockerd', dockerHost: 'unix:///tmp/berth-x/docker.sock' },
    { name: 'podman', dockerHost: 'unix:///run/p/podman.sock' },
    { name: 'berth-service', dockerHost: 'unix:///tmp/s/berth.sock' },
    { name: 'box', dockerHost: 'ssh://me@box:2222' },
  ]);
  const two = localEndpoints(['tcp://127.0.0.1:2375', 'tcp://127.0.0.1:2376'], none).slice(0, 2).map((e) => e.name);
  assert.equal(two, ['dockerd', 'dockerd-2']);
  assert.equal(localEndpoints([], { ...none, DOCKER_HOST: 'tcp://127.0.0.1:1' })[0], { name: 'dockerd', dockerHost: 'tcp://127.0.0.1:1' });
});

test('connection options per scheme; an unknown scheme is refused by name', () => {
  assert.equal(modemOptions({ name: 'a', dockerHost: 'unix:///run/x.sock' }).socketPath, '/run/x.sock');
  const tcp = modemOptions({ name: 'b', dockerHost: 'tcp://127.0.0.1:2375' });
  assert.equal([tcp.host, String(tcp.port), tcp.protocol], ['127.0.0.1', '2375', 'http']);
  const tls = modemOptions({ name: 'c', dockerHost: 'tcp://127.0.0.1', tls: { ca: Buffer.from('ca'), cert: Buffer.from('cert'), key: Buffer.from('key'), verify: true } });
  assert.equal([tls.protocol, String(tls.port), String(tls.ca), String(tls.cert), String(tls.key)], ['https', '2376', 'ca', 'cert', 'key']);
  assert.throws(() => modemOptions({ name: 'e', dockerHost: 'npipe:////./pipe/docker_engine' }), /unix:\/\/, tcp:\/\/ and ssh:\/\//);
});

test("the run form's options as a create body; what it cannot carry is refused by name", () => {
  assert.equal(createBody({ image: 'bb', name: 'x', cmd: ['sh'], env: ['A=1'], resources: { memory: 1 << 20, nanoCpus: 5e8 },
    mounts: [{ type: 'volume', source: 'v', target: '/d', readonly: true, options: [] }] }), {
    Image: 'bb', name: 'x', Cmd: ['sh'], Env: ['A=1'],
    HostConfig: { Mounts: [{ Type: 'volume', Source: 'v', Target: '/d', ReadOnly: true }], Memory: 1 << 20, NanoCpus: 5e8 },
  });
  assert.throws(() => createBody({ image: 'bb', deviceCgroupRules: ['c 1:3 r'], volumesFrom: [], devices: [{ pathOnHost: '/dev/null', pathInContainer: '/dev/n', cgroupPermissions: 'r' }] }),
    /not available on this engine: deviceCgroupRules, devices$/);
  assert.throws(() => createBody({ image: 'bb', network: { mode: 'n1', ip: '10.0.0.5' } }), /not available on this engine: network ip/);
});

test("the CLI's run flags as docker's CLI sends them; defaults are not sent", () => {
  assert.equal(createBody({
    image: 'bb', cmd: ['sh'], env: [], labels: {}, autoRemove: true, tty: true, openStdin: true, entrypoint: '', init: false,
    restart: 'on-failure:3', network: { mode: 'none', ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, proto: 'tcp' }, { hostIp: '', hostPort: 0, containerPort: 53, proto: 'udp' }] },
  }), {
    Image: 'bb', Cmd: ['sh'], Env: [], Entrypoint: [''], Tty: true, OpenStdin: true, AttachStdin: true, StdinOnce: true,
    ExposedPorts: { '80/tcp': {}, '53/udp': {} },
    HostConfig: {
      AutoRemove: true, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, NetworkMode: 'none',
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }] },
    },
  });
});

test.run();
