// The anchor tools berth is compared with, installed and run exactly as
// ../shared/anchors/*.sh do it on this machine (podman's settings, crun's hybrid
// workaround, a dockerd that leaves host networking alone, a loopback registry).
// Everything lives under one temp dir per run; stop() undoes what start() did,
// and only that (other runs may use runc/podman at the same time).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/helpers/registry.js';
import { anchorsDir, has, log, out } from './util.js';

export interface Anchors {
  tmp: string;
  /** mkbusybox.sh output: rootfs/, busybox-rootfs.tar, bundle/, oci/ */
  bb: string;
  /** "127.0.0.1:PORT" of the loopback registry, holding busybox:latest */
  reg?: string;
  /** docker CLI args reaching our own dockerd */
  docker?: string[];
  /** env for podman.sh (its private storage and config) */
  podmanEnv?: NodeJS.ProcessEnv;
  /** tool → why it is skipped */
  skip: Record<string, string>;
  versions: Record<string, string>;
  stop(): void;
}

const sh = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('bash', [join(anchorsDir, script), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

function firstLine(cmd: string, args: string[]): string {
  try { return out(cmd, args).split('\n')[0]; } catch (e) { return `unavailable (${String(e).slice(0, 80)})`; }
}

/** `kit`: the whole set (runc, crun, podman, the registry, mkbusybox.sh's bundles); without
 *  it only dockerd (when `docker`), for sections that use berth's own image. */
export async function startAnchors(tmp: string, opts: { docker: boolean; kit?: boolean }): Promise<Anchors> {
  const skip: Record<string, string> = {};
  const undo: (() => void)[] = [];
  const kit = opts.kit !== false;
  if (kit && (!has('runc') || !has('podman') || !has('dockerd') || !has('docker-registry') || !has('crun'))) {
    log('installing anchors (../shared/anchors/setup.sh)');
    const r = sh('setup.sh', []);
    if (r.status !== 0) log(`setup.sh failed: ${r.stderr.slice(-400)}`);
  }
  for (const t of ['runc', 'crun', 'podman', 'dockerd', 'skopeo', 'docker-registry', 'umoci', 'tmux', 'conmon']) {
    if (!has(t)) skip[t] = `${t} not installed`;
  }
  const bb = join(tmp, 'bb');
  if (kit) {
    const mk = sh('mkbusybox.sh', [bb]);
    if (mk.status !== 0) throw new Error(`mkbusybox.sh failed: ${mk.stderr.slice(-600)}`);
  }

  const a: Anchors = {
    tmp, bb, skip, versions: {},
    stop() { for (const f of undo.reverse()) { try { f(); } catch (e) { log(`cleanup: ${e}`); } } },
  };
  try {
    if (!kit) skip.registry = skip.podman = 'not requested';
    else if (!skip['docker-registry']) {
      const port = await freePort();
      const rdir = join(tmp, 'registry');
      const r = sh('registry.sh', [String(port), bb, rdir]);
      undo.push(() => { sh('registry.sh', ['stop', rdir]); });
      if (r.status === 0) a.reg = `127.0.0.1:${port}`;
      else skip.registry = `registry.sh failed: ${(r.stdout + r.stderr).slice(-200)}`;
    } else skip.registry = 'docker-registry not installed';

    if (kit && !skip.podman) {
      const pdir = join(tmp, 'podman');
      mkdirSync(pdir, { recursive: true });
      a.podmanEnv = { ANCHORS_PODMAN: pdir };
      // remove every container of our private store (and only it), then its overlay mounts
      undo.push(() => {
        sh('podman.sh', ['rm', '-af', '-t', '0'], a.podmanEnv);
        sh('podman.sh', ['system', 'reset', '-f'], a.podmanEnv);
      });
      const r = sh('podman.sh', ['import', '-q', join(bb, 'busybox-rootfs.tar'), 'localhost/bb:latest'], a.podmanEnv);
      if (r.status !== 0) { skip.podman = `podman import failed: ${r.stderr.slice(-200)}`; a.podmanEnv = undefined; }
    }

    if (!opts.docker) skip.docker = 'not requested';
    else if (!skip.dockerd) {
      const ddir = join(tmp, 'docker');
      const r = sh('dockerd.sh', ['start', ddir]);
      undo.push(() => {
        if (a.docker) spawnSync(a.docker[0], [...a.docker.slice(1), 'rm', '-f', ...out(a.docker[0], [...a.docker.slice(1), 'ps', '-aq']).split('\n').filter(Boolean)], { stdio: 'ignore' });
        sh('dockerd.sh', ['stop', ddir]);
        // dockerd leaves its overlay/netns mounts behind only if killed hard; unmount anything still under ddir
        spawnSync('sh', ['-c', `grep -o " ${ddir}[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l`], { stdio: 'ignore' });
      });
      if (r.status === 0) {
        a.docker = ['docker', '-H', `unix://${ddir}/docker.sock`];
        const i = kit ? spawnSync('docker', [...a.docker.slice(1), 'import', join(bb, 'busybox-rootfs.tar'), 'bb:latest'], { encoding: 'utf8' }) : undefined;
        if (i && i.status !== 0) { skip.docker = `docker import failed: ${i.stderr.slice(-200)}`; }
      } else skip.docker = `dockerd.sh failed: ${(r.stdout + r.stderr).slice(-200)}`;
    } else skip.docker = 'dockerd not installed';
  } catch (e) { a.stop(); throw e; }

  a.versions = {
    kernel: firstLine('uname', ['-r']),
    node: process.version,
    runc: firstLine('runc', ['--version']),
    crun: firstLine('crun', ['--version']),
    podman: firstLine('podman', ['--version']),
    conmon: firstLine('conmon', ['--version']),
    docker: a.docker ? firstLine('docker', [...a.docker.slice(1), 'version', '--format', 'server {{.Server.Version}}, client {{.Client.Version}}']) : 'skipped',
    skopeo: firstLine('skopeo', ['--version']),
    registry: firstLine('docker-registry', ['--version']),
    tmux: firstLine('tmux', ['-V']),
  };
  return a;
}
