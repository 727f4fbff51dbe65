// Real registries for the registry tests: Debian's docker-registry
// (distribution 2.8), unpacked from its package into .cache/ (apt-get download +
// dpkg -x, never installed), started with a config of our own bound to
// 127.0.0.1:<free port> with storage in a temp dir — optionally with htpasswd
// (bcrypt) Basic auth. stop() kills it and removes its directory; a registry
// still running when the test process exits is killed too.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { ownerTag } from './stale-roots.js';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheDir } from './fixtures.js';

export interface TestRegistry {
  /** "127.0.0.1:PORT" */
  readonly addr: string;
  /** The registry's storage root (…/docker/registry/v2/blobs/sha256/ab/<hex>/data). */
  readonly dataDir: string;
  /** The data file of a blob in the registry's storage. */
  blobFile(digest: string): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const c of running) c.kill('SIGKILL'); });

/** The docker-registry binary from Debian's package (downloaded once into .cache/). */
export function registryBinary(): string {
  const dir = join(cacheDir, 'docker-registry');
  const bin = join(dir, 'usr', 'bin', 'docker-registry');
  if (existsSync(bin)) return bin;
  const dl = join(cacheDir, 'deb-registry');
  rmSync(dl, { recursive: true, force: true });
  mkdirSync(dl, { recursive: true });
  try {
    execFileSync('apt-get', ['download', 'docker-registry'], { cwd: dl, stdio: 'pipe' });
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
    execFileSync('apt-get', ['download', 'docker-registry'], { cwd: dl, stdio: 'pipe' });
  }
  const deb = readdirSync(dl).find((n) => n.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download docker-registry produced no .deb');
  execFileSync('dpkg', ['-x', join(dl, deb), dir]);
  rmSync(dl, { recursive: true, force: true });
  if (!existsSync(bin)) throw new Error(`docker-registry package did not contain ${bin}`);
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRegistry(opts: { auth?: { username: string; password: string } } = {}): Promise<TestRegistry> {
  const bin = registryBinary();
  const dir = mkdtempSync(`/tmp/berth-test-registry-${ownerTag()}-`); // swept as a test root if this process is killed
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  let auth = '';
  if (opts.auth) {
    // htpasswd from apache2-utils: bcrypt, the only hash distribution accepts
    const line = execFileSync('htpasswd', ['-Bbn', opts.auth.username, opts.auth.password], { encoding: 'utf8' });
    writeFileSync(join(dir, 'htpasswd'), line);
    auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(join(dir, 'config.yml'), [
    'version: 0.1',
    'log: {level: error, accesslog: {disabled: true}}',
    'storage:',
    `  filesystem: {rootdirectory: ${dataDir}}`,
    '  delete: {enabled: true}',
    'http:',
    `  addr: ${addr}`,
    auth,
  ].join('\n'));
  const child = spawn(bin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(3000).then(() => child.kill('SIGKILL'))]);
    }
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };
  // up once /v2/ answers (200, or 401 with auth)
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://${addr}/v2/`);
      if (res.status === 200 || res.status === 401) {
        return { addr, dataDir, stop, blobFile: (d: string) => join(dataDir, 'docker/registry/v2/blobs/sha256', d.slice(7, 9), d.slice(7), 'data') };
      }
    } catch { /* not listening yet */ }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await stop();
  throw new Error(`docker-registry did not come up on ${addr}: ${stderr.slice(-2000)}`);
}
