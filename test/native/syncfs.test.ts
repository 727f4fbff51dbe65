// syncfs and startWriteback (sync_file_range), the native calls that return a promise
// (they run on the thread pool): they resolve for an open fd and reject with the
// errno of a bad one, as the synchronous wrappers throw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, constants as C } from 'node:fs';
import { join } from 'node:path';
import { startWriteback, syncfs } from '../../src/native/index.js';

const dir = mkdtempSync('/tmp/berth-syncfs-');

test('syncfs of an open directory resolves', async () => {
  const fd = openSync(dir, C.O_RDONLY | C.O_DIRECTORY);
  try {
    assert.is(await syncfs(fd), undefined);
  } finally {
    closeSync(fd);
  }
});

test('syncfs of a closed fd rejects with EBADF and its step', async () => {
  const fd = openSync(dir, C.O_RDONLY | C.O_DIRECTORY);
  closeSync(fd);
  try {
    await syncfs(fd);
    assert.unreachable('syncfs of a closed fd resolved');
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { step?: string };
    assert.is(err.code, 'EBADF');
    assert.is(err.step, 'syncfs');
  }
});

test('startWriteback of a file just written resolves; of a closed fd rejects with EBADF', async () => {
  const fd = openSync(join(dir, 'f'), 'w');
  try {
    writeSync(fd, Buffer.alloc(256 * 1024, 1));
    assert.is(await startWriteback(fd), undefined);
  } finally {
    closeSync(fd);
  }
  try {
    await startWriteback(fd);
    assert.unreachable('startWriteback of a closed fd resolved');
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { step?: string };
    assert.is(err.code, 'EBADF');
    assert.is(err.step, 'sync_file_range');
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
