// `berth build` end to end through the CLI on the real kernel: Dockerfiles,
// each built and its file tree (stat inside a container of the image) and
// config (inspect) compared with what docker's builder makes (vs-docker.test.ts
// does that against a dockerd, layer by layer). The COPY trees, the config, the history texts and
// the WORKDIR owner were checked by hand against the docker anchor (Debian's
// docker.io 20.10.24 with BuildKit, ../shared/anchors/dockerd.sh) on
// 2026-12-02; the rest follows the Dockerfile reference, as said per case.
// Every test checks that nothing was left behind: no container, mount or tmp/ entry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin, leaks } from '../helpers/root.js';

const t = new TestRoot('berth-test-build-');
const work = mkdtempSync('/tmp/berth-test-build-ctx-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});
test.after(() => {
  rmSync(work, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

let n = 0;
/** A context directory with these files (a value ending in "->" target makes a symlink). */
function context(files: Record<string, string>): string {
  const dir = join(work, `ctx${n++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), p);
    else if (name.endsWith('/')) mkdirSync(p, { recursive: true });
    else writeFileSync(p, content);
  }
  return dir;
}

function build(dir: string, args: string[] = []): { code: number; stdout: string; stderr: string } {
  return t.berth(['build', '--network', 'none', ...args, dir], { timeoutMs: 120_000 });
}

function built(dir: string, args: string[] = []): string {
  const r = build(dir, args);
  if (r.code !== 0) throw new Error(`build failed (${r.code}): ${r.stderr}`);
  return r.stderr;
}

/** `stat` of each path inside the image: "path mode uid:gid type [-> target] [content]". */
function tree(image: string, paths: string[]): string[] {
  const script = paths.map((p) => `stat -c '%n %a %u:%g %F' ${p} 2>&1; [ -L ${p} ] && echo "  -> $(readlink ${p})"; [ -f ${p} ] && [ ! -L ${p} ] && echo "  = $(cat ${p})"; true`).join('; ');
  return t.ok(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', script]).split('\n');
}

function config(image: string): Record<string, unknown> {
  return JSON.parse(t.ok(['image', 'inspect', image, '--format', '{{json .Config}}'])) as Record<string, unknown>;
}

function nothingLeft(): void {
  assert.is(t.ok(['ps', '-a', '-q']), '', 'no container');
  assert.equal(leaks(t.root), [], 'no mount or process');
  assert.equal(readdirSync(join(t.root, 'tmp')), [], 'nothing in tmp/');
}

test('build -t app . && run app; a second build is all CACHED and makes the same image', () => {
  const dir = context({
    Dockerfile: 'FROM bb\nARG GREETING=hello\nENV APP=/app\nWORKDIR $APP\nCOPY hello.txt ./\nRUN echo "$GREETING from run" > run.txt\nCMD ["cat", "/app/run.txt", "/app/hello.txt"]\n',
    'hello.txt': 'hi\n',
  });
  const first = built(dir, ['-t', 'app']);
  assert.match(first, /#1 \[1\/4\] FROM docker.io\/library\/bb:latest\n#1 DONE \d+\.\ds\n/);
  // the title shows the variables expanded, as BuildKit's (anchor: `RUN echo 1 > /v` for `RUN echo $V > /v`)
  assert.match(first, /#\d \[4\/4\] RUN echo "hello from run" > run.txt\n(#\d [\d.]+ .*\n)*#\d DONE/);
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'app']), 'hello from run\nhi');
  const id = t.ok(['images', '-q', '--no-trunc', 'app']);
  const again = built(dir, ['-t', 'app']);
  assert.is((again.match(/CACHED/g) ?? []).length, 3, again);
  assert.not.match(again, /\d+\.\d{3} /, 'no step ran');
  assert.is(t.ok(['images', '-q', '--no-trunc', 'app']), id);
  // the intermediate images are hidden from `images`, shown with -a
  assert.equal(t.ok(['images', '--format', '{{.Repository}}']).split('\n').sort(), ['app', 'bb']);
  assert.ok(t.ok(['images', '-a', '-q']).split('\n').length > 2);
  nothingLeft();
});

test('-q prints only the image ID; --iidfile writes it; several -t', () => {
  const dir = context({ Dockerfile: 'FROM bb\nLABEL a=b\n' });
  const iid = join(work, 'iid');
  const r = build(dir, ['-q', '--iidfile', iid, '-t', 'one', '-t', 'two:x']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[a-f0-9]{64}\n$/);
  assert.is(r.stderr, '');
  assert.is(readFileSync(iid, 'utf8'), r.stdout.trim());
  assert.is(t.ok(['images', '-q', '--no-trunc', 'one']), r.stdout.trim());
  assert.is(t.ok(['images', '-q', '--no-trunc', 'two:x']), r.stdout.trim());
});

test('COPY: files, renames, directory contents, globs, trailing slashes, missing parents (docker reference: COPY)', () => {
  const dir = context({
    Dockerfile: [
      'FROM bb',
      'COPY a.txt /new/name.txt',        // dest without "/": the file's new name, parents made
      'COPY a.txt /dir/',                 // dest with "/": into it, made
      'COPY sub /copied',                 // a directory: its contents, not itself
      'COPY *.md /docs/',                 // glob, several files into a directory
      'COPY a.txt b.md /multi/',          // several sources
      'WORKDIR /w',
      'COPY a.txt .',                     // relative to WORKDIR
      'COPY a.txt /etc',                  // an existing directory: into it
    ].join('\n'),
    'a.txt': 'A', 'b.md': 'B', 'c.md': 'C', 'sub/x': 'X', 'sub/deep/y': 'Y',
  });
  built(dir, ['-t', 'copies']);
  assert.equal(tree('copies', ['/new/name.txt', '/dir/a.txt', '/copied/x', '/copied/deep/y', '/docs/b.md', '/docs/c.md', '/multi/a.txt', '/multi/b.md', '/w/a.txt', '/etc/a.txt', '/new', '/copied/deep']), [
    '/new/name.txt 644 0:0 regular file', '  = A',
    '/dir/a.txt 644 0:0 regular file', '  = A',
    '/copied/x 644 0:0 regular file', '  = X',
    '/copied/deep/y 644 0:0 regular file', '  = Y',
    '/docs/b.md 644 0:0 regular file', '  = B',
    '/docs/c.md 644 0:0 regular file', '  = C',
    '/multi/a.txt 644 0:0 regular file', '  = A',
    '/multi/b.md 644 0:0 regular file', '  = B',
    '/w/a.txt 644 0:0 regular file', '  = A',
    '/etc/a.txt 644 0:0 regular file', '  = A',
    '/new 755 0:0 directory',
    '/copied/deep 755 0:0 directory',
  ]);
  assert.is(tree('copies', ['/copied/sub'])[0], "stat: can't stat '/copied/sub': No such file or directory");
});

test('COPY errors: several sources to a non-directory, a missing source; nothing left behind', () => {
  const dir = context({ Dockerfile: 'FROM bb\nCOPY a b /file\n', a: '1', b: '2' });
  let r = build(dir);
  assert.is(r.code, 1);
  assert.match(r.stderr, /When using COPY with more than one source file, the destination must be a directory and end with a \//);
  const dir2 = context({ Dockerfile: 'FROM bb\nCOPY nope /x\n' });
  r = build(dir2);
  assert.is(r.code, 1);
  assert.match(r.stderr, /"\/nope": not found/);
  nothingLeft();
});

test('.dockerignore: ignored files are not copied, exceptions are, the Dockerfile is still read', () => {
  const dir = context({
    Dockerfile: 'FROM bb\nCOPY . /ctx/\n',
    '.dockerignore': '*.log\n!keep.log\nsecret/\n!secret/keep\n**/tmp\nDockerfile\n',
    'a.log': 'no', 'keep.log': 'yes', 'secret/key': 'no', 'secret/keep': 'k', 'src/tmp/x': 'no', 'src/main.c': 'int', 'top.txt': 't',
  });
  built(dir, ['-t', 'ign']);
  const out = t.ok(['run', '--rm', '--network', 'none', 'ign', 'sh', '-c', 'cd /ctx && find . | sort']).split('\n');
  // the anchor's tree for the same context (an exception reaches into an ignored directory)
  assert.equal(out, ['.', './.dockerignore', './keep.log', './secret', './secret/keep', './src', './src/main.c', './top.txt']);
});

test('symlinks: copied as links inside a directory; a source link is followed only inside the context', () => {
  const dir = context({
    Dockerfile: 'FROM bb\nCOPY links /links/\nCOPY via /via\n',
    'links/rel': '->target', 'links/abs': '->/etc/shadow', 'links/target': 'T',
    'data/file': 'D', via: '->data/file',
  });
  built(dir, ['-t', 'links']);
  assert.equal(tree('links', ['/links/rel', '/links/abs', '/via']), [
    '/links/rel 777 0:0 symbolic link', '  -> target',
    '/links/abs 777 0:0 symbolic link', '  -> /etc/shadow',
    '/via 644 0:0 regular file', '  = D',
  ]);
});

test('hostile context: a link or .. pointing out of the context reads nothing outside it', () => {
  const outside = join(work, 'outside-secret');
  writeFileSync(outside, 'SECRET');
  for (const src of [`../${'outside-secret'}`, 'escape', 'escape-abs', 'up/../../outside-secret']) {
    const dir = context({ Dockerfile: `FROM bb\nCOPY ${src} /got\n`, escape: '->../outside-secret', 'escape-abs': `->${outside}`, 'up/': '' });
    const r = build(dir);
    assert.is(r.code, 1, `${src}: ${r.stderr}`);
    assert.match(r.stderr, /not found/);
  }
  nothingLeft();
});

test('hostile image: a COPY destination through an absolute symlink stays inside the image', () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN ln -s / /escape && ln -s /etc/hostfile-x /dangling && ln -s ../../../.. /etc/up\nCOPY f /escape/tmp/berth-build-escape\nCOPY f /dangling\nCOPY f /etc/up/tmp/berth-build-up\n', f: 'F' });
  built(dir, ['-t', 'hostile']);
  for (const p of ['/tmp/berth-build-escape', '/etc/hostfile-x', '/tmp/berth-build-up']) assert.not.ok(existsSync(p), `nothing written on the host: ${p}`);
  assert.equal(tree('hostile', ['/tmp/berth-build-escape', '/tmp/berth-build-up']), [
    '/tmp/berth-build-escape 644 0:0 regular file', '  = F', '/tmp/berth-build-up 644 0:0 regular file', '  = F',
  ]);
});

test('COPY --chown and --chmod; ADD unpacks a local tar and keeps its owners', () => {
  const src = join(work, 'tarsrc');
  mkdirSync(join(src, 'in'), { recursive: true });
  writeFileSync(join(src, 'in/f'), 'tarred');
  chmodSync(join(src, 'in/f'), 0o600);
  const dir = context({ Dockerfile: 'FROM bb\nCOPY --chown=user:user --chmod=640 a /owned/a\nCOPY --chown=1234 d /num/\nADD x.tar /unpacked/\nADD x.tar.gz /gz\nADD a /added\n', a: 'A', 'd/e': 'E' });
  execFileSync('tar', ['--owner=7', '--group=8', '--numeric-owner', '-C', src, '-cf', join(dir, 'x.tar'), 'in']);
  execFileSync('sh', ['-c', `gzip -c ${join(dir, 'x.tar')} > ${join(dir, 'x.tar.gz')}`]);
  built(dir, ['-t', 'owners']);
  assert.equal(tree('owners', ['/owned/a', '/num/e', '/unpacked/in/f', '/gz/in/f', '/added']), [
    '/owned/a 640 1000:1000 regular file', '  = A',
    '/num/e 644 1234:1234 regular file', '  = E',
    '/unpacked/in/f 600 7:8 regular file', '  = tarred',
    '/gz/in/f 600 7:8 regular file', '  = tarred',
    '/added 644 0:0 regular file', '  = A',
  ]);
});

test('the config: every instruction into the image config as docker writes it', () => {
  const dir = context({
    Dockerfile: [
      'FROM bb', 'ENV A=1 B="two words"', 'LABEL org.x="y z" n=1', 'EXPOSE 80 53/udp', 'VOLUME ["/data"]', 'USER user',
      'WORKDIR /srv', 'STOPSIGNAL SIGQUIT', 'HEALTHCHECK --interval=5s --retries=2 CMD wget -q localhost',
      'SHELL ["/bin/sh", "-ec"]', 'ENTRYPOINT ["/bin/echo"]', 'CMD hello', 'ONBUILD RUN touch /tmp/onbuild',
    ].join('\n'),
  });
  built(dir, ['-t', 'cfg', '--label', 'from.cli=1']);
  const c = config('cfg');
  assert.equal(c.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'B=two words'], 'BuildKit gives a base without PATH the default one (anchor)');
  assert.equal(c.Labels, { 'org.x': 'y z', n: '1', 'from.cli': '1' });
  assert.equal(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.equal(c.Volumes, { '/data': {} });
  assert.is(c.User, 'user');
  assert.is(c.WorkingDir, '/srv');
  assert.is(c.StopSignal, 'SIGQUIT');
  assert.equal(c.Healthcheck, { Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 5e9, Retries: 2 });
  assert.equal(c.Entrypoint, ['/bin/echo']);
  assert.equal(c.Cmd, ['/bin/sh', '-ec', 'hello'], 'CMD after ENTRYPOINT stays; its shell form goes through SHELL');
  assert.equal(c.OnBuild, ['RUN touch /tmp/onbuild']);
  // WORKDIR made the directory as the stage's USER (anchor: 1000:1000)
  assert.equal(tree('cfg', ['/srv']), ['/srv 755 1000:1000 directory']);
  // history: BuildKit's texts (anchor), none for ONBUILD; HEALTHCHECK with the start interval newer BuildKit prints (20.10 had three durations)
  const hist = t.ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'cfg']).split('\n');
  assert.equal(hist.slice(0, 11), [
    'CMD ["/bin/sh" "-ec" "hello"]', 'ENTRYPOINT ["/bin/echo"]', 'SHELL [/bin/sh -ec]',
    'HEALTHCHECK &{["CMD-SHELL" "wget -q localhost"] "5s" "0s" "0s" "0s" \'\\x02\'}', 'STOPSIGNAL SIGQUIT', 'WORKDIR /srv',
    'USER user', 'VOLUME [/data]', 'EXPOSE map[53/udp:{} 80/tcp:{}]', 'LABEL org.x=y z n=1', 'ENV A=1 B=two words',
  ]);

  // a child build runs the triggers first, and does not inherit them
  const child = context({ Dockerfile: 'FROM cfg\nUSER root\nRUN test -f /tmp/onbuild\n' });
  const out = built(child, ['-t', 'child']);
  assert.match(out, /ONBUILD RUN touch \/tmp\/onbuild/);
  assert.is(config('child').OnBuild, null);
});

test('ENTRYPOINT in a stage drops the CMD it inherited (docker)', () => {
  const base = context({ Dockerfile: 'FROM bb\nCMD ["inherited"]\n' });
  built(base, ['-t', 'withcmd']);
  const dir = context({ Dockerfile: 'FROM withcmd\nENTRYPOINT ["/bin/true"]\n' });
  built(dir, ['-t', 'ep']);
  assert.is(config('ep').Cmd, null);
});

test('ARG: defaults, --build-arg, ENV wins, global ARGs for FROM, RUN sees args but the image does not keep them', () => {
  const dir = context({
    Dockerfile: 'ARG BASE=bb\nFROM $BASE\nARG A=dflt\nARG B\nARG C=c\nENV C=from-env\nRUN echo "$A $B $C" > /args\nLABEL a=$A b=${B:-none} c=${C:+set}\n',
  });
  built(dir, ['-t', 'args', '--build-arg', 'B=given', '--build-arg', 'C=ignored']);
  assert.equal(tree('args', ['/args']), ['/args 644 0:0 regular file', '  = dflt given from-env']);
  const c = config('args');
  assert.equal(c.Labels, { a: 'dflt', b: 'given', c: 'set' });
  assert.not.ok((c.Env as string[]).some((e) => e.startsWith('A=') || e.startsWith('B=')));
  // the history as the anchor wrote it for the same Dockerfile and --build-args
  assert.equal(t.ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'args']).split('\n').slice(0, 6), [
    'LABEL a=dflt b=given c=set', 'RUN |3 A=dflt B=given C=from-env /bin/sh -c echo "$A $B $C" > /args # buildkit',
    'ENV C=from-env', 'ARG C=c', 'ARG B', 'ARG A=dflt',
  ]);
  // a different build arg is a different RUN: not taken from the cache
  const again = built(dir, ['-t', 'args2', '--build-arg', 'B=other']);
  assert.not.match(again, /RUN[^\n]*\n#\d CACHED/);
  assert.equal(tree('args2', ['/args']), ['/args 644 0:0 regular file', '  = dflt other from-env']);
});

test('multi-stage: COPY --from, --target, and only the stages the target needs are built', () => {
  const dir = context({
    Dockerfile: [
      'FROM bb AS build', 'RUN echo built > /artifact',
      'FROM bb AS broken', 'RUN exit 7',
      'FROM bb AS final', 'COPY --from=build /artifact /got', 'COPY --from=0 /artifact /got0', 'COPY --from=bb /bin/busybox /bb-copy',
      'FROM final AS extra', 'RUN exit 9',
    ].join('\n'),
  });
  const out = built(dir, ['-t', 'ms', '--target', 'final']);
  assert.match(out, /\[build 1\/2\] FROM/);
  assert.match(out, /\[final 4\/4\] COPY --from=bb/);
  assert.not.match(out, /broken|extra/);
  assert.equal(tree('ms', ['/got', '/got0']), ['/got 644 0:0 regular file', '  = built', '/got0 644 0:0 regular file', '  = built']);
  // BuildKit's history: the words expanded, never --from (anchor)
  assert.equal(t.ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'ms']).split('\n').slice(0, 3), [
    'COPY /bin/busybox /bb-copy # buildkit', 'COPY /artifact /got0 # buildkit', 'COPY /artifact /got # buildkit',
  ]);
  const r = build(dir, ['--target', 'nope']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /target stage "nope" could not be found/);
});

test('a RUN after VOLUME writes into the image; a link COPY\'d into a directory keeps its name; an ignored directory nothing is kept from is not made; hard links stay linked (found side by side with docker)', () => {
  const dir = context({
    Dockerfile: 'FROM bb\nVOLUME /data\nRUN mkdir -p /data && echo kept > /data/f\nRUN cat /data/f > /proof\nCOPY via /into/\nCOPY . /ctx/\n',
    '.dockerignore': '**/tmp\n!keep/**\n', 'real.txt': 'R', via: '->real.txt', 'src/tmp/x': 'no', 'src/a': 'A',
  });
  linkSync(join(dir, 'real.txt'), join(dir, 'hard.txt'));
  built(dir, ['-t', 'found']);
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'found', 'sh', '-c', 'stat -c %i /ctx/real.txt /ctx/hard.txt | uniq | wc -l']), '1', 'one inode');
  assert.equal(tree('found', ['/proof', '/into/via', '/ctx/src/a']), [
    '/proof 644 0:0 regular file', '  = kept', '/into/via 644 0:0 regular file', '  = R', '/ctx/src/a 644 0:0 regular file', '  = A',
  ]);
  assert.is(tree('found', ['/ctx/src/tmp'])[0], "stat: can't stat '/ctx/src/tmp': No such file or directory");
});

test('ADD unpacks bzip2 and xz tars, and copies a gzip that holds no tar as it is (docker\'s detection)', () => {
  const dir = context({ Dockerfile: 'FROM bb\nADD x.tar.bz2 /bz2/\nADD x.tar.xz /xz/\nADD text.gz /gz/\n', f: 'packed' });
  execFileSync('sh', ['-c', 'tar -cf x.tar f && bzip2 -k x.tar && xz -k x.tar && echo plain | gzip -c > text.gz'], { cwd: dir });
  built(dir, ['-t', 'archives']);
  assert.equal(tree('archives', ['/bz2/f', '/xz/f']), ['/bz2/f 644 0:0 regular file', '  = packed', '/xz/f 644 0:0 regular file', '  = packed']);
  assert.is(tree('archives', ['/gz/text.gz'])[0], '/gz/text.gz 644 0:0 regular file');
});

test('the cache: a changed file rebuilds its COPY and what follows, not what comes before', () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN echo one > /one\nCOPY f /f\nRUN cat /f > /g\n', f: 'v1' });
  built(dir, ['-t', 'c1']);
  writeFileSync(join(dir, 'f'), 'v2');
  const out = built(dir, ['-t', 'c2']);
  assert.match(out, /RUN echo one > \/one\n#\d CACHED/);
  assert.not.match(out, /COPY f \/f\n#\d CACHED/);
  assert.equal(tree('c2', ['/g']), ['/g 644 0:0 regular file', '  = v2']);
  // --no-cache runs everything again
  assert.not.match(built(dir, ['--no-cache']), /CACHED/);
});

test('a failing RUN: docker\'s message, exit 1, no container, layer or image left; earlier steps stay cached', () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN echo ok > /ok\nRUN echo bad; exit 3\n' });
  const layersBefore = readdirSync(join(t.root, 'layers')).length;
  const r = build(dir, ['-t', 'failed']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /process "\/bin\/sh -c echo bad; exit 3" did not complete successfully: exit code: 3/);
  assert.match(r.stderr, /#\d 0\.\d+ bad\n/);
  assert.is(t.berth(['image', 'inspect', 'failed']).code, 1);
  nothingLeft();
  // one new layer (the first RUN's), none for the failed step
  assert.is(readdirSync(join(t.root, 'layers')).length, layersBefore + 1);
  assert.match(build(dir).stderr, /RUN echo ok > \/ok\n#\d CACHED/);
});

test('a malformed Dockerfile: the line and docker\'s words, nothing made', () => {
  const images = t.ok(['images', '-a', '-q']);
  const dir = context({ Dockerfile: 'FROM bb\nRUN true\nCOPY --frm=x a b\n' });
  const r = build(dir, ['-t', 'bad']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /dockerfile parse error on line 3: unknown flag: frm/);
  assert.is(t.ok(['images', '-a', '-q']), images);
  nothingLeft();
});

test('RUN heredoc and a build from a tar on stdin', () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN <<EOF\necho line1 > /h\necho line2 >> /h\nEOF\nCOPY f /f\nARG V=val\nCOPY <<EOF <<"RAW" /hd/\n$V "q"\nEOF\n$V\nRAW\n', f: 'from tar' });
  const tarFile = join(work, 'ctx.tar');
  execFileSync('tar', ['-C', dir, '-cf', tarFile, '.']);
  const r = t.berthFiles(['build', '--network', 'none', '-t', 'fromtar', '-'], join(work, 'out'), { input: tarFile });
  assert.is(r.code, 0, r.stderr);
  assert.equal(tree('fromtar', ['/h', '/f', '/hd/EOF', '/hd/RAW']), [
    '/h 644 0:0 regular file', '  = line1', 'line2', '/f 644 0:0 regular file', '  = from tar',
    '/hd/EOF 644 0:0 regular file', '  = val "q"', '/hd/RAW 644 0:0 regular file', '  = $V',
  ]);
  nothingLeft();
});

test('RUN uses the default network unless told; builder prune empties the cache; system df shows it', () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN ip -o link | grep -c eth0 > /eth || true\n' });
  const r = t.berth(['build', '-t', 'net', dir]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(tree('net', ['/eth']), ['/eth 644 0:0 regular file', '  = 1']);
  const df = t.ok(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
  assert.match(df, /Build Cache [1-9]/);
  assert.match(t.ok(['builder', 'prune', '-f']), /Total reclaimed space/);
  assert.match(t.ok(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']), /Build Cache 0/);
  // the tagged images stay, and run
  assert.equal(tree('net', ['/eth']), ['/eth 644 0:0 regular file', '  = 1']);
  nothingLeft();
});

test('Ctrl-C during a RUN: the step\'s container is killed and removed, nothing is left', async () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN echo started; sleep 60\n' });
  const child = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'build', '--network', 'none', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  for (let i = 0; i < 200 && !/\d \d\.\d+ started/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(err, /\d \d\.\d+ started/, 'the RUN runs');
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.kill('SIGINT');
  assert.is(await exited, 1);
  assert.match(err, /Canceled/);
  nothingLeft();
});

test('a build killed with SIGKILL: system check finds its running RUN container, the next ps removes it', async () => {
  const dir = context({ Dockerfile: 'FROM bb\nRUN echo started; sleep 60\n' });
  const child = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'build', '--network', 'none', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  for (let i = 0; i < 200 && !/\d \d\.\d+ started/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  // (the killed build's tmp/ scratch is a finding too: the next build sweeps it)
  assert.match(t.berth(['system', 'check']).stdout, /a RUN step's container of a build that died/, `found: ${err}`);
  assert.is(t.ok(['ps', '-a', '-q']), '', 'the next command removed it');
  assert.not.match(t.berth(['system', 'check']).stdout, /build that died/);
  built(context({ Dockerfile: 'FROM bb\nLABEL next=1\n' })); // also sweeps the killed build's tmp/ scratch
  nothingLeft();
});

test.run();
