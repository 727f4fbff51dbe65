// Custom commands' expansion (model/host-command.ts): the line is split into words
// first, then each word is a template over the row, so a value (a label a container's
// creator chose) fills one word and never adds words, quotes or shell syntax.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandCommand, spawnHostCommand } from '../../src/tui/model/host-command.js';

const row = { ID: 'abc123', Name: 'web', Labels: { x: `$(touch /tmp/pwned) 'a b' "c" ; rm -rf ~`, empty: '' } };
const data = { ...row, Container: row };

test("lazydocker's {{ .Container.ID }} (spaces inside the action) and {{.Name}}", () => {
  assert.equal(expandCommand('berth exec -it {{ .Container.ID }} sh', data), ['berth', 'exec', '-it', 'abc123', 'sh']);
  assert.equal(expandCommand('echo name={{.Name}}', data), ['echo', 'name=web']);
});

test('quotes group words as in a shell line; an action with quotes inside stays whole', () => {
  assert.equal(expandCommand(`sh -c 'berth logs "$1" | less' sh {{.ID}}`, data), ['sh', '-c', 'berth logs "$1" | less', 'sh', 'abc123']);
  assert.equal(expandCommand('echo "label=[{{index .Labels "x"}}]"', data), ['echo', `label=[${row.Labels.x}]`]);
});

test('a hostile value is one word, whatever it holds', () => {
  assert.equal(expandCommand('echo {{index .Labels "x"}} end', data), ['echo', row.Labels.x, 'end']);
  // an empty value is still its word: arguments do not shift
  assert.equal(expandCommand('printf %s| {{index .Labels "empty"}} end', data), ['printf', '%s|', '', 'end']);
});

test("a template error and an empty command are errors, not a half-expanded command", () => {
  assert.throws(() => expandCommand('echo {{.Nope}}', data), /template parsing error/);
  assert.throws(() => expandCommand('echo {{.Name', data), /template parsing error|unclosed/);
  assert.throws(() => expandCommand('   ', data), /empty/);
});

test('a command that prints a lot and ends at once: nothing of its output is lost, its status kept', async () => {
  // Linux drops what is left in a pty when its last writer closes it; a busy event loop
  // (berth drawing) reads late: every one of these lost its tail before the wrapper
  const busy = setInterval(() => { const end = Date.now() + 5; while (Date.now() < end); }, 6);
  try {
    const runs = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const io = spawnHostCommand(['sh', '-c', `seq 1 2000; echo END-${i}; exit ${i % 3}`], {}, 20, 80);
      let out = '';
      io.onOutput((d) => { out += d; });
      const code = await io.closed;
      return { i, code, out };
    }));
    for (const r of runs) {
      assert.ok(r.out.endsWith(`2000\r\nEND-${r.i}\r\n`), `run ${r.i} ends with its last lines: ${JSON.stringify(r.out.slice(-30))}`);
      assert.ok(!r.out.includes('777;'), 'the wrapper\'s mark is not shown');
      assert.is(r.code, r.i % 3, 'the command\'s exit status');
    }
  } finally {
    clearInterval(busy);
  }
});

test('a program that is not there: 127, and the shell says so', async () => {
  const io = spawnHostCommand(['no-such-program-here', 'x'], {}, 20, 80);
  let out = '';
  io.onOutput((d) => { out += d; });
  assert.is(await io.closed, 127);
  assert.match(out, /no-such-program-here: .*not found/);
});

test.run();
