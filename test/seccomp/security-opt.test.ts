// docker's --security-opt syntax on data: how the CLI side inlines a profile file, and how
// each option is read (docker's messages for bad ones; LSM options berth cannot apply refused).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeSecurityOpts, parseSecurityOpts } from '../../src/engine/seccomp/index.js';
import { BerthError } from '../../src/engine/errors.js';

const files: Record<string, string> = { '/p.json': '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n', '/bad.json': 'nope' };
const read = (p: string): string => {
  if (!(p in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
  return files[p];
};
const fail = (f: () => unknown): string => { try { f(); return 'accepted'; } catch (e) { return `${(e as BerthError).code}: ${(e as Error).message}`; } };

test('normalize: a profile file becomes seccomp=<compact JSON>; names and other options stay as given', () => {
  assert.equal(normalizeSecurityOpts(['seccomp=/p.json', 'seccomp:/p.json'], read), ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']);
  assert.equal(normalizeSecurityOpts(['seccomp=unconfined', 'seccomp=builtin', 'no-new-privileges', 'apparmor=unconfined'], read),
    ['seccomp=unconfined', 'seccomp=builtin', 'no-new-privileges', 'apparmor=unconfined']);
  assert.is(fail(() => normalizeSecurityOpts(['seccomp=/missing.json'], read)), "INVALID_ARGUMENT: opening seccomp profile (/missing.json) failed: ENOENT: no such file or directory, open '/missing.json'");
  assert.match(fail(() => normalizeSecurityOpts(['seccomp=/bad.json'], read)), /^INVALID_ARGUMENT: compacting json for seccomp profile \(\/bad\.json\) failed: /);
  assert.is(fail(() => normalizeSecurityOpts(['seccomp='], read)), 'INVALID_ARGUMENT: Invalid --security-opt: "seccomp="');
});

test('parse: seccomp, no-new-privileges, systempaths, writable-cgroups as docker reads them', () => {
  assert.equal(parseSecurityOpts(undefined), { seccomp: 'default' });
  assert.equal(parseSecurityOpts(['seccomp=unconfined']).seccomp, 'unconfined');
  assert.equal(parseSecurityOpts(['seccomp=builtin']).seccomp, 'default');
  assert.equal(parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_LOG","syscalls":[]}']).seccomp, { defaultAction: 'SCMP_ACT_LOG', syscalls: [] });
  assert.is(parseSecurityOpts(['no-new-privileges']).noNewPrivileges, true);
  assert.is(parseSecurityOpts(['no-new-privileges=false']).noNewPrivileges, false);
  assert.is(parseSecurityOpts(['no-new-privileges:True']).noNewPrivileges, true);
  assert.is(parseSecurityOpts(['systempaths=unconfined']).unmaskedPaths, true);
  assert.is(parseSecurityOpts(['writable-cgroups=true']).writableCgroups, true);
  assert.is(fail(() => parseSecurityOpts(['no-new-privileges=yes'])), 'INVALID_ARGUMENT: invalid --security-opt 2: "no-new-privileges=yes"');
  assert.is(fail(() => parseSecurityOpts(['systempaths=confined'])), 'INVALID_ARGUMENT: invalid --security-opt 2: "systempaths=confined"');
  assert.is(fail(() => parseSecurityOpts(['bogus'])), 'INVALID_ARGUMENT: invalid --security-opt 1: "bogus"');
});

test('LSM options: asking for none is accepted (berth applies none), asking for a profile or label is refused', () => {
  assert.is(fail(() => parseSecurityOpts(['apparmor=unconfined', 'label=disable', 'disable'])), 'accepted');
  assert.is(fail(() => parseSecurityOpts(['apparmor=docker-default'])), 'UNSUPPORTED: --security-opt apparmor=docker-default: berth applies no AppArmor or SELinux (only apparmor=unconfined is accepted)');
  assert.match(fail(() => parseSecurityOpts(['label=type:svirt_t'])), /^UNSUPPORTED: --security-opt label=type:svirt_t: /);
});

test.run();
