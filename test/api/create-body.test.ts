// docker's create body → the engine's CreateOptions, on data: the fields docker's CLI
// sends for everyday flags land where the CLI's own flags land, and what berth cannot
// honour is refused by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createOptions } from '../../src/api/create-body.js';

const none = () => {};

test('docker run -d --rm -it -e -w -u -l -v -p --memory --cpus --restart: each in its place', () => {
  const o = createOptions({
    Image: 'bb', Cmd: ['sh', '-c', 'x'], Env: ['A=1'], WorkingDir: '/w', User: '1000', Labels: { k: 'v' }, Tty: true, OpenStdin: true,
    Volumes: { '/anon': {} },
    HostConfig: {
      AutoRemove: true, Binds: ['vol:/data:ro'], PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] }, NetworkMode: 'default',
      Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, ConsoleSize: [30, 100],
    },
  }, 'web', none);
  assert.is(o.image, 'bb');
  assert.equal(o.cmd, ['sh', '-c', 'x']);
  assert.is(o.entrypoint, undefined);
  assert.is(o.name, 'web');
  assert.equal([o.autoRemove, o.tty, o.openStdin], [true, true, true]);
  assert.equal(o.env, ['A=1']);
  assert.equal([o.workingDir, o.user], ['/w', '1000']);
  assert.equal(o.labels, { k: 'v' });
  assert.equal(o.mounts!.map((m) => [m.type, m.source, m.target, m.readonly]), [['volume', 'vol', '/data', true], ['volume', '', '/anon', false]]);
  assert.equal(o.network, { mode: 'bridge', ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, proto: 'tcp' }] });
  assert.equal(o.resources, { memory: 64 * 1024 * 1024, nanoCpus: 500_000_000 });
  assert.is(o.restart, 'on-failure:3');
});

test('Entrypoint: absent keeps the image\'s, [] resets it, several words become entrypoint + arguments', () => {
  assert.is(createOptions({ Image: 'bb' }, undefined, none).entrypoint, undefined);
  assert.is(createOptions({ Image: 'bb', Entrypoint: [] }, undefined, none).entrypoint, '');
  const o = createOptions({ Image: 'bb', Entrypoint: ['sh', '-c'], Cmd: ['echo hi'] }, undefined, none);
  assert.equal([o.entrypoint, o.cmd], ['sh', ['-c', 'echo hi']]);
});

test('refused by name: no image, a bad bind, what berth cannot do', () => {
  assert.throws(() => createOptions({}, undefined, none), /no image given/);
  assert.throws(() => createOptions({ Image: 'bb', HostConfig: { Binds: ['relative:/x:zz:q'] } }, undefined, none), /invalid volume specification/);
  assert.throws(() => createOptions({ Image: 'bb', HostConfig: { PidMode: 'host' } }, undefined, none), /HostConfig.PidMode "host" is not supported/);
  assert.throws(() => createOptions({ Image: 'bb', HostConfig: { VolumeDriver: 'nfs' } }, undefined, none), /VolumeDriver/);
});

test.run();
