// Custom commands' expansion (model/host-command.ts): the line is split into words
// first, then each word is a template over the row, so a value (a label a container's
// creator chose) fills one word and never adds words, quotes or shell syntax.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandCommand } from '../../src/tui/model/host-command.js';

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

test.run();
