// docker's list formatting on data: default tables through Go's tabwriter,
// "table" headers made by running the template on the column names, json,
// literal \t, and errors that print nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatList, goStruct, tabwrite } from '../../src/engine/template/index.js';
import { BerthError } from '../../src/engine/errors.js';

const list = {
  defaultTable: 'table {{.ID}}\t{{.Names}}\t{{.Status}}',
  header: { ID: 'CONTAINER ID', Names: 'NAMES', Status: 'STATUS', Labels: 'LABELS' },
};
const row = (ID: string, Names: string, Status: string) =>
  goStruct({ ID, Names, Status, Labels: 'a=1', Label: (k: string) => (k === 'a' ? '1' : '') }, '*formatter.ContainerContext');
const rows = [row('abc', 'web', 'Up 2 seconds'), row('defdefdefdef', 'db', 'Exited (0) 1 second ago')];

test("Go's tabwriter: columns at least 10 wide, 3 spaces past the widest cell, last cell unpadded", () => {
  assert.is(tabwrite('a\tbb\tc\nxxxxxxxxxxxx\ty\tz\n'), 'a              bb        c\nxxxxxxxxxxxx   y         z\n');
  // a line without a tab ends the column block
  assert.is(tabwrite('a\tb\nplain\nc\td'), 'a         b\nplain\nc         d');
  assert.is(tabwrite('ab\t\tc'), 'ab                  c', 'an empty cell is padded too');
  // display widths, not string lengths: wide characters take two columns, combining marks none
  assert.is(tabwrite('日本語のなまえ\tx\ne\u0301\ty'), '日本語のなまえ   x\ne\u0301                y');
});

test('the default table and "table" give the verb\'s columns', () => {
  const expected = 'CONTAINER ID   NAMES     STATUS\nabc            web       Up 2 seconds\ndefdefdefdef   db        Exited (0) 1 second ago\n';
  assert.is(formatList(undefined, rows, list), expected);
  assert.is(formatList('table', rows, list), expected);
});

test('table TEMPLATE: the header is the template run on the column names', () => {
  assert.is(formatList('table {{.Names}}\\t{{.Status}}', rows, list), 'NAMES     STATUS\nweb       Up 2 seconds\ndb        Exited (0) 1 second ago\n');
  // docker's header functions keep names intact: upper/lower/json/truncate return the name
  assert.is(formatList('table {{lower .Names}}\t{{truncate .Status 2}}', rows.slice(0, 1), list), 'NAMES     STATUS\nweb       Up\n');
  // .Label "k" heads its column with the key's last part, as docker's SubHeaderContext.Label
  assert.is(formatList('table {{.Names}}\t{{.Label "com.example.my_tier"}}', rows.slice(0, 1), list), 'NAMES     my tier\nweb       \n');
  // a header that fails (a field with arguments): docker prints it up to there
  assert.is(formatList('table {{.Names}}\t{{.Status "x"}}', [], list), 'NAMES     \n');
  assert.is(formatList('table {{.Names}}', [], list), 'NAMES\n', 'no rows: the header alone');
});

test('json is one object a line; a bare template is one line a row, no header', () => {
  assert.is(formatList('json', rows.slice(0, 1), list), '{"ID":"abc","Names":"web","Status":"Up 2 seconds","Labels":"a=1"}\n');
  assert.is(formatList('{{.ID}}: {{.Names}}', rows, list), 'abc: web\ndefdefdefdef: db\n');
  assert.is(formatList('{{.Names}}\\t{{.ID}}', rows.slice(0, 1), list), 'web\tabc\n', '\\t typed literally is a tab');
  assert.is(formatList('{{.Names}}', [], list), '');
});

test('a broken template or an unknown field fails the whole list (exit 1), printing nothing', () => {
  for (const [fmt, msg] of [
    ['{{.Nope}}', 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext'],
    ['table {{.Names', 'template parsing error: template: :1: unclosed action'],
    ['{{.Names}', 'template parsing error: template: :1: unexpected "}" in operand'],
  ]) {
    try {
      formatList(fmt, rows, list);
      assert.unreachable(`${fmt} printed`);
    } catch (e) {
      assert.ok(e instanceof BerthError && e.code === 'TEMPLATE', String(e));
      assert.is((e as Error).message, msg);
    }
  }
});

test.run();
