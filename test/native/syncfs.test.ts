// syncfs, the one native call that returns a promise (it runs on the thread pool):
// it resolves for an open directory and rejects with the errno of a bad fd, as the
// synchronous wrappers throw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, rmSync, constants as C } from 'node:fs';
import { syncfs } from '../../src/native/index.js';

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

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
