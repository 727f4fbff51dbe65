// A docker user's shell idioms for templates, filters and listings, run through
// the CLI against real containers: inspect -f with index/range/json, ps tables
// and JSON, `ps -qf name=^x$`, `rmi $(images -qf dangling=true)`, ancestor=
// with images committed on top, ps -s, and template errors (exit 1, nothing printed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-format-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.ok(['run', '-d', '--name', 'web', '-l', 'k=v', '-l', 'com.example.tier=front', '-v', 'webdata:/data', '-v', '/tmp:/host:ro', 'bb', 'sleep', '1000']);
  assert.is(t.berth(['run', '--name', 'web2', 'bb', 'sh', '-c', 'echo x > /f; exit 3']).code, 3);
  t.ok(['create', '--name', 'x', 'bb', 'true']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('inspect -f: index on labels, range over mounts, json of a struct, Go printing', () => {
  assert.is(t.ok(['inspect', '-f', '{{index .Config.Labels "k"}}', 'web']), 'v');
  assert.is(t.ok(['inspect', '-f', '{{index .Config.Labels "com.example.tier"}}|{{index .Config.Labels "none"}}|', 'web']), 'front||');
  assert.is(t.ok(['inspect', '-f', '{{range .Mounts}}{{.Destination}} {{end}}', 'web']), '/data /host');
  assert.is(t.ok(['inspect', '-f', '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}}{{end}}{{end}}', 'web']), 'webdata');
  const state = JSON.parse(t.ok(['inspect', '-f', '{{json .State}}', 'web']));
  assert.is(state.Status, 'running');
  assert.is(t.ok(['inspect', '-f', '{{.Config.Labels}}', 'web']), 'map[com.example.tier:front k:v]');
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'web2']), 'exited 3');
  assert.is(t.ok(['inspect', '-f', '{{if .State.Running}}up{{else}}down{{end}}', 'web', 'web2']), 'up\ndown');
  assert.is(t.ok(['inspect', '-f', '{{.Name}}{{/* the name */}} {{len .Config.Env}}', 'x']).split(' ')[0], '/x');
  assert.is(t.ok(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Labels}}', 'webdata']), 'webdata local map[]');
  assert.match(t.ok(['info', '--format', '{{.Containers}} {{.OSType}}']), /^\d+ linux$/);
  const info = t.ok(['info', '--format', 'json']);
  assert.ok(!info.includes('\n') && JSON.parse(info).OSType === 'linux', 'info --format json: one line');
  assert.is(t.ok(['image', 'inspect', '-f', '{{.Os}} {{len .RootFS.Layers}}', 'bb']), 'linux 1');
  // nil slices and maps print as Go prints them; index of a nil map is ""
  assert.is(t.ok(['image', 'inspect', '-f', '{{.Config.Entrypoint}} {{.Config.Labels}} [{{index .Config.Labels "x"}}] {{json .Config.Labels}}', 'bb']), '[] map[] [] null');
  assert.is(t.ok(['inspect', '-f', '{{.Config.Entrypoint}} {{.HostConfig.CapAdd}} {{.ExecIDs}} {{.HostConfig.PidsLimit}}', 'web']), '[] [] [] <nil>');
});

test("template errors: Go's message, nothing printed, docker's status", () => {
  for (const [args, msg, code, stdout] of [
    // inspect prints a bare newline when no object printed; a template that does not parse is 64
    [['inspect', '-f', '{{.Foo}}', 'web'], 'template parsing error: template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"', 1, '\n'],
    [['inspect', '-f', '{{.Name}', 'web'], 'template parsing error: template: :1: unexpected "}" in operand', 64, ''],
    [['ps', '--format', '{{.Nope}}'], 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext', 1, ''],
    [['images', '--format', '{{range .ID}}'], 'template parsing error: template: :1: unexpected EOF', 1, ''],
  ] as const) {
    const r = t.berth([...args]);
    assert.is(r.code, code, args.join(' '));
    assert.is(r.stdout, stdout, args.join(' '));
    assert.ok(r.stderr.includes(msg), `${args.join(' ')}: ${r.stderr}`);
  }
  const st = t.berth(['stats', '--no-stream', '--format', '{{.Nope}}', 'web']);
  assert.equal([st.code, st.stdout], [1, '']);
  assert.ok(st.stderr.includes('template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.statsContext'), st.stderr);
  assert.is(t.ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'web']), 'web 1');
  // the objects that work still print; the one that is missing makes the status 1
  const r = t.berth(['inspect', '-f', '{{.Name}}', 'web', 'nosuch', 'x']);
  assert.equal([r.code, r.stdout], [1, '/web\n/x\n']);
  assert.equal(JSON.parse(t.ok(['inspect', '--format', 'json', 'x'])).map((o: { Name: string }) => o.Name), ['/x']);
});

test('ps --format: table with headers, .Label "k", json with docker\'s keys', () => {
  const table = t.ok(['ps', '--format', 'table {{.Names}}\t{{.Status}}']).split('\n');
  assert.is(table[0], 'NAMES     STATUS');
  assert.match(table[1], /^web {7}Up /);
  assert.equal(t.ok(['ps', '--format', 'table {{.Names}}\t{{.Label "com.example.tier"}}']).split('\n'), ['NAMES     tier', 'web       front']);
  assert.is(t.ok(['ps', '-a', '--filter', 'name=^web$', '--format', '{{.Names}} {{.Label "com.example.tier"}} {{.Labels}}']),
    'web front com.example.tier=front,k=v');
  const rows = t.ok(['ps', '-a', '--format', 'json']).split('\n').map((l) => JSON.parse(l));
  assert.equal(Object.keys(rows[0]), ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status']);
  const web2 = rows.find((r) => r.Names === 'web2');
  assert.is(web2.Command, '"sh -c \'echo x > /f;…"', 'quoted and cut at 20 characters as docker does');
  assert.match(web2.CreatedAt, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
  const full = t.ok(['ps', '-a', '--no-trunc', '--format', '{{.Command}}', '--filter', 'name=web2']);
  assert.is(full, '"sh -c \'echo x > /f; exit 3\'"');
  const web = rows.find((r) => r.Names === 'web');
  assert.equal([web.LocalVolumes, web.Mounts, web.Image, web.State], ['1', 'webdata,/tmp', 'bb', 'running']);
});

test('ps -qf name=^x$ names exactly one container; other filters', () => {
  const id = t.ok(['ps', '-aqf', 'name=^x$']);
  assert.match(id, /^[a-f0-9]{12}$/);
  assert.is(t.ok(['inspect', '-f', '{{.Name}}', id]), '/x');
  assert.is(t.ok(['ps', '-aqf', 'name=x']).split('\n').length, 1);
  assert.equal(t.ok(['ps', '-a', '--format', '{{.Names}}', '-f', 'status=exited']), 'web2');
  assert.equal(t.ok(['ps', '-a', '--format', '{{.Names}}', '-f', 'exited=3']), 'web2');
  assert.equal(t.ok(['ps', '--format', '{{.Names}}', '-f', 'volume=webdata']), 'web');
  assert.equal(t.ok(['ps', '-a', '--format', '{{.Names}}', '-f', 'before=web2']), 'web');
  assert.equal(t.ok(['ps', '-a', '--format', '{{.Names}}', '-f', 'since=web2']), 'x');
  const bad = t.berth(['ps', '-f', 'bogus=1']);
  assert.ok(bad.code !== 0 && bad.stderr.includes("invalid filter 'bogus'"), bad.stderr);
});

test('ps -s: the SIZE column, the container\'s writes and its image\'s', () => {
  const lines = t.ok(['ps', '-a', '-s', '-f', 'name=web2']).split('\n');
  assert.match(lines[0], /NAMES {5}SIZE$/);
  assert.match(lines[1], /web2 {6}\d+B \(virtual \d+(\.\d+)?MB\)$/);
  // a template that reads .Size asks for the sizes by itself (docker does the same)
  assert.match(t.ok(['ps', '-a', '--format', '{{.Names}} {{.Size}}', '-f', 'name=web2']), /^web2 \d+B \(virtual \d+(\.\d+)?MB\)$/);
});

test('ancestor= matches a tag-less name, an ID, and the images built on it', () => {
  t.ok(['commit', 'web2', 'child:1']);
  t.ok(['create', '--name', 'kid', 'child:1', 'true']);
  const names = (f: string) => t.ok(['ps', '-a', '--format', '{{.Names}}', '-f', f]).split('\n').sort();
  assert.equal(names('ancestor=bb'), ['kid', 'web', 'web2', 'x']);
  assert.equal(names('ancestor=child:1'), ['kid']);
  const bbId = t.ok(['image', 'inspect', '-f', '{{.Id}}', 'bb']);
  assert.equal(names(`ancestor=${bbId.slice(7, 19)}`), ['kid', 'web', 'web2', 'x']);
  t.ok(['rm', 'kid']);
});

test('rmi $(images -qf dangling=true) removes the untagged images and only those', () => {
  t.ok(['commit', 'web2', 'moving:1']);
  t.ok(['commit', 'x', 'moving:1']); // the tag moves: the first image is dangling now
  const dangling = t.ok(['images', '-qf', 'dangling=true']).split('\n').filter(Boolean);
  assert.ok(dangling.length >= 1);
  t.ok(['rmi', ...dangling]);
  assert.is(t.ok(['images', '-qf', 'dangling=true']), '');
  assert.is(t.ok(['images', '--format', '{{.Repository}}:{{.Tag}}', '-f', 'reference=moving']), 'moving:1');
  assert.is(t.ok(['images', '--format', '{{.Repository}}', '-f', 'dangling=false', '-f', 'reference=bb']), 'bb');
});

test("inspect carries docker's key sets, in docker's order", () => {
  const [c] = JSON.parse(t.ok(['inspect', 'web']));
  assert.equal(Object.keys(c).filter((k) => k !== 'Berth'), ['Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ResolvConfPath', 'HostnamePath',
    'HostsPath', 'LogPath', 'Name', 'RestartCount', 'Driver', 'Platform', 'MountLabel', 'ProcessLabel', 'AppArmorProfile', 'ExecIDs',
    'HostConfig', 'GraphDriver', 'Mounts', 'Config', 'NetworkSettings']);
  assert.equal(Object.keys(c.HostConfig), ['Binds', 'ContainerIDFile', 'LogConfig', 'NetworkMode', 'PortBindings', 'RestartPolicy', 'AutoRemove',
    'VolumeDriver', 'VolumesFrom', 'ConsoleSize', 'CapAdd', 'CapDrop', 'CgroupnsMode', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'GroupAdd',
    'IpcMode', 'Cgroup', 'Links', 'OomScoreAdj', 'PidMode', 'Privileged', 'PublishAllPorts', 'ReadonlyRootfs', 'SecurityOpt', 'UTSMode',
    'UsernsMode', 'ShmSize', 'Runtime', 'Isolation', 'CpuShares', 'Memory', 'NanoCpus', 'CgroupParent', 'BlkioWeight', 'BlkioWeightDevice',
    'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'CpuPeriod', 'CpuQuota', 'CpuRealtimePeriod',
    'CpuRealtimeRuntime', 'CpusetCpus', 'CpusetMems', 'Devices', 'DeviceCgroupRules', 'DeviceRequests', 'MemoryReservation', 'MemorySwap',
    'MemorySwappiness', 'OomKillDisable', 'PidsLimit', 'Ulimits', 'CpuCount', 'CpuPercent', 'IOMaximumIOps', 'IOMaximumBandwidth',
    'MaskedPaths', 'ReadonlyPaths']);
  assert.equal(c.HostConfig.Binds, ['webdata:/data', '/tmp:/host:ro'], "-v's binds and named volumes");
  assert.equal(c.HostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
  assert.equal(Object.keys(c.Config), ['Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin',
    'StdinOnce', 'Env', 'Cmd', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels', 'StopSignal', 'StopTimeout']);
  assert.equal(Object.keys(c.NetworkSettings.Networks), ['bridge'], 'the default network, as docker');
  assert.is(t.ok(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}} {{.HostConfig.NetworkMode}} {{.HostConfig.IpcMode}}', 'web']), 'bridge bridge private');
});

test.run();
