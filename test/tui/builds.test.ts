// The builds view in the real TUI: b asks for a directory and a tag, the
// output tab follows the build's steps as they run, the list keeps each build
// with its result (a failing one with its error), and the new image shows up
// in the images view. At 160×45 and 80×24.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui, listRows } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-builds-');
const dir = mkdtempSync(join(tmpdir(), 'berth-test-tui-builds-ctx-'));
let pane: TmuxPane;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  for (const w of [160, 80]) {
    // the RUN waits a little: its step is seen running before it is done; one per size, so
    // the second is not taken from the cache
    mkdirSync(join(dir, `good-${w}`));
    writeFileSync(join(dir, `good-${w}`, 'Dockerfile'), `FROM bb\nRUN echo step-output-$((6*7)) ${w} && sleep 1 && echo hi > /built\nCMD ["cat", "/built"]\n`);
  }
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'Dockerfile'), 'FROM bb\nRUN echo about-to-fail; exit 3\n');
});

test.after(() => endTui(t, [pane], () => rmSync(dir, { recursive: true, force: true })));

/** Types a line into the TUI's prompt. */
const typeLine = (text: string): void => { pane.tmux(['send-keys', '-l', text]); pane.keys('Enter'); };

for (const [w, h] of [[160, 45], [80, 24]] as const) {
  const tag = `tui/built:${w}`;
  test(`${w}×${h}: b builds a directory; its steps show as they run; the image appears`, async () => {
    pane?.kill();
    pane = berthPane(t, w, h);
    await pane.waitFor((x) => x.includes('Containers — 0 of 0'), 'the list');
    pane.keys('5');
    await pane.waitFor((x) => x.includes('Builds — 0 of 0') && x.includes('no builds yet'), 'the builds view, empty');
    pane.keys('b');
    await pane.waitFor((x) => x.includes('build context directory:'), 'the path prompt');
    typeLine(join(dir, `good-${w}`));
    await pane.waitFor((x) => x.includes('tag for'), 'the tag prompt');
    typeLine(tag);
    let s = await pane.waitFor((x) => x.includes('step-output-42') && listRows(x).some((l) => l.includes(tag) && l.includes('building')), 'the RUN step\'s output while it runs');
    assert.match(s, /#\d+ \[2\/2\] RUN echo step-output/, `the step's name:\n${s}`);
    s = await pane.waitFor((x) => listRows(x).some((l) => l.includes(tag) && / done /.test(l)) && x.includes(`naming to docker.io/${tag} done`), 'the build done', 60_000);
    const id = t.ok(['image', 'inspect', '-f', '{{.Id}}', tag]);
    assert.ok(listRows(s).some((l) => l.includes(id.replace(/^sha256:/, '').slice(0, 12))), `the row has the image ID:\n${s}`);
    pane.keys('2');
    await pane.waitFor((x) => x.includes('Images —') && x.includes(tag), 'the new image in the images view');
  });

  test(`${w}×${h}: a failing build is listed as failed with its error, next to the good one`, async () => {
    pane.keys('5', 'b');
    await pane.waitFor((x) => x.includes('build context directory:'), 'the path prompt');
    typeLine(join(dir, 'bad'));
    await pane.waitFor((x) => x.includes('tag for'), 'the tag prompt');
    typeLine('');
    const s = await pane.waitFor((x) => listRows(x).some((l) => /failed/.test(l)) && x.includes('about-to-fail'), 'the failed build', 60_000);
    assert.ok(listRows(s).some((l) => l.includes(tag) && / done /.test(l)), `the good build is still listed:\n${s}`);
    assert.match(s, /exit code: 3|returned a non-zero code: 3/, `the error says why:\n${s}`);
    pane.keys('q');
    await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
  });
}

test.run();
