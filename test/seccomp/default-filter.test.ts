// The default filter that comes compiled with berth (default-filter.ts, written by
// scripts/gen-default-seccomp.mjs) is what the compiler makes of docker's default profile
// for docker's default capabilities, and it is what a container with those gets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { release } from 'node:os';
import { compileProfile, DEFAULT_PROFILE } from '../../src/engine/seccomp/index.js';
import { seccompFilter } from '../../src/engine/seccomp/index.js';
import { DEFAULT_FILTER_CAPS, DEFAULT_FILTER_FLAGS, DEFAULT_FILTER_MIN_KERNEL, DEFAULT_FILTER_PROGRAM } from '../../src/engine/seccomp/default-filter.js';
import { containerCapabilities, DOCKER_DEFAULT_CAPS } from '../../src/engine/runtime/capabilities.js';

const regenerate = 'run `npm run build:ts && node scripts/gen-default-seccomp.mjs`';

test('the compiled-in filter is the compiler\'s output for docker\'s default capabilities', () => {
  assert.is(DEFAULT_FILTER_CAPS, [...DOCKER_DEFAULT_CAPS].sort().join(','), `the default capabilities changed: ${regenerate}`);
  const compiled = compileProfile(DEFAULT_PROFILE, { caps: [...DOCKER_DEFAULT_CAPS], kernel: DEFAULT_FILTER_MIN_KERNEL });
  assert.is(DEFAULT_FILTER_FLAGS, compiled.flags, regenerate);
  assert.ok(Buffer.from(DEFAULT_FILTER_PROGRAM, 'base64').equals(compiled.program), `the compiler, the default profile or the syscall tables changed: ${regenerate}`);
  // and it holds for every kernel from 4.8 on (the profile's only kernel condition)
  assert.ok(compileProfile(DEFAULT_PROFILE, { caps: [...DOCKER_DEFAULT_CAPS], kernel: release() }).program.equals(compiled.program));
});

test('a container with the default capabilities gets it; other sets are compiled', () => {
  const dflt = seccompFilter(undefined, containerCapabilities({}));
  assert.ok(dflt!.program.equals(Buffer.from(DEFAULT_FILTER_PROGRAM, 'base64')));
  const caps = containerCapabilities({ capAdd: ['SYS_ADMIN'] });
  const other = seccompFilter(undefined, caps);
  assert.ok(other!.program.equals(compileProfile(DEFAULT_PROFILE, { caps, kernel: release() }).program));
  assert.not.ok(other!.program.equals(dflt!.program), 'SYS_ADMIN allows more syscalls');
});

test.run();
