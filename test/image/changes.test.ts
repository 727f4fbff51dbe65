// --change instructions: docker's forms for CMD/ENTRYPOINT, ENV/LABEL pairs,
// $VAR expansion, WORKDIR, EXPOSE ranges, VOLUME, USER, STOPSIGNAL, refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyChanges } from '../../src/engine/image/changes.js';

test('CMD and ENTRYPOINT: exec form, shell form, clearing', () => {
  assert.equal(applyChanges({}, ['CMD ["/bin/echo", "a b"]']).Cmd, ['/bin/echo', 'a b']);
  assert.equal(applyChanges({}, ['cmd echo $HOME && ls']).Cmd, ['/bin/sh', '-c', 'echo $HOME && ls']);
  assert.equal(applyChanges({}, ["CMD ['single', 'quotes']"]).Cmd, ['/bin/sh', '-c', "['single', 'quotes']"], 'not JSON: shell form, as docker');
  assert.equal(applyChanges({}, ['ENTRYPOINT ["/bin/sh", "-c"]']).Entrypoint, ['/bin/sh', '-c']);
  assert.equal(applyChanges({}, ['ENTRYPOINT top -b']).Entrypoint, ['/bin/sh', '-c', 'top -b']);
  assert.equal(applyChanges({}, ['CMD []']).Cmd, []);
  assert.is(applyChanges({ Cmd: ['x'] }, ['CMD']).Cmd, undefined);
});

test('ENV: pairs with quotes, the legacy form, replacement, expansion', () => {
  const c = applyChanges({}, [
    'ENV A=1 B="two words" C=\'$A literal\'',
    'ENV D legacy value with spaces',
    'ENV A=3 E=${A}-$B F=${NOPE:-dflt} G=${A:+set}',
    'ENV H=a\\ b',
  ]);
  assert.equal(c.Env, ['B=two words', 'C=$A literal', 'D=legacy value with spaces', 'A=3', 'E=1-two words', 'F=dflt', 'G=set', 'H=a b']);
  assert.throws(() => applyChanges({}, ['ENV =x']), /name cannot be blank/);
  assert.throws(() => applyChanges({}, ['ENV A=1 B']), /"B" is not of the form name=value/);
  assert.throws(() => applyChanges({}, ['ENV A="open']), /unterminated double quote/);
  assert.throws(() => applyChanges({}, ['ENV ONLY']), /has no value/);
});

test('LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL', () => {
  const c = applyChanges({ Env: ['APP=/srv'] }, [
    'LABEL a=1 "b c"=d',
    'WORKDIR $APP',
    'WORKDIR sub/../data',
    'USER 1000:1000',
    'EXPOSE 80 53/udp 8000-8002/TCP',
    'VOLUME ["/data", "/logs"]',
    'VOLUME /cache',
    'STOPSIGNAL SIGQUIT',
  ]);
  assert.equal(c.Labels, { a: '1', 'b c': 'd' });
  assert.is(c.WorkingDir, '/srv/data');
  assert.is(c.User, '1000:1000');
  assert.equal(Object.keys(c.ExposedPorts ?? {}), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp', '8002/tcp']);
  assert.equal(Object.keys(c.Volumes ?? {}), ['/data', '/logs', '/cache']);
  assert.is(c.StopSignal, 'SIGQUIT');
  assert.is(applyChanges({}, ['STOPSIGNAL 9']).StopSignal, '9');
  assert.is(applyChanges({}, ['STOPSIGNAL term']).StopSignal, 'term');
});

test('refusals name the instruction', () => {
  assert.throws(() => applyChanges({}, ['RUN rm -rf /']), /--change "RUN rm -rf \/": RUN is not supported here/);
  assert.throws(() => applyChanges({}, ['STOPSIGNAL SIGNOPE']), /unknown signal "SIGNOPE"/);
  assert.throws(() => applyChanges({}, ['EXPOSE 70000']), /invalid port range/);
  assert.throws(() => applyChanges({}, ['EXPOSE http']), /invalid port "http"/);
  assert.throws(() => applyChanges({}, ['VOLUME [""]']), /empty string/);
  assert.throws(() => applyChanges({}, ['USER']), /USER needs/);
  assert.throws(() => applyChanges({}, ['  ']), /empty instruction/);
});

test('the base config is not modified', () => {
  const base = { Env: ['A=1'] };
  applyChanges(base, ['ENV A=2']);
  assert.equal(base.Env, ['A=1']);
});

test.run();
