// cgroup mode detection: the runc rule on fake statfs answers, and on this host
// against an independent reading of /proc/self/mountinfo.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { cgroupMode, detectCgroupMode } from '../../src/engine/cgroup/index.js';
import { FS_MAGIC } from '../../src/native/index.js';

const fake = (types: Record<string, number>) => (p: string): number => {
  if (!(p in types)) throw Object.assign(new Error(`statfs ${p}: ENOENT`), { code: 'ENOENT' });
  return types[p];
};

test('detectCgroupMode: cgroup2 at /sys/fs/cgroup is unified', () => {
  assert.is(detectCgroupMode(fake({ '/sys/fs/cgroup': FS_MAGIC.CGROUP2 })), 'unified');
});

test('detectCgroupMode: tmpfs with cgroup2 at unified is hybrid; without it legacy', () => {
  assert.is(detectCgroupMode(fake({ '/sys/fs/cgroup': FS_MAGIC.TMPFS, '/sys/fs/cgroup/unified': FS_MAGIC.CGROUP2 })), 'hybrid');
  assert.is(detectCgroupMode(fake({ '/sys/fs/cgroup': FS_MAGIC.TMPFS })), 'legacy');
  // /sys/fs/cgroup/unified present but a plain directory of the tmpfs: still legacy
  assert.is(detectCgroupMode(fake({ '/sys/fs/cgroup': FS_MAGIC.TMPFS, '/sys/fs/cgroup/unified': FS_MAGIC.TMPFS })), 'legacy');
});

test('cgroupMode on this host agrees with mountinfo (this machine: hybrid)', () => {
  const fsAt = (mp: string): string | undefined => {
    let found: string | undefined;
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const f = line.split(' ');
      const sep = f.indexOf('-', 6);
      if (sep > 0 && f[4] === mp) found = f[sep + 1]; // the last mount on a point is the visible one
    }
    return found;
  };
  const expected = fsAt('/sys/fs/cgroup') === 'cgroup2' ? 'unified' : fsAt('/sys/fs/cgroup/unified') === 'cgroup2' ? 'hybrid' : 'legacy';
  console.log(`  host cgroup mode: ${cgroupMode()}`);
  assert.is(cgroupMode(), expected);
});

test.run();
