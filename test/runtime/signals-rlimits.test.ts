// Signal names as docker accepts them, and the caller's hard limits read from /proc.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseHardLimits, signalNumber, callerHardLimits, RLIM_INFINITY } from '../../src/engine/runtime/index.js';
import { BerthError } from '../../src/engine/errors.js';

test('signalNumber: names with and without SIG, any case, numbers', () => {
  assert.is(signalNumber('SIGTERM'), 15);
  assert.is(signalNumber('TERM'), 15);
  assert.is(signalNumber('term'), 15);
  assert.is(signalNumber('15'), 15);
  assert.is(signalNumber('KILL'), 9);
  assert.is(signalNumber('SIGHUP'), 1);
  assert.is(signalNumber('SIGUSR1'), 10);
  assert.is(signalNumber('WINCH'), 28);
  assert.is(signalNumber('64'), 64);
});

test('signalNumber: real-time signals', () => {
  assert.is(signalNumber('RTMIN'), 34);
  assert.is(signalNumber('SIGRTMIN+3'), 37);
  assert.is(signalNumber('RTMAX-1'), 63);
  assert.is(signalNumber('SIGRTMAX'), 64);
});

test('signalNumber: anything else is "invalid signal: X"', () => {
  for (const bad of ['FOO', 'SIGFOO', '0', '65', '-1', '', 'RTMAX+1', 'RTMIN-1', '9x']) {
    try {
      signalNumber(bad);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (e) {
      assert.instance(e, BerthError);
      assert.is((e as BerthError).code, 'INVALID_ARGUMENT');
      assert.is((e as BerthError).message, `invalid signal: ${bad}`);
    }
  }
});

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max processes             96343                96343                processes 
Max open files            1024                 20000                files     
Max locked memory         8388608              8388608              bytes     
Max realtime timeout      unlimited            unlimited            us        
`;

test('parseHardLimits: /proc/self/limits rows by RLIMIT number', () => {
  const h = parseHardLimits(LIMITS);
  assert.is(h.get(0), RLIM_INFINITY);
  assert.is(h.get(6), 96343);
  assert.is(h.get(7), 20000);
  assert.is(h.get(8), 8388608);
  assert.is(h.get(15), RLIM_INFINITY);
  assert.ok(callerHardLimits().has(7), 'this process has a NOFILE row');
});

test.run();
