// Output is bytes, from the container to our stdout: random data of sizes that cross
// every buffer boundary (pipe pages, the monitor's 8 KiB log records, 4 KiB attach
// frames, 64 KiB reads) comes out of run, start -a, exec, attach and logs exactly as
// the container wrote it (sha256), with and without a terminal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-bytes-');
const data = mkdtempSync('/tmp/berth-test-bytes-data-');
const KiB = 1024, MiB = 1024 * KiB;
const SIZES = [0, 1, 4095, 4096, 4097, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, MiB, 50 * MiB];
const bind = ['-v', `${data}:/d:ro`];
const out = join(data, 'out');
const go = join(data, 'go');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  for (const n of SIZES) writeFileSync(join(data, `r${n}`), randomBytes(n));
  writeFileSync(go, 'go\n');
  t.seen.push(t.ok(['run', '-d', '--name', 'holder', ...bind, 'bb', 'sleep', '1000']));
});

test.after(() => {
  rmSync(data, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Runs berth with stdout into a file; asserts exit 0 and returns what it printed. */
function bytesOf(args: string[], input?: string): Buffer {
  const r = t.berthFiles(args, out, { input });
  assert.is(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return readFileSync(out);
}

function same(got: Buffer, n: number, how: string): void {
  const want = readFileSync(join(data, `r${n}`));
  if (got.length !== want.length || sha(got) !== sha(want)) {
    assert.unreachable(`${how}, ${n} bytes: got ${got.length} bytes, sha256 ${sha(got).slice(0, 12)} (want ${sha(want).slice(0, 12)})`);
  }
}

for (const n of SIZES) {
  const file = `/d/r${n}`;
  test(`${n} bytes: run, start -a, exec, attach (pipes and tty) and logs give them back unchanged`, () => {
    same(bytesOf(['run', '--rm', ...bind, 'bb', 'cat', file]), n, 'run');

    const created = t.ok(['create', '--name', `s${n}`, ...bind, 'bb', 'cat', file]);
    t.seen.push(created);
    same(bytesOf(['start', '-a', `s${n}`]), n, 'start -a');
    // the log of a container that wrote them: whole, --tail with every line, and followed
    same(bytesOf(['logs', `s${n}`]), n, 'logs');
    const want = readFileSync(join(data, `r${n}`));
    const lines = want.length && want[want.length - 1] !== 0x0a ? countNl(want) + 1 : countNl(want);
    same(bytesOf(['logs', '--tail', String(lines), `s${n}`]), n, 'logs --tail');
    same(stripStamps(bytesOf(['logs', '-t', `s${n}`])), n, 'logs -t');
    t.ok(['rm', `s${n}`]);

    // logs -f from before the container writes until it has ended
    t.seen.push(t.ok(['run', '-d', '--name', `f${n}`, ...bind, 'bb', 'sh', '-c', `sleep 0.5; cat ${file}`]));
    same(bytesOf(['logs', '-f', `f${n}`]), n, 'logs -f');
    t.ok(['rm', `f${n}`]);

    same(bytesOf(['exec', 'holder', 'cat', file]), n, 'exec');

    // attach before any output: the container writes once our stdin reaches it
    t.seen.push(t.ok(['run', '-d', '-i', '--name', `a${n}`, ...bind, 'bb', 'sh', '-c', `read x; cat ${file}`]));
    same(bytesOf(['attach', `a${n}`], go), n, 'attach');
    t.ok(['rm', `a${n}`]);

    // with a terminal in raw mode (no newline translation, no echo) the pty passes bytes as they are
    t.seen.push(t.ok(['run', '-d', '-i', '-t', '--name', `t${n}`, ...bind, 'bb', 'sh', '-c', `stty raw -echo; read x; cat ${file}`]));
    same(bytesOf(['attach', `t${n}`], go), n, 'attach -t');
    t.ok(['rm', `t${n}`]);
  });
}

const countNl = (b: Buffer): number => {
  let c = 0;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) c++;
  return c;
};

/** `logs -t` output without the `<time> ` each line starts with. */
function stripStamps(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let start = 0; start < b.length;) {
    const nl = b.indexOf(0x0a, start);
    const end = nl < 0 ? b.length : nl + 1;
    const sp = b.indexOf(0x20, start);
    assert.ok(sp > start && sp < end, 'every line starts with a timestamp');
    assert.match(b.toString('latin1', start, sp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    parts.push(b.subarray(sp + 1, end));
    start = end;
  }
  return Buffer.concat(parts);
}

test('stdin through -i comes back byte for byte (the bytes of issue 13)', () => {
  const input = join(data, 'in');
  writeFileSync(input, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x61, 0x62, 0x63, 0x0a]));
  assert.equal([...bytesOf(['run', '--rm', '-i', 'bb', 'cat'], input)], [0xff, 0xfe, 0x00, 0x01, 0x61, 0x62, 0x63, 0x0a]);
});

test.run();
