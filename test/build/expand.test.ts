// Variable expansion (BuildKit's shell lexer rules), .dockerignore matching
// (moby/patternmatcher's rules) and the config-only instructions, on data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { processWord, splitWords } from '../../src/engine/build/shell-lex.js';
import { IgnoreMatcher } from '../../src/engine/build/ignore.js';
import { applyConfig, parseGoDuration } from '../../src/engine/build/dispatch.js';
import { parseInstructions } from '../../src/engine/build/instructions.js';
import type { OciImageConfig } from '../../src/engine/image/index.js';

const vars = new Map([['A', 'one'], ['E', ''], ['P', '/x y']]);
const w = (s: string, escape = '\\') => processWord(s, vars, escape);

test('$NAME, ${NAME}, unset is empty, a lone $ stays', () => {
  assert.is(w('$A-${A}-$NOPE-${NOPE}.'), 'one-one--.');
  assert.is(w('cost $ 5 $'), 'cost $ 5 $');
  assert.is(w('$A_B ${A}_B'), ' one_B');
});

test('modifiers: :- - :+ + :? ?', () => {
  assert.is(w('${E:-dflt} ${E-dflt} ${NOPE-dflt}'), 'dflt  dflt');
  assert.is(w('${A:+set} ${E:+set} ${E+set} ${NOPE+set}'), 'set  set ');
  assert.is(w('${NOPE:-$A}'), 'one');
  assert.is(w('${NOPE:-a b}'), 'a b');
  assert.throws(() => w('${NOPE:?must be set}'), /NOPE: must be set/);
  assert.throws(() => w('${E:?}'), /E: is not allowed to be unset/);
  assert.is(w('${E?x}'), '');
  assert.throws(() => w('${A'), /missing ':' in substitution/, 'the anchor\'s words');
  assert.throws(() => w('${A:-x'), /missing '}'/);
  assert.throws(() => w('${A:%x}'), /unsupported modifier/);
});

test('quotes and escapes: single literal, double expands, escape outside quotes', () => {
  assert.is(w(`'$A' "$A" "a \\"q\\" \\$A \\x"`), '$A one a "q" $A \\x');
  assert.is(w('\\$A a\\ b'), '$A a b');
  assert.is(w('`$A a` b', '`'), '$A a b');
  assert.is(w('C:\\dir\\$A', '`'), 'C:\\dir\\one');
  assert.throws(() => w('"open'), /double-quote/);
  assert.throws(() => w("'open"), /single-quote/);
});

test('raw (a COPY heredoc): only variables expand, quotes and escapes are content', () => {
  assert.is(processWord(`$A "q" 'x' \\n \${A:-d}`, vars, '\\', undefined, true), `one "q" 'x' \\n one`);
});

test('splitWords keeps quotes and escapes for the later expansion', () => {
  assert.equal(splitWords('a="x y" b=\'c d\' e=f\\ g  h'), ['a="x y"', "b='c d'", 'e=f\\ g', 'h']);
});

test('.dockerignore: globs per element, **, leading /, exceptions, parents', () => {
  const m = IgnoreMatcher.parse('# comment\n\n/node_modules\n*.log\n!keep.log\ndocs/**/*.md\n!docs/README.md\nbuild/\n**/tmp\na?c\n[xy].txt\n');
  const yes = ['node_modules', 'node_modules/x/y.js', 'err.log', 'docs/a.md', 'docs/x/y/z.md', 'build', 'build/out/a', 'tmp', 'p/q/tmp', 'p/tmp/f', 'abc', 'x.txt'];
  const no = ['keep.log', 'sub/err.log', 'docs/README.md', 'docs/a.txt', 'src/node_modules', 'ac', 'abbc', 'z.txt', 'buildx'];
  for (const p of yes) assert.ok(m.ignores(p), `${p} ignored`);
  for (const p of no) assert.not.ok(m.ignores(p), `${p} kept`);
  // the last matching pattern decides
  assert.ok(IgnoreMatcher.parse('!a\na').ignores('a'));
  assert.not.ok(IgnoreMatcher.parse('*\n!src\n').ignores('src/main.c'));
  assert.ok(IgnoreMatcher.parse('*\n!src\n').ignores('other'));
  assert.ok(IgnoreMatcher.parse('./a/../b').ignores('b'));
  assert.ok(IgnoreMatcher.parse('**').ignores('any/thing'));
});

const cfgAfter = (lines: string, base: OciImageConfig['config'] = {}) => {
  const df = parseInstructions(`FROM x\n${lines}`);
  const oci = { config: structuredClone(base), rootfs: { type: 'layers', diff_ids: [] } } as unknown as OciImageConfig;
  const st = { cmdSet: false };
  const texts = df.stages[0].instructions.map((i) => applyConfig(oci, i, (s) => processWord(s, new Map([['V', 'v1']])), st));
  return { cfg: oci.config!, texts, oci };
};

test('config instructions: ENV, LABEL, EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, SHELL, MAINTAINER', () => {
  const { cfg, texts, oci } = cfgAfter([
    'ENV A=1 B="x y"', 'ENV A=2', 'LABEL "com.x"="$V" b=c', 'EXPOSE 80 53/udp 8000-8001', 'VOLUME /data ["/logs"]',
    'USER app:app', 'WORKDIR /srv', 'WORKDIR sub', 'STOPSIGNAL SIGQUIT', 'SHELL ["/bin/bash", "-c"]', 'CMD echo $HOME', 'MAINTAINER me',
  ].join('\n'), { Env: ['PATH=/bin'] });
  assert.equal(cfg.Env, ['PATH=/bin', 'A=2', 'B=x y'], 'a variable set again keeps its place (BuildKit\'s addEnv; vs-docker: ENV PATH=/opt/bin:$PATH)');
  assert.equal(cfg.Labels, { 'com.x': 'v1', b: 'c' });
  assert.equal(Object.keys(cfg.ExposedPorts!), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp']);
  assert.equal(cfg.Volumes, { '/data': {}, '[/logs]': {} }, 'docker: not one JSON array = the shell form, each word expanded');
  assert.is(cfg.User, 'app:app');
  assert.is(cfg.WorkingDir, '/srv/sub');
  assert.is(cfg.StopSignal, 'SIGQUIT');
  assert.equal(cfg.Cmd, ['/bin/bash', '-c', 'echo $HOME'], 'the shell form goes through SHELL');
  assert.is(oci.author, 'me');
  assert.is(texts[0], 'ENV A=1 B=x y');
  assert.is(texts[10], 'CMD ["/bin/bash" "-c" "echo $HOME"]');
});

test('ENTRYPOINT clears the inherited CMD, but not one set in the stage', () => {
  assert.is(cfgAfter('ENTRYPOINT ["a"]', { Cmd: ['inherited'] }).cfg.Cmd, undefined);
  assert.equal(cfgAfter('CMD ["c"]\nENTRYPOINT ["a"]', { Cmd: ['inherited'] }).cfg.Cmd, ['c']);
  assert.equal(cfgAfter('ENTRYPOINT ["a"]\nCMD ["c"]').cfg, { Entrypoint: ['a'], Cmd: ['c'] });
});

test('HEALTHCHECK into the config: durations in ns, NONE, checks', () => {
  const { cfg } = cfgAfter('HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --retries=4 CMD ["true"]');
  assert.equal(cfg.Healthcheck, { Test: ['CMD', 'true'], Interval: 90e9, Timeout: 5e8, StartPeriod: 2e9, Retries: 4 });
  assert.equal(cfgAfter('HEALTHCHECK NONE').cfg.Healthcheck, { Test: ['NONE'] });
  assert.throws(() => cfgAfter('HEALTHCHECK --interval=1us CMD true'), /Interval "interval" cannot be less than 1ms/);
  assert.throws(() => cfgAfter('HEALTHCHECK --interval=abc CMD true'), /invalid duration "abc"/);
  assert.throws(() => cfgAfter('HEALTHCHECK --retries=-1 CMD true'), /--retries cannot be negative/);
  assert.is(parseGoDuration('1h2m3.5s'), 3723.5e9);
});

test('ONBUILD and bad values', () => {
  assert.equal(cfgAfter('ONBUILD RUN a\nONBUILD COPY . /x').cfg.OnBuild, ['RUN a', 'COPY . /x']);
  assert.throws(() => cfgAfter('STOPSIGNAL SIGNOPE'), /Invalid signal: SIGNOPE/);
  assert.throws(() => cfgAfter('EXPOSE 99999'), /Invalid containerPort: 99999/);
});

test.run();
