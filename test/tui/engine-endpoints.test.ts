// The workstation over each kind of Docker Engine API endpoint, driven in tmux as
// a user does: dockerd, podman's `system service` and berth's own `system
// service`. For each: its containers listed, stop and start (the list follows the
// API's events), a logs search, the stats chart, a shell in a container, and a
// pull from a loopback registry with progress, the image then in the images view.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestRoot } from '../helpers/root.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { hasDockerd, hasPodman, startBerthService, startDockerd, startPodman, type TestEngine, endpointImages } from '../helpers/engines.js';
import { TmuxPane, berthLine, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-endpoints-');
let reg: TestRegistry | undefined;
let tar = '';
let ref = '';

test.before(async () => {
  reg = await startRegistry();
  ({ tar, ref } = endpointImages(t, reg, 'tui'));
});

test.after(() => endTui(t, [], () => reg?.stop()));

const header = (s: string): string => s.split('\n')[0];
const row = (name: string, state: string) => new RegExp(`│\\s+${name}\\s+\\S+\\s+${state}\\s`);

async function drive(start: () => Promise<TestEngine>): Promise<void> {
  const e = await start();
  const pane = new TmuxPane(160, 45);
  try {
    await e.load(tar);
    const name = `c-${e.name}`;
    // sh as PID 1 ignores SIGTERM: a stop waits out its 4 s, counted down from the endpoint's value
    await e.run(name, 'bb', ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "hello $i"; usleep 200000; done'], { stopTimeout: 4 });
    pane.type(berthLine(t, `tui -H ${e.host}`));
    await pane.waitFor((x) => header(x).includes(`[berth] ${e.name}`), 'the endpoint in the header');
    pane.keys('E');
    await pane.waitFor((x) => header(x).includes(`[${e.name}]`) && row(name, 'running').test(x), `${e.name}'s container listed`);

    pane.keys('/', ...name.split(''), 'Enter', 'Enter'); // filter to it, then into its details
    // searched as soon as the tab shows: the log is a request to the endpoint, and a search made
    // before its lines are in waits for them
    await pane.waitFor((x) => new RegExp(`─ ${name} — logs`).test(x), 'its logs tab');
    pane.keys('/', ...'hello'.split(''), 'Enter');
    await pane.waitFor((x) => new RegExp(`─ ${name} — logs`).test(x) && /match 1\/\d+ for "hello"/.test(x), 'a logs search');

    pane.keys('c');
    await pane.waitFor((x) => x.includes('CPU % (100% = one CPU') && /history: \d+s kept/.test(x), 'the stats chart');

    pane.keys('e');
    await pane.waitFor((x) => new RegExp(`─ ${name} — shell`).test(x) && x.includes('/ # '), 'a shell');
    pane.tmux(['send-keys', '-l', 'echo in-$((20+3))']);
    pane.keys('Enter');
    await pane.waitFor((x) => x.includes('in-23'), 'the shell answers');
    pane.keys('C-]');

    pane.keys('s');
    // the status line counts down (the shell's pane still covers the list's row)
    await pane.waitFor((x) => new RegExp(`stopping ${name} \\(SIGKILL in [34]s\\)`).test(x), 'the countdown from its stop timeout');
    await pane.waitFor((x) => row(name, 'exited').test(x), 'stopped (from its die event)', 30_000);
    pane.keys('S');
    await pane.waitFor((x) => row(name, 'running').test(x), 'started again');

    pane.keys('P');
    await pane.waitFor((x) => x.includes('pull image'), 'the pull prompt');
    pane.keys(...ref.split(''), 'Enter');
    const s = await pane.waitFor((x) => /Pull .* — (done|failed)/.test(x), 'the pull finished', 60_000);
    assert.match(s, /Downloaded newer image/, s);
    pane.keys('Escape', '2');
    await pane.waitFor((x) => x.includes(`${reg!.addr}/tui/pulled:v1`), 'the pulled image listed');
    pane.keys('q');
    await pane.waitFor((x) => x.includes('EXITED 0'), 'berth quits');
  } finally {
    pane.kill();
    await e.stop();
  }
}

if (hasDockerd()) test('dockerd', () => drive(startDockerd));
else test.skip('dockerd (not installed)', () => {});
if (hasPodman()) test('podman system service', () => drive(() => startPodman([reg!.addr])));
else test.skip('podman (not installed)', () => {});
test("berth's own system service", () => drive(() => startBerthService(t.root)));

test.run();
