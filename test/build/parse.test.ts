// The Dockerfile parser and the instruction checks, on data: directives,
// continuations, comments, heredocs, flags, exec/shell forms, name=value
// pairs, stages, and docker's error messages with their line numbers.
// (Messages are BuildKit's wording, written down from moby/buildkit's
// frontend/dockerfile/{parser,instructions}; no docker daemon was available
// on this machine to run them side by side.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDockerfile } from '../../src/engine/build/parse.js';
import { parseInstructions, type Instruction } from '../../src/engine/build/instructions.js';

const only = (text: string): Instruction => parseInstructions(`FROM x\n${text}`).stages[0].instructions[0];
const fails = (text: string, re: RegExp) => assert.throws(() => parseInstructions(text), re);

test('comments, blank lines and continuations; the line number is the first line', () => {
  const p = parseDockerfile('# a comment\n\nFROM x\nRUN echo a \\\n  # inside\n\n  b\\\n c\n  # trailing\nCMD x');
  assert.equal(p.nodes.map((n) => [n.keyword, n.rest, n.line]), [['FROM', 'x', 3], ['RUN', 'echo a   b c', 4], ['CMD', 'x', 10]]);
});

test('a continuation at the end of the file ends the instruction', () => {
  const p = parseDockerfile('FROM x\nRUN a \\');
  assert.is(p.nodes[1].rest, 'a');
});

test('parser directives: escape, syntax; only at the top; case-insensitive keys', () => {
  const p = parseDockerfile('# Escape=`\n# syntax=docker/dockerfile:1\nFROM x\nRUN a `\n b\n# escape=\\\n');
  assert.is(p.escape, '`');
  assert.is(p.directives.syntax, 'docker/dockerfile:1');
  assert.is(p.nodes[1].rest, 'a  b');
  // after an instruction a directive-shaped line is a comment
  assert.is(parseDockerfile('FROM x\n# escape=`\nRUN a \\\n b').nodes[1].rest, 'a  b');
  fails('# escape=x\nFROM y', /dockerfile parse error on line 1: invalid escape token 'x' does not match ` or \\/);
  fails('# escape=`\n# escape=\\\nFROM y', /line 2: only one escape parser directive can be used/);
});

test('keywords are case-insensitive; an unknown one is named with its line', () => {
  assert.is(parseDockerfile('from x\nrun y').nodes[1].keyword, 'RUN');
  fails('FROM x\nRUN a\nFOO bar', /^dockerfile parse error on line 3: unknown instruction: FOO$/);
  fails('FROM x\nRUN a \\\n b\nfoo', /line 4: unknown instruction: foo/);
});

test('heredocs for RUN and COPY: content, several, quoted names, <<- strips tabs', () => {
  const p = parseDockerfile('FROM x\nRUN <<EOF\necho hi\necho there\nEOF\nCOPY <<A <<"B" /dst/\na $X\nA\n\tb\nB\nRUN <<-T\n\tindented\n\tT\nCMD y');
  assert.equal(p.nodes[1].heredocs, [{ name: 'EOF', chomp: false, expand: true, content: 'echo hi\necho there\n' }]);
  assert.equal(p.nodes[2].heredocs.map((h) => [h.name, h.content, h.expand]), [['A', 'a $X\n', true], ['B', '\tb\n', false]]);
  assert.is(p.nodes[3].heredocs[0].content, 'indented\n');
  assert.is(p.nodes[4].keyword, 'CMD');
  fails('FROM x\nRUN <<EOF\necho', /line 2: unterminated heredoc EOF/);
});

test('flags before the arguments; an unknown one is refused', () => {
  const i = only('COPY --from=build --chown=1:2 --chmod=0755 a b /c/');
  assert.equal(i.kind === 'COPY' && [i.from, i.chown, i.chmod, i.sources, i.dest], ['build', '1:2', '0755', ['a', 'b'], '/c/']);
  const r = only('RUN --network=none --mount=type=cache,target=/x echo --not-a-flag');
  assert.equal(r.kind === 'RUN' && [r.network, r.mounts, r.cmd], ['none', ['type=cache,target=/x'], { shell: 'echo --not-a-flag' }]);
  fails('FROM x\nCOPY --frm=a b c', /line 2: unknown flag: frm/);
  fails('FROM x\nENV --x=1 A=b', /line 2: unknown flag: x/);
});

test('exec and shell forms; broken JSON is the shell form', () => {
  assert.equal((only('CMD ["a", "b c"]') as { cmd: unknown }).cmd, { exec: ['a', 'b c'] });
  assert.equal((only('CMD a "b c"') as { cmd: unknown }).cmd, { shell: 'a "b c"' });
  assert.equal((only("CMD ['a']") as { cmd: unknown }).cmd, { shell: "['a']" });
  assert.equal((only('ENTRYPOINT []') as { cmd: unknown }).cmd, { exec: [] });
  assert.equal((only('SHELL ["/bin/bash", "-c"]') as { args: unknown }).args, ['/bin/bash', '-c']);
  fails('FROM x\nSHELL /bin/bash', /line 2: SHELL requires the arguments to be in JSON form/);
  fails('FROM x\nRUN', /line 2: RUN requires at least one argument/);
});

test('ENV and LABEL: pairs with quotes kept for expansion, the legacy form, errors', () => {
  const e = only('ENV A=1 B="two words" C=x\\ y');
  assert.equal(e.kind === 'ENV' && e.pairs, [['A', '1'], ['B', '"two words"'], ['C', 'x\\ y']]);
  const l = only('ENV NAME some value here');
  assert.equal(l.kind === 'ENV' && l.pairs, [['NAME', 'some value here']]);
  fails('FROM x\nENV A=1 B', /line 2: Syntax error - can't find = in "B". Must be of the form: name=value/);
  fails('FROM x\nENV =1', /line 2: ENV names can not be blank/);
  fails('FROM x\nENV A', /line 2: ENV must have two arguments/);
  fails('FROM x\nLABEL', /line 2: LABEL requires at least one argument/);
});

test('stages: AS names, ARG before FROM, errors', () => {
  const df = parseInstructions('ARG V=1 W\nFROM a:$V AS Build\nRUN x\nfrom build as final\nCOPY --from=build /a /b');
  assert.equal(df.globalArgs.map((a) => [a.name, a.value]), [['V', '1'], ['W', undefined]]);
  assert.equal(df.stages.map((s) => [s.index, s.name, s.base, s.instructions.length]), [[0, 'build', 'a:$V', 1], [1, 'final', 'build', 1]]);
  fails('RUN x\nFROM y', /line 1: no build stage in current context/);
  fails('ARG A', /no build stage in current context/);
  fails('FROM a b', /line 1: FROM requires either one or three arguments/);
  fails('FROM a AS 1x', /invalid name for build stage: "1x"/);
  // docker (20.10's BuildKit, checked on the anchor) takes a repeated stage name
  assert.equal(parseInstructions('FROM a AS b\nFROM c AS B').stages.map((s) => s.name), ['b', 'b']);
  fails('', /file with no instructions/);
  fails('# only a comment\n\n', /file with no instructions/);
});

test('argument counts of COPY, WORKDIR, USER, STOPSIGNAL, EXPOSE, VOLUME', () => {
  fails('FROM x\nCOPY a', /line 2: COPY requires at least two arguments/);
  fails('FROM x\nADD a', /line 2: ADD requires at least two arguments/);
  fails('FROM x\nWORKDIR', /line 2: WORKDIR requires exactly one argument/);
  assert.is((only('USER a b') as { value: string }).value, 'a b', 'docker takes the rest of the line (anchor)');
  fails('FROM x\nSTOPSIGNAL', /line 2: STOPSIGNAL requires exactly one argument/);
  fails('FROM x\nEXPOSE', /line 2: EXPOSE requires at least one argument/);
  fails('FROM x\nVOLUME', /line 2: VOLUME requires at least one argument/);
  assert.equal((only('VOLUME ["/a", "/b"]') as { values: unknown }).values, ['/a', '/b']);
  assert.equal((only('COPY ["a b", "/c d/"]') as { sources: unknown }).sources, ['a b']);
  assert.is((only('WORKDIR /a b') as { value: string }).value, '/a b');
});

test('HEALTHCHECK: CMD forms, NONE, flags', () => {
  const h = only('HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://x/');
  assert.equal(h.kind === 'HEALTHCHECK' && h.health, {
    none: false, test: ['CMD-SHELL', 'curl -f http://x/'], interval: '5s', timeout: undefined, startPeriod: undefined, startInterval: undefined, retries: '3',
  });
  assert.equal((only('HEALTHCHECK CMD ["a","b"]') as { health: { test: unknown } }).health.test, ['CMD', 'a', 'b']);
  assert.equal((only('HEALTHCHECK NONE') as { health: unknown }).health, { none: true });
  fails('FROM x\nHEALTHCHECK FOO', /line 2: Unknown type "FOO" in HEALTHCHECK \(try CMD\)/);
  fails('FROM x\nHEALTHCHECK CMD', /line 2: Missing command after HEALTHCHECK CMD/);
  fails('FROM x\nHEALTHCHECK --timeoutt=1s CMD a', /line 2: unknown flag: timeoutt/);
});

test('ONBUILD: the trigger is checked now; chaining, FROM and MAINTAINER refused', () => {
  assert.is((only('ONBUILD RUN echo hi') as { trigger: string }).trigger, 'RUN echo hi');
  fails('FROM x\nONBUILD ONBUILD RUN a', /line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed/);
  fails('FROM x\nONBUILD FROM y', /line 2: FROM isn't allowed as an ONBUILD trigger/);
  fails('FROM x\nONBUILD FOO y', /line 2: unknown instruction: FOO/);
  fails('FROM x\nONBUILD COPY a', /line 2: COPY requires at least two arguments/);
});

test('flags berth does not do yet are refused, not ignored', () => {
  fails('FROM x\nCOPY --exclude=*.md . /x', /line 2: COPY --exclude is not supported by berth yet/);
  fails('FROM x\nADD --checksum=sha256:00 a /x', /line 2: ADD --checksum is not supported by berth yet/);
  fails('FROM x\nRUN --security=insecure a', /line 2: RUN --security=insecure is not supported/);
  assert.is(only('RUN --security=sandbox a').kind, 'RUN');
});

test.run();
