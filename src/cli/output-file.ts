// Where `save` and `export` write their tar: a file given with -o, written
// under a temporary name and renamed only when complete (a failed save leaves
// no half archive behind), or stdout — never a terminal (docker refuses too).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { invalid } from '../engine/errors.js';

export async function writeArchive(file: string | undefined, what: string, fn: (out: Writable) => Promise<void>): Promise<void> {
  if (file === undefined || file === '-') {
    if (process.stdout.isTTY) throw invalid(`${what}: refusing to write a tar archive to a terminal: use -o FILE or redirect the output`);
    await fn(process.stdout);
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
  try {
    await fn(out);
    out.end();
    await finished(out);
    await rename(tmp, file);
  } catch (e) {
    out.destroy();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
