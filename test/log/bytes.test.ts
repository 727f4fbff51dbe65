// Log records carry the container's bytes: binary output and UTF-8 cut by the
// monitor's 8 KiB pieces come back exactly as written, whichever way the log is
// read (whole, --tail, followed, followed piece by piece).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { followLog, readLog, type LogRecord } from '../../src/engine/log/index.js';
import { at, logBytes, tempDir, type BytePiece } from './logfile.js';

const { dir, remove } = tempDir();
test.after(remove);

/** `data` as the monitor logs it: one record per line, a line longer than 8 KiB in P
 * pieces of 8 KiB cut wherever the byte count falls (inside a character, too). */
function monitorPieces(data: Buffer, stream: 'stdout' | 'stderr' = 'stdout'): BytePiece[] {
  const out: BytePiece[] = [];
  let start = 0;
  for (let i = 0; i <= data.length; i++) {
    if (i < data.length && data[i] !== 0x0a && i - start < 8192) continue;
    if (i - start === 8192) {
      out.push([stream, 'P', data.subarray(start, i)]);
      start = i;
      i--; // look at this byte again, now in the next piece
      continue;
    }
    if (i === data.length) {
      if (i > start) out.push([stream, 'P', data.subarray(start, i)]); // no final newline
      break;
    }
    out.push([stream, 'F', data.subarray(start, i)]);
    start = i + 1;
  }
  return out;
}

/** What a reader of our stdout gets from the records: each line's bytes, a newline unless partial. */
const output = (rs: LogRecord[]): Buffer => Buffer.concat(rs.flatMap((r) => (r.partial ? [r.data] : [r.data, Buffer.from('\n')])));

async function followed(path: string, pieces: boolean): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const r of followLog(path, { signal: AbortSignal.timeout(10_000), done: () => true, pieces })) out.push(r);
  return out;
}

const wide = Buffer.from('中'.repeat(30_000)); // 90 000 bytes, 3 a character: pieces cut characters

for (const [name, data] of [
  ['one 90 000-byte line of 中', Buffer.concat([wide, Buffer.from('\n')])],
  ['random bytes (1 MiB, ending mid-line)', Buffer.concat([randomBytes(1024 * 1024), Buffer.from('\xff', 'latin1')])],
  ['every byte value, a line each', Buffer.from(Array.from({ length: 256 }, (_, i) => [i, 0x0a]).flat())],
] as const) {
  test(`${name}: read, tailed and followed as the bytes written`, async () => {
    const f = at(dir, `${name.length}.log`);
    writeFileSync(f, logBytes(monitorPieces(data)));
    const all = await readLog(f);
    assert.ok(output(all).equals(data), 'readLog');
    assert.ok(output(await readLog(f, { tail: all.length })).equals(data), 'readLog --tail');
    assert.ok(output(await followed(f, false)).equals(data), 'followLog');
    assert.ok(output(await followed(f, true)).equals(data), 'followLog pieces');
  });
}

test('a long line of 中 is one record whose text decodes without a replacement character', async () => {
  const f = at(dir, 'wide.log');
  writeFileSync(f, logBytes(monitorPieces(Buffer.concat([wide, Buffer.from('\n')]), 'stderr')));
  const [r, ...rest] = await readLog(f, { tail: 1 });
  assert.is(rest.length, 0);
  assert.is(r.data.toString('utf8'), '中'.repeat(30_000));
});

test.run();
