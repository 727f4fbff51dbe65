// cgroup2's device filter: the BPF program compiled from the allow rules, checked
// as instructions and then against the real kernel. On this hybrid host the v1
// devices controller guards containers, so the program is attached here to a
// cgroup of the unified hierarchy (next to nothing else) and processes moved
// into it open and mknod device nodes: what pure cgroup2 hosts get.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  containerDeviceRules, deviceFilterInsns, deviceFilterProgram, parseDeviceRule, readCallerHierarchies, type DeviceRule,
} from '../../src/engine/cgroup/index.js';
import { cgroupDeviceFilter, mknod } from '../../src/native/index.js';

const rules = (...lines: string[]): DeviceRule[] => lines.map(parseDeviceRule);

test('instructions: the ctx loads, one block per rule ending in "allow", then "deny"', () => {
  const insns = deviceFilterInsns(rules('c 1:3 rwm'));
  assert.equal(insns.map((i) => i.code), [
    0x61, 0x54, 0x61, 0x74, 0x61, 0x61, // r2 = type, r3 = access, r4 = major, r5 = minor
    0x55, 0x55, 0x55, 0xb4, 0x95,       // type, major, minor tests (rwm: no access test), allow
    0xb4, 0x95,                         // deny
  ]);
  // each failed test jumps to the first instruction after its block
  assert.equal(insns.slice(6, 9).map((i) => [i.dst, i.imm, i.off]), [[2, 2, 4], [4, 1, 3], [5, 3, 2]]);
  assert.equal([insns[9].imm, insns[11].imm], [1, 0]);
  // an access subset tests (access & bits) == access; wildcards test nothing
  const sub = deviceFilterInsns(rules('b *:* m'));
  assert.equal(sub.slice(6, 12).map((i) => i.code), [0x55, 0xbc, 0x54, 0x5d, 0xb4, 0x95]);
  assert.equal([sub[6].imm, sub[6].off, sub[8].imm, sub[9].off], [1, 5, 1, 2]);
  // v1's meaning of an "a" rule: every device
  assert.equal(deviceFilterInsns(rules('c 1:3 r', 'a *:* m')).map((i) => [i.code, i.imm]), [[0xb4, 1], [0x95, 0]]);
  const buf = deviceFilterProgram(rules('c 1:3 rwm'));
  assert.is(buf.length, 13 * 8);
  assert.equal([...buf.subarray(0, 8)], [0x61, 0x12, 0, 0, 0, 0, 0, 0]); // ldxw r2, [r1 + 0]
});

const unified = readCallerHierarchies().find((h) => h.mount.version === 2);
const tmp = mkdtempSync('/tmp/berth-test-devfilter-');

/** Runs `script` in a shell moved into a fresh cgroup2 directory carrying the program for `allow`. */
function inFilteredCgroup(allow: DeviceRule[], script: string): { code: number; out: string } {
  const dir = join(unified!.callerDir, `berth-test-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir);
  try {
    cgroupDeviceFilter(dir, deviceFilterProgram(allow));
    const r = spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && cd ${tmp} && ${script}`], { encoding: 'utf8' });
    return { code: r.status ?? -1, out: (r.stdout + r.stderr).trim() };
  } finally {
    rmdirSync(dir); // the shell has exited: the cgroup is empty
  }
}

test('kernel: docker\'s defaults + a rule — allowed nodes open, others EPERM, mknod as the rules say', () => {
  if (!unified) {
    console.log('  (no cgroup2 hierarchy here: the device program cannot be attached)');
    return;
  }
  mknod(join(tmp, 'null'), 0o020666, 1, 3);
  mknod(join(tmp, 'port'), 0o020666, 1, 4);
  mknod(join(tmp, 'disk'), 0o060600, 8, 0);
  const allow = containerDeviceRules(rules('c 1:4 r'));
  const run = (script: string): string => inFilteredCgroup(allow, script).out;
  assert.is(run('echo x > null && head -c 1 null | wc -c'), '0');
  assert.match(run('head -c 1 disk'), /Operation not permitted/);
  // 1:4 readable (the kernel's own answer comes through: no such device here, or data),
  // not writable: only "r" was allowed
  assert.not.match(run('head -c 1 port >/dev/null'), /Operation not permitted/);
  assert.match(run('echo x > port'), /Operation not permitted/);
  // docker's "c *:* m" and "b *:* m": creating any node is allowed, using it is not
  assert.is(run('mknod made b 8 1 && echo made; rm -f made'), 'made');
  // without those, mknod of other nodes is refused
  assert.match(inFilteredCgroup(rules('c 1:3 rwm'), 'mknod made2 c 1 4').out, /Operation not permitted/);
  assert.is(inFilteredCgroup(rules('c 1:3 rwm'), 'mknod made3 c 1 3 && echo made; rm -f made3').out, 'made'); // its own "m"
  // "a": every device, as v1 takes it (the kernel's own answer for the disk comes through)
  const all = inFilteredCgroup(rules('a *:* rwm'), 'head -c 1 disk >/dev/null; mknod made4 c 1 4 && echo made; rm -f made4');
  assert.not.match(all.out, /Operation not permitted/);
  assert.match(all.out, /made/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
