// `berth build` side by side with docker's builder: every Dockerfile of
// test/build/corpus/ (one directory per case, its context beside it) is built
// by both, both images are saved (`berth save`, `docker save`) and compared
// (image-diff.ts): the config fields a Dockerfile sets, the history texts and
// every entry of every layer the build made. Then the "done when" of issue 17
// with the corpus' app: `berth build -t app .`, `berth run app` as `docker run
// app`, and a second build all CACHED.
//
// docker here is Debian's docker.io 20.10 (dockerd started by test/helpers/engines.ts,
// host networking left alone) with BuildKit (DOCKER_BUILDKIT=1), driven by its own
// client, /usr/bin/docker: that client has BuildKit built in, where a newer CLI wants
// the buildx plugin. Only what 20.10's built-in Dockerfile frontend takes offline is
// in the corpus: a `# syntax=` line would pull a newer frontend from Docker Hub.
// Not in it, so: heredocs (`RUN <<EOF`, `COPY <<EOF`: 20.10 reads the body as instructions,
// "unknown instruction: ECHO"; build.test.ts covers them on berth alone), `COPY --link`
// and `ADD --checksum` (newer frontends). `RUN --mount=type=bind|tmpfs|cache` 20.10 takes,
// and it is compared.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, linkSync, lutimesSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/index.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { hasDockerd, startDockerd, type TestEngine } from '../helpers/engines.js';
import { readSaved, type SavedImage } from './image-archive.js';
import { imageDiff } from './image-diff.js';

const DOCKER = '/usr/bin/docker';
const corpus = join(packageRoot, 'test', 'build', 'corpus');

interface Case {
  name: string;
  /** extra build flags, the same for both ({url}: the test's file server on loopback) */
  args?: string[];
  /** a case whose image this one builds on */
  after?: string;
  /** what git cannot keep: modes other than 644/755, empty directories, archives */
  prepare?: (dir: string) => void;
}

const cases: Case[] = [
  { name: 'instructions' },
  { name: 'config-more' },
  { name: 'onbuild-child', after: 'instructions' },
  {
    name: 'copy-basic', prepare: (d) => {
      chmodSync(join(d, 'exec.sh'), 0o755); chmodSync(join(d, 'private.txt'), 0o600); chmodSync(join(d, 'setuid'), 0o4755);
      mkdirSync(join(d, 'empty'));
      linkSync(join(d, 'a.txt'), join(d, 'hard.txt'));
    },
  },
  { name: 'copy-symlinks' },
  { name: 'copy-vars' },
  { name: 'dockerignore' },
  { name: 'chown-chmod' },
  {
    name: 'add-tar', prepare: (d) => {
      const src = mkdtempSync(join(d, '..', 'tarsrc-'));
      mkdirSync(join(src, 'in/sub'), { recursive: true });
      writeFileSync(join(src, 'in/f'), 'tarred');
      chmodSync(join(src, 'in/f'), 0o600);
      chmodSync(join(src, 'in/sub'), 0o750);
      execFileSync('ln', ['-s', 'f', join(src, 'in/link')]);
      execFileSync('ln', [join(src, 'in/f'), join(src, 'in/hard')]);
      execFileSync('tar', ['--owner=7', '--group=8', '--numeric-owner', '--mtime=2020-01-02 03:04:05', '-C', src, '-cf', join(d, 'x.tar'), 'in']);
      execFileSync('sh', ['-c', `gzip -nc ${join(d, 'x.tar')} > ${join(d, 'x.tar.gz')}`]);
      rmSync(src, { recursive: true });
    },
  },
  {
    name: 'add-compressed', prepare: (d) => {
      writeFileSync(join(d, 'f'), 'compressed');
      execFileSync('tar', ['--owner=7', '--group=8', '--numeric-owner', '--mtime=2020-01-02 03:04:05', '-C', d, '-cf', join(d, 'x.tar'), 'f']);
      execFileSync('sh', ['-c', 'bzip2 -c x.tar > x.tar.bz2 && xz -c x.tar > x.tar.xz && echo plain | gzip -nc > notatar.gz && rm x.tar f'], { cwd: d });
    },
  },
  { name: 'add-url', args: ['--build-arg', 'URL={url}'] },
  { name: 'multistage' },
  { name: 'target', args: ['--target', 'middle'] },
  { name: 'args', args: ['--build-arg', 'B=given', '--build-arg', 'C=ignored', '--build-arg', 'HTTP_PROXY=http://127.0.0.1:9'] },
  { name: 'shell-escape' },
  { name: 'whiteouts' },
  { name: 'workdir' },
  { name: 'scratch' },
  { name: 'run-mount' },
  { name: 'app' },
];

/** History lines as 20.10 writes them, where berth writes what newer BuildKit does:
 * - HEALTHCHECK: four durations (the start interval came with docker 25), 20.10 three; the
 *   three they share must agree;
 * - COPY/ADD: `--chown=` and `--chmod=` are named (BuildKit's dispatchCopy today), 20.10
 *   left them out. */
const as2010 = (line: string): string => line
  .replace(/^(HEALTHCHECK &\{\[.*\] "\S+" "\S+" "\S+") "\S+" '/, "$1 '")
  .replace(/^(COPY|ADD)(?: --ch(?:own|mod)=\S+)+/, '$1');

/** The mtime every context entry gets (ageTree). */
const CONTEXT_TIME = new Date('2021-03-04T05:06:07Z');

/**
 * Differences that are docker 20.10's, each with why; a line they match is not counted.
 * - A RUN layer of 20.10 holds /etc with the base image's metadata: its runtime made mount
 *   stubs there (/etc/hosts, /etc/resolv.conf), removed them and left the directory they
 *   copied up. berth leaves out a directory copied up only for its runtime's mount points
 *   (container/upper-walk.ts): no file of the image differs.
 * - A directory COPY'd or ADD'ed from the context: 20.10's BuildKit gives it the time of the
 *   build (files keep the context's); berth keeps the context's, as tar-based copies do
 *   (`docker cp`, the classic builder).
 * - RUN --mount=type=tmpfs|cache: 20.10 leaves the directory it made as the mount point in the
 *   layer; BuildKit since removes its mount stubs, as berth does (build/steps.ts removeMountStubs).
 * - `ADD --chown` of a local tar: 20.10 kept the archive's owners; BuildKit now gives the
 *   entries the --chown owner ("explicit --chown values override the header ownership",
 *   mapArchiveHeaderOwner), as berth does.
 */
const VERSION_DIFFERENCES: RegExp[] = [
  /^\[RUN [^\]]*\] etc: only docker's layer has it \(directory\)$/,
  new RegExp(`^\\[(COPY|ADD) [^\\]]*\\] \\S+: mtime docker \\d+, berth ${CONTEXT_TIME.getTime() / 1000} \\(directory\\)$`),
  // (corpus/run-mount: the steps that mount at /scratch and /cache; the history does not show --mount)
  /^\[RUN \/bin\/sh -c echo (x > \/scratch|c > \/cache)\/[^\]]*\] (scratch|cache): only docker's layer has it \(directory\)$/,
  /^\[ADD x\.tar \/owned-tar\/ # buildkit\] owned-tar\/in(\/\w+)?: owner docker "7:8", berth "1000:1000"$/,
];

/** Every entry under `dir` (and itself) gets one old mtime: what a build keeps from its context is then told from what it made. */
function ageTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) ageTree(p);
    else lutimesSync(p, CONTEXT_TIME, CONTEXT_TIME);
  }
  utimesSync(dir, CONTEXT_TIME, CONTEXT_TIME);
}

interface Run { code: number; stdout: string; stderr: string }
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => c.kill('SIGKILL'), 180_000);
    c.on('error', reject);
    c.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr }); });
  });
}

if (!hasDockerd() || !existsSync(DOCKER)) {
  console.log('  NOTE: dockerd or its client is not installed (scripts/setup.sh installs docker.io): skipped');
  test.skip('berth build side by side with docker', () => {});
} else {
  const t = new TestRoot('berth-test-build-vs-docker-');
  const work = mkdtempSync('/tmp/berth-test-build-vs-docker-');
  const env = { ...process.env, DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain', DOCKER_CONFIG: join(work, 'docker-config'), DOCKER_CLI_HINTS: 'false' };
  let dockerd: TestEngine | undefined;
  let server: Server | undefined;
  let url = '';
  let base: SavedImage;
  /** when the first build began (seconds): what is older came from a source (image-diff.ts) */
  let since = 0;
  const results = new Map<string, { docker: Run; berth: Run; diffs: string[] }>();

  const berth = (args: string[], cwd?: string) => run(process.execPath, ['--', berthBin, '--root', t.root, ...args], { cwd });
  const docker = (args: string[], cwd?: string) => run(DOCKER, ['-H', dockerd!.host, ...args], { cwd, env });
  const ok = (what: string, r: Run): Run => { if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim()}`); return r; };

  /** Builds the case with both, saves both, and compares. */
  async function buildCase(c: Case): Promise<void> {
    const dir = join(work, c.name);
    cpSync(join(corpus, c.name), dir, { recursive: true, verbatimSymlinks: true });
    c.prepare?.(dir);
    ageTree(dir);
    const tag = c.name === 'app' ? 'app' : `corpus-${c.name}`;
    const args = (c.args ?? []).map((a) => a.replace('{url}', url));
    // the app as its user types it: in its directory, `berth build -t app .` (RUN on the default network)
    const [d, b] = await Promise.all([
      docker(['build', '--network', 'none', '-t', tag, ...args, dir]),
      c.name === 'app' ? berth(['build', '-t', 'app', '.'], dir) : berth(['build', '--network', 'none', '-t', tag, ...args, dir]),
    ]);
    const result = { docker: d, berth: b, diffs: [] as string[] };
    results.set(c.name, result);
    if (d.code !== 0 || b.code !== 0) return;
    const dt = join(work, `${c.name}.docker.tar`), bt = join(work, `${c.name}.berth.tar`);
    const [ds, bs] = await Promise.all([docker(['save', '-o', dt, tag]), berth(['save', '-o', bt, tag])]);
    ok('docker save', ds);
    ok('berth save', bs);
    const [di, bi] = await Promise.all([readSaved(dt), readSaved(bt)]);
    result.diffs = imageDiff(di, bi, c.name === 'scratch' ? undefined : base, since, as2010)
      .filter((l) => !VERSION_DIFFERENCES.some((re) => re.test(l)));
  }

  test.before(async () => {
    // what ADD fetches: fixed bytes and a Last-Modified both builders must keep
    server = createServer((req, res) => {
      const body = req.url === '/x.tar' ? readFileSync(busyboxTar()).subarray(0, 10240) : Buffer.from('fetched\n');
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, 'Last-Modified': 'Thu, 02 Jan 2020 03:04:05 GMT' });
      res.end(body);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t.ok(['import', busyboxTar(), 'bb']);
    const bbTar = join(work, 'bb.tar');
    t.ok(['save', '-o', bbTar, 'bb']);
    base = await readSaved(bbTar);
    mkdirSync(env.DOCKER_CONFIG);
    dockerd = await startDockerd();
    ok('docker load', await docker(['load', '-i', bbTar]));
    since = Math.floor(Date.now() / 1000);
    // three cases at a time (each builds with both engines at once); a case waits for the one it builds on
    const started = new Map<string, Promise<void>>();
    const queue = [...cases];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const mine = c;
        // a case that cannot be compared fails its own test, not the others
        const p = (mine.after ? started.get(mine.after)! : Promise.resolve()).then(() => buildCase(mine)).catch((e: Error) => {
          const none = { code: -1, stdout: '', stderr: e.message };
          const r = results.get(mine.name) ?? { docker: none, berth: none, diffs: [] };
          r.diffs.push(`not compared: ${e.message}`);
          results.set(mine.name, r);
        });
        started.set(mine.name, p);
        await p;
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  });

  test.after(async () => {
    server?.close();
    await dockerd?.stop();
    rmSync(work, { recursive: true, force: true });
    const left = t.cleanup();
    assert.equal(left, [], `left behind: ${left.join('; ')}`);
  });

  for (const c of cases) {
    test(`${c.name}: the same layers and config as docker's`, () => {
      const r = results.get(c.name)!;
      assert.is(r.docker.code, 0, `docker build: ${r.docker.stderr}`);
      assert.is(r.berth.code, 0, `berth build: ${r.berth.stderr}`);
      assert.equal(r.diffs, [], `differences:\n  ${r.diffs.join('\n  ')}`);
    });
  }

  test('done when: `berth build -t app .` again is all CACHED; `berth run app` prints and ends as `docker run app`', async () => {
    const dir = join(work, 'app');
    const id = ok('berth images', await berth(['images', '-q', '--no-trunc', 'app'])).stdout;
    const again = ok('berth build', await berth(['build', '-t', 'app', '.'], dir)).stderr;
    const steps = again.match(/^#\d+ \[[^\]]+\] (RUN|COPY|ADD|WORKDIR) .*$/gm) ?? [];
    assert.ok(steps.length >= 6, again);
    assert.is((again.match(/^#\d+ CACHED$/gm) ?? []).length, steps.length, again);
    assert.is(ok('berth images', await berth(['images', '-q', '--no-trunc', 'app'])).stdout, id);
    const [b, d] = await Promise.all([berth(['run', '--rm', 'app']), docker(['run', '--rm', '--network', 'none', 'app'])]);
    assert.is(d.code, 3, d.stderr);
    assert.is(b.code, d.code, b.stderr);
    assert.is(b.stdout, d.stdout);
    assert.is(b.stderr, d.stderr);
  });
}

test.run();
