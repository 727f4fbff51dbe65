// Real engines for the workstation's engine tests, each in a temp dir of its own,
// started by the test and stopped (with everything it made) by stop():
// - dockerd as ../shared/anchors/dockerd.sh starts it: own data root, exec root
//   and socket, and no iptables, bridge, masquerading or ip_forward change (the
//   tests run in their own network namespace anyway; containers get --network none);
// - podman's `system service` (podman 4.3's Docker-compatible API) with its own
//   storage, cgroupfs, runc (crun refuses this machine's hybrid cgroups) and file events;
// - berth's own `system service` over a TestRoot.
// Images reach them from a tar berth saved (`berth save` | POST /images/load), never
// from a registry on the internet.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { berthBin, type TestRoot } from './root.js';
import { busyboxTar } from './fixtures.js';
import type { TestRegistry } from './registry.js';

export interface TestEngine {
  readonly name: string;
  /** unix://… */
  readonly host: string;
  readonly docker: Dockerode;
  /** Loads a `berth save` tar (docker-archive). */
  load(tar: string): Promise<void>;
  /** Creates and starts a container (no network) running `cmd` in `image`; `stopTimeout`:
   * docker's --stop-timeout (absent: the engine's 10 s). */
  run(name: string, image: string, cmd: string[], opts?: { stopTimeout?: number }): Promise<string>;
  /** Ends the daemon (SIGTERM, as a restart does) and keeps its dir; start() brings it back. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Ends it and removes everything it made. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const c of running) c.kill('SIGKILL'); });

export const hasDockerd = (): boolean => spawnSync('sh', ['-c', 'command -v dockerd']).status === 0;
export const hasPodman = (): boolean => spawnSync('sh', ['-c', 'command -v podman']).status === 0;

function client(socketPath: string): Dockerode {
  const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
  return new Docker({ socketPath });
}

/** Starts the engine; one that fails to come up is stopped and its dir removed. */
async function up(e: TestEngine): Promise<TestEngine> {
  try {
    await e.start();
    return e;
  } catch (err) {
    await e.stop();
    throw err;
  }
}

async function waitUp(docker: Dockerode, proc: ChildProcess, log: string, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`${what} exited ${proc.exitCode}:\n${readTail(log)}`);
    try { await docker.ping(); return; } catch { await sleep(100); }
  }
  throw new Error(`${what} did not answer in 30 s:\n${readTail(log)}`);
}

/** Starts a daemon with its output in `log`. */
function daemon(cmd: string, args: string[], log: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const fd = openSync(log, 'w');
  const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  running.add(proc);
  return proc;
}

const readTail = (f: string): string => { try { return readFileSync(f, 'utf8').split('\n').slice(-30).join('\n'); } catch { return ''; } };

function engine(name: string, dir: string, sock: string, log: string, launch: () => ChildProcess): TestEngine {
  const docker = client(sock);
  let proc: ChildProcess | undefined;
  const kill = async (): Promise<void> => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      for (let i = 0; i < 150 && proc.exitCode === null; i++) await sleep(100);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    if (proc) running.delete(proc);
    proc = undefined;
  };
  return {
    name, host: `unix://${sock}`, docker, kill,
    async start() {
      proc = launch();
      await waitUp(docker, proc, log, name);
    },
    async load(tar) {
      const s = await docker.loadImage(createReadStream(tar));
      await new Promise<void>((resolve, reject) => { s.on('end', resolve); s.on('error', reject); s.resume(); });
    },
    async run(cname, image, cmd, opts = {}) {
      const c = await docker.createContainer({ name: cname, Image: image, Cmd: cmd, StopTimeout: opts.stopTimeout, HostConfig: { NetworkMode: 'none' } });
      await c.start();
      return c.id;
    },
    async stop() {
      if (proc) {
        try {
          for (const c of await docker.listContainers({ all: true })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
        } catch { /* already gone */ }
      }
      await kill();
      // what outlives its daemon: podman's conmon of an exec waits out an --exit-delay of 300 s
      // after the exec ends (its cleanup command is podman's own), and names the dir it ran in
      spawnSync('pkill', ['-KILL', '-f', `${dir}/`]);
      // what a daemon left mounted under its dir (overlay, shm) goes before the dir
      const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m?.startsWith(dir));
      for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startDockerd(): Promise<TestEngine> {
  const dir = mkdtempSync('/tmp/berth-dockerd-');
  const sock = join(dir, 'docker.sock'), log = join(dir, 'dockerd.log');
  return up(engine('dockerd', dir, sock, log, () => daemon('dockerd', [
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'),
    '-H', `unix://${sock}`, '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--ip-forward=false',
    '--bridge=none', '--userland-proxy=false', '--storage-driver=overlay2',
  ], log)));
}

/** `insecure`: registries ("127.0.0.1:PORT") spoken to in plain HTTP, as docker does for loopback. */
export async function startPodman(insecure: string[] = []): Promise<TestEngine> {
  const dir = mkdtempSync('/tmp/berth-podman-');
  const sock = join(dir, 'podman.sock'), log = join(dir, 'podman.log');
  const registries = join(dir, 'registries.conf');
  writeFileSync(registries, insecure.map((r) => `[[registry]]\nlocation = "${r}"\ninsecure = true\n`).join(''));
  // podman asks for nofile and nproc above this machine's hard limits, which root cannot
  // raise here (no CAP_SYS_RESOURCE): nofile gets the caller's hard limit, nproc a plain
  // 4096 (runc's init is refused even some way below the caller's 96k)
  const conf = join(dir, 'containers.conf');
  const nofile = spawnSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(conf, `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=4096:4096"]\n`);
  mkdirSync(join(dir, 'tmp'));
  return up(engine('podman', dir, sock, log, () => daemon('podman', [
    '--root', join(dir, 'storage'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp'),
    '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--runtime', 'runc',
    'system', 'service', '--time', '0', `unix://${sock}`,
  ], log, { ...process.env, CONTAINERS_REGISTRIES_CONF: registries, CONTAINERS_CONF: conf, XDG_RUNTIME_DIR: join(dir, 'run') })));
}

/** berth's own API over `root` (a TestRoot's). */
export async function startBerthService(root: string): Promise<TestEngine> {
  const dir = mkdtempSync('/tmp/berth-service-');
  const sock = join(dir, 'berth.sock'), log = join(dir, 'service.log');
  return up(engine('berth-service', dir, sock, log, () => daemon('node', ['--', berthBin, '--root', root, 'system', 'service', '--host', `unix://${sock}`, '--time', '0'], log)));
}

/** What the endpoint tests give every engine: `bb` in the test root and saved as `tar` (each
 * engine loads it), and `ref`, an image pushed to `reg` and gone from the root, for pull. */
export function endpointImages(t: TestRoot, reg: TestRegistry, repo: string): { tar: string; ref: string } {
  const ref = `${reg.addr}/${repo}/pulled:v1`;
  t.ok(['import', busyboxTar(), 'bb']);
  const tar = join(t.root, 'bb.tar');
  t.ok(['save', 'bb', '-o', tar]);
  t.ok(['tag', 'bb', ref]);
  t.ok(['push', ref]);
  t.ok(['rmi', ref]);
  return { tar, ref };
}
