// The run form is `docker run` in fields: --rm, -it (the new container opens in
// its shell), restart policy, ports, network, workdir, user, entrypoint, labels
// and env; it refuses what `berth run` refuses in the same words, and the new
// container opens on its logs. Real TUI in tmux (160×45 and 80×24), real containers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-runform-');
let pane: TmuxPane;
let small: TmuxPane;

const type = (p: TmuxPane, text: string): void => { p.tmux(['send-keys', '-l', '--', text]); };
/** The form's error line, as one line of text (a long one wraps in the box). */
const formText = (s: string): string => s.split('\n').map((l) => l.replace(/^.*?│/, '').replace(/│.*$/, '').trim()).join(' ');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  pane = berthPane(t, 160, 45);
});

test.after(() => endTui(t, [pane, small]));

test('every field reaches the container; it opens on its logs', async () => {
  await pane.waitFor((x) => x.includes('1 Containers (0)'), 'the empty list');
  pane.keys('2');
  await pane.waitFor((x) => x.includes('Images — 1 of 1'), 'the images view');
  pane.keys('r');
  await pane.waitFor((x) => x.includes('Run a container') && x.includes('Entrypoint') && x.includes('-it'), 'the form');
  // name, command, (entrypoint), env, ports, (network), (volumes), workdir, user, labels, restart
  type(pane, 'web'); pane.keys('Tab');
  type(pane, `-c 'echo "served $PWD $(id -u) $GREETING"; sleep 100000'`); pane.keys('Tab');
  type(pane, 'sh'); pane.keys('Tab');
  type(pane, "'GREETING=hi there'"); pane.keys('Tab');
  type(pane, '127.0.0.1:18080:80'); pane.keys('Tab', 'Tab', 'Tab');
  type(pane, '/tmp'); pane.keys('Tab');
  type(pane, '1000'); pane.keys('Tab');
  type(pane, 'tier=web "note=two words"'); pane.keys('Tab');
  type(pane, 'unless-stopped');
  pane.keys('Enter');
  const s = await pane.waitFor((x) => x.includes('served /tmp 1000 hi there'), 'its log, shown at once');
  assert.match(s, /─ web — logs/, 'the details show the new container');
  assert.match(s, /started web/);
  // the logs tab has the focus: its keys are the ones offered
  assert.match(s.split('\n').at(-2) ?? '', /search/, `the logs have the focus:\n${s}`);
  const f = (tpl: string): string => t.ok(['inspect', '-f', tpl, 'web']);
  assert.is(f('{{.HostConfig.RestartPolicy.Name}}'), 'unless-stopped');
  assert.is(f('{{.Config.User}} {{.Config.WorkingDir}} {{json .Config.Entrypoint}}'), '1000 /tmp ["sh"]');
  assert.is(f('{{index .Config.Labels "tier"}}/{{index .Config.Labels "note"}}'), 'web/two words');
  assert.match(f('{{json .HostConfig.PortBindings}}'), /"80\/tcp":\[\{"HostIp":"127.0.0.1","HostPort":"18080"\}\]/);
  assert.match(t.ok(['port', 'web']), /80\/tcp -> 127.0.0.1:18080/);
});

test('a value berth run refuses is refused in the same words; the form keeps what was typed', async () => {
  const cli = t.berth(['run', '-d', '-p', '99999:80', 'bb', 'true']);
  assert.is(cli.code, 125);
  const words = cli.stderr.trim().replace(/^berth: /, '').replace(/^Error response from daemon: /, '');
  pane.keys('Escape', ':');
  type(pane, 'run bb'); pane.keys('Enter');
  await pane.waitFor((x) => x.includes('Run a container'), 'the form');
  type(pane, 'bad'); pane.keys('Tab', 'Tab', 'Tab', 'Tab');
  type(pane, '99999:80');
  pane.keys('Enter');
  const s = await pane.waitFor((x) => formText(x).includes(words), `the CLI's words: ${words}`);
  assert.match(s, /Run a container/, 'the form stays open');
  assert.match(s, /Ports: 99999:80/, 'with the value typed');
  assert.is(t.berth(['inspect', 'bad']).code, 1, 'nothing was created');
  pane.keys('Escape');
  await pane.waitFor((x) => !x.includes('Run a container'), 'the form closed');
});

test('-it lands in the new container\'s shell on its terminal', async () => {
  pane.keys(':');
  type(pane, 'run bb'); pane.keys('Enter');
  await pane.waitFor((x) => x.includes('Run a container'), 'the form');
  type(pane, 'term'); pane.keys('Tab');
  type(pane, 'sh');
  pane.keys('BTab', 'BTab', 'BTab'); // name, image, then round to the last field: -it
  pane.keys('Space');
  await pane.waitFor((x) => /-it: \[x\]/.test(x), '-it on');
  pane.keys('Enter');
  await pane.waitFor((x) => /─ term — shell/.test(x) && x.includes('/ # '), 'a shell prompt in the new container');
  type(pane, 'echo "in=$(hostname)"'); pane.keys('Enter');
  const id = t.ok(['inspect', '-f', '{{.Id}}', 'term']);
  await pane.waitFor((x) => x.includes(`in=${id.slice(0, 12)}`), 'the shell runs in it');
  assert.is(t.ok(['inspect', '-f', '{{.Config.Tty}} {{.Config.OpenStdin}} {{.State.Status}}', 'term']), 'true true running');
  pane.keys('C-]');
  await pane.waitFor((x) => x.includes('left the shell'), 'back in the dashboard');
});

test('--rm: the container is removed when it exits', async () => {
  pane.keys('Escape', ':');
  type(pane, 'run bb'); pane.keys('Enter');
  await pane.waitFor((x) => x.includes('Run a container'), 'the form');
  type(pane, 'gone'); pane.keys('Tab');
  type(pane, "sh -c 'echo bye; sleep 1'");
  pane.keys('BTab', 'BTab', 'BTab', 'BTab', 'Space');
  await pane.waitFor((x) => /--rm: \[x\]/.test(x), '--rm on');
  pane.keys('Enter');
  await pane.waitFor((x) => x.includes('started gone'), 'it started');
  assert.is(t.ok(['inspect', '-f', '{{.HostConfig.AutoRemove}}', 'gone']), 'true');
  const end = Date.now() + 20_000;
  while (t.berth(['inspect', 'gone']).code === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  assert.is(t.berth(['inspect', 'gone']).code, 1, 'removed after its exit');
  await pane.waitFor((x) => !/ gone +bb/.test(x), 'and gone from the list');
});

test('80×24: every field fits, and a conflict is named as berth run names it', async () => {
  small = berthPane(t, 80, 24);
  await small.waitFor((x) => x.includes('Containers'), 'the list');
  small.keys(':');
  type(small, 'run bb'); small.keys('Enter');
  let s = await small.waitFor((x) => x.includes('Run a container') && /-it: \[ \]/.test(x), 'the form');
  for (const label of ['Image', 'Name', 'Command', 'Entrypoint', 'Env', 'Ports', 'Network', 'Volumes', 'Workdir', 'User', 'Labels', 'Restart', 'Memory', 'CPUs', '--rm', '-it']) {
    assert.match(s, new RegExp(`${label.replace(/-/g, '\\-')}: `), `${label} shown at 80×24:\n${s}`);
  }
  const cli = t.berth(['run', '-d', '--rm', '--restart', 'always', 'bb', 'true']);
  assert.is(cli.code, 125);
  const words = cli.stderr.trim().replace(/^berth: /, '');
  type(small, 'both'); small.keys('Tab');
  type(small, 'true');
  for (let i = 0; i < 9; i++) small.keys('Tab'); // to Restart
  type(small, 'always');
  small.keys('Tab', 'Tab', 'Tab', 'Space', 'Enter');
  s = await small.waitFor((x) => formText(x).includes(words), `the CLI's words: ${words}`);
  small.keys('Escape', 'q');
  await small.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test('q quits to an intact terminal', async () => {
  pane.keys('Escape', 'q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
  assert.not.ok(pane.alternateOn());
});

test.run();
