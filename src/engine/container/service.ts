// The containers face of the engine: every container operation the CLI and the
// TUI can do, by name or ID (prefix).
import type { Layout } from '../store/layout.js';
import { tryLock, withLock } from '../store/lock.js';
import { BerthError, conflict, notFound } from '../errors.js';
import { connectContainer, disconnectContainer } from './network.js';
import { bindingsByContainer, livePorts } from './network-settings.js';
import { NetworkStore, listedPorts, type PortBinding } from '../network/index.js';
import { settleNetworkEdit, settleNetworkEdits, withNetworkEdit, type NetworkEdit } from './network-edit.js';
import { crashPoint } from '../crash-point.js';
import type { ImageRecord, ImageStore } from '../image/index.js';
import { followLog, readLog, type LogRecord } from '../log/index.js';
import { emitContainerEvent } from './events.js';
import { directoryUsage } from '../volume/index.js';
import { createContainer, type CreateOptions } from './create.js';
import { startContainer, type StartOptions } from './start.js';
import { spawnCleanup } from './cleanup-spawn.js';
import { ExitCollector } from './collector.js';
import { parseRestartPolicy, startsAtBoot, type RestartPolicy } from './restart-policy.js';
import { connectAttach, type AttachConnection } from './attach.js';
import { execPaths, startExec, waitExec, type ExecOptions, type ExecRecord } from './exec.js';
import { existsSync, rmSync } from 'node:fs';
import { finalizeExit, removeStopped } from './finalize.js';
import { killContainer, markManualStop, setPaused, stopContainer, waitExit } from './control.js';
import { checkName, nameInUse } from './ids.js';
import { findRecord, listRecords, loadRecord, saveRecord, strayContainerDirs, sweepContainers, withContainerLock } from './records.js';
import { settle } from './settle.js';
import { ensureNameIndex, nameHolder, recordName } from './names.js';
import { fsyncDir } from '../store/atomic.js';
import { deriveState, type ContainerState } from './state.js';
import { inspectJson, summarize, type ContainerSummary } from './inspect.js';
import { containerPids, listProcesses, type ProcessRow } from './top.js';
import { psTable, type PsTable } from './top-ps.js';
import { copyIn, copyInTar, copyOut, copyOutTar, statInRoot, withContainerRoot, type CopyOptions, type CopyReport, type PathStat } from './copy.js';
import type { Readable, Writable } from 'node:stream';
import type { ContainerRecord } from './types.js';
import { containerChanges, type Change } from './diff.js';
import { commitContainer, type CommitOptions } from './commit.js';
import { exportContainer } from './export.js';
import { volumeUsersOf } from './mounts.js';
import type { ResourceLimits } from '../cgroup/index.js';
import { updateResources } from './resources.js';

export interface LogOptions {
  follow?: boolean;
  tail?: number;
  since?: Date;
  until?: Date;
  signal?: AbortSignal;
  /** With follow: new output piece by piece as written, not line by line (FollowOptions.pieces). */
  pieces?: boolean;
  /** Longer lines keep only their last bytes (ReadOptions.maxLineBytes). */
  maxLineBytes?: number;
}

export class ContainerService {
  /** With `collectExits` (a long-lived face), the exits of the containers this process starts
   *  are collected here (collector.ts), not by a cleanup process per exit. */
  private readonly collector?: ExitCollector;

  constructor(private readonly layout: Layout, private readonly images: ImageStore, opts: { collectExits?: boolean } = {}) {
    if (opts.collectExits) this.collector = new ExitCollector(layout, (id, beforeRemove) => this.collect(id, beforeRemove));
  }

  create(opts: CreateOptions): Promise<ContainerRecord> {
    return createContainer(this.layout, this.images, opts);
  }

  /** The record, settled first if a killed command or monitor left it unfinished (settle.ts). */
  find(ref: string): ContainerRecord {
    return settle(this.layout, findRecord(this.layout, ref));
  }

  state(rec: ContainerRecord): ContainerState {
    return deriveState(rec, this.layout.container(rec.id));
  }

  /** Every container, each settled first; what killed creates and removals left is swept
   * when nobody creates or removes at the moment (settle.ts, records.ts). */
  list(opts: { all?: boolean } = {}): ContainerSummary[] {
    if (strayContainerDirs(this.layout).length) {
      try {
        tryLock(this.layout.containersLock, () => sweepContainers(this.layout));
      } catch { /* cannot sweep now (no lock file, a read-only root): the next create will */ }
    }
    const bindings = bindingsByContainer(this.layout);
    return listRecords(this.layout)
      .map((r) => {
        // the state is derived once and tells whether to settle; derived again only if settled
        const st = this.state(r);
        const settled = settle(this.layout, r, st);
        return summarize(settled, settled === r ? st : this.state(settled), Date.now(),
          listedPorts(bindings.get(r.id) ?? [], settled.config.network?.exposedPorts ?? []));
      })
      .filter((s) => opts.all || s.state === 'running' || s.state === 'paused');
  }

  /** One container as `list` shows it (settled, with its published ports): what a face
   * re-reads after an event about that container. */
  summary(ref: string): ContainerSummary {
    const rec = this.find(ref);
    const bindings = bindingsByContainer(this.layout).get(rec.id) ?? [];
    return summarize(rec, this.state(rec), Date.now(), listedPorts(bindings, rec.config.network?.exposedPorts ?? []));
  }

  /** Volume name -> IDs of the containers (any state) that mount it. */
  volumeUsers(): Map<string, string[]> {
    return volumeUsersOf(listRecords(this.layout));
  }

  /** True when any container (in any state) was made from this image. */
  usesImage(imageId: string): boolean {
    return this.imageUser(imageId) !== undefined;
  }

  /** The ID of a container created from the image, if any. */
  imageUser(imageId: string): string | undefined {
    return listRecords(this.layout).find((r) => r.config.imageId === imageId)?.id;
  }

  async start(ref: string, opts: StartOptions = {}): Promise<ContainerRecord> {
    const id = this.find(ref).id;
    const claimed = this.collector?.claim(id); // before the spawn: it may exit at once
    try {
      const rec = await startContainer(this.layout, id, opts);
      if (claimed) this.collector!.arm(id);
      return rec;
    } catch (e) {
      if (claimed) this.collector!.drop(id);
      throw e;
    }
  }

  /** Starts a process inside the running container (docker exec) under its own monitor. */
  exec(ref: string, opts: ExecOptions): ExecRecord {
    return startExec(this.layout, this.find(ref), opts);
  }

  /** The exec's stdin/output/terminal, through its monitor. */
  execAttach(er: ExecRecord): Promise<AttachConnection> {
    return connectAttach(execPaths(this.layout, er.containerId, er.id).attachSocket, er.cmd[0]);
  }

  /** The exec's output as records (stdout and stderr apart), complete from its first byte. */
  execOutput(er: ExecRecord, signal: AbortSignal): AsyncIterable<LogRecord> {
    const ep = execPaths(this.layout, er.containerId, er.id);
    return followLog(ep.log, { signal, done: () => existsSync(ep.exitFile), pieces: true });
  }

  /** Waits for the exec to end; returns its exit code. With `forget`, its record goes too. */
  async execWait(er: ExecRecord, opts: { forget?: boolean } = {}): Promise<number> {
    const ep = execPaths(this.layout, er.containerId, er.id);
    const code = await waitExec(ep, er.monitorPid);
    const rec = loadRecord(this.layout, er.containerId);
    if (rec) emitContainerEvent(this.layout, rec, 'exec_die', { execID: er.id, exitCode: code });
    if (opts.forget) rmSync(ep.dir, { recursive: true, force: true });
    return code;
  }

  /** Connects to a running container's stdin/output/terminal through its monitor. */
  async attach(ref: string): Promise<AttachConnection> {
    const rec = this.find(ref);
    if (!this.state(rec).running) throw new BerthError('NOT_RUNNING', 'You cannot attach to a stopped container, start it first');
    const conn = await connectAttach(this.layout.container(rec.id).attachSocket, rec.name);
    emitContainerEvent(this.layout, rec, 'attach');
    return conn;
  }

  async stop(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const rec = this.find(ref);
    const mine = this.collector?.collecting(rec.id);
    const stopped = await stopContainer(this.layout, rec, opts.timeout, opts.signal);
    if ((await this.collector?.collected(rec.id, mine)) === undefined) await this.collect(rec.id);
    if (stopped) emitContainerEvent(this.layout, stopped, 'stop');
  }

  async restart(ref: string, opts: { timeout?: number } = {}): Promise<void> {
    const rec = this.find(ref);
    const stopped = await stopContainer(this.layout, rec, opts.timeout);
    await finalizeExit(this.layout, rec.id); // no --rm on restart: docker refuses --rm with restart policies anyway
    if (stopped) emitContainerEvent(this.layout, stopped, 'stop');
    const started = await startContainer(this.layout, rec.id); // a restart by hand is not counted in RestartCount (docker counts the policy's only)
    emitContainerEvent(this.layout, started, 'restart');
  }

  /** Sends a signal (a client's signal proxy does this too: the restart policy stays). */
  kill(ref: string, signal?: string): void {
    killContainer(this.layout, this.find(ref), signal);
  }

  /** `kill` by the user: as docker, it also ends the restart policy's turn. */
  async killByUser(ref: string, signal?: string): Promise<void> {
    const rec = this.find(ref);
    if (this.state(rec).running) await markManualStop(this.layout, rec.id);
    killContainer(this.layout, rec, signal);
  }

  /** Starts every container whose policy brings it back after a host reboot (always; unless-stopped
   *  unless the user stopped it) and that is not running; returns their IDs. What a boot unit runs. */
  async bootRestart(): Promise<string[]> {
    const started: string[] = [];
    for (const rec of listRecords(this.layout)) {
      if (!startsAtBoot(rec) || this.state(rec).running) continue;
      await finalizeExit(this.layout, rec.id);
      await startContainer(this.layout, rec.id);
      started.push(rec.id);
    }
    return started;
  }

  /** Waits for the container to stop; returns its exit code. */
  async wait(ref: string): Promise<number> {
    let rec;
    try {
      rec = this.find(ref);
    } catch (e) {
      // collected and removed (--rm) here before this waiter came round: its exit is kept
      const kept = e instanceof BerthError && e.code === 'NOT_FOUND' ? this.collector?.removedExit(ref) : undefined;
      if (kept !== undefined) return kept;
      throw e;
    }
    const mine = this.collector?.collecting(rec.id);
    await waitExit(this.layout, rec.id);
    const code = await this.collector?.collected(rec.id, mine);
    if (code !== undefined) return code;
    const after = loadRecord(this.layout, rec.id);
    const st = after ? this.state(after) : undefined;
    await this.collect(rec.id);
    return st?.exit?.exitCode ?? this.collector?.removedExit(rec.id) ?? rec.exit?.exitCode ?? 0;
  }

  /** `volumes` (rm -v): also remove the container's anonymous volumes. */
  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.find(ref);
    const st = this.state(rec);
    if (st.running) {
      if (!opts.force) {
        throw conflict(`cannot remove container "/${rec.name}": container is ${st.status}: stop the container before removing or force remove`);
      }
      await markManualStop(this.layout, rec.id); // no restart by its policy from here on
      const cur = loadRecord(this.layout, rec.id) ?? rec; // such a restart may have begun a new run since `rec` was read
      try {
        killContainer(this.layout, cur, 'SIGKILL');
      } catch (e) {
        // it exited (a racing rm -f killed it) between the state check and the signal: go on removing
        if (!(e instanceof BerthError && e.code === 'NOT_RUNNING')) throw e;
      }
      const mine = this.collector?.collecting(rec.id);
      if (!(await waitExit(this.layout, rec.id, 10_000))) {
        throw new BerthError('INTERNAL', `container ${rec.name} did not exit 10s after SIGKILL`);
      }
      if ((await this.collector?.collected(rec.id, mine)) === undefined) await finalizeExit(this.layout, rec.id, { removing: true });
    }
    this.collector?.drop(rec.id);
    await removeStopped(this.layout, rec.id, { volumes: opts.volumes });
  }

  /** docker update --restart: the policy for the container's next exits. */
  async setRestartPolicy(ref: string, spec: string): Promise<void> {
    const policy: RestartPolicy = parseRestartPolicy(spec);
    const id = this.find(ref).id;
    await withContainerLock(this.layout, id, () => {
      const rec = loadRecord(this.layout, id);
      if (!rec) throw notFound('container', ref);
      if (rec.config.autoRemove && policy.Name !== 'no') throw conflict(`Cannot update container ${id}: Restart policy cannot be updated because AutoRemove is enabled for the container`);
      saveRecord(this.layout, { ...rec, config: { ...rec.config, restartPolicy: policy } });
    });
  }

  /** docker update: changes resource limits, live on a running container, and stores them. */
  async update(ref: string, limits: ResourceLimits, onWarning?: (message: string) => void): Promise<ContainerRecord> {
    return updateResources(this.layout, this.find(ref).id, limits, onWarning);
  }

  /** `port`: the running container's published ports (host ports as chosen at its start). */
  ports(ref: string): PortBinding[] {
    const rec = this.find(ref);
    return this.state(rec).running ? livePorts(this.layout, rec) : [];
  }

  /** network connect / disconnect: recorded, and live on a running container. */
  async connectNetwork(ref: string, network: string, opts: { ip?: string; aliases?: string[] } = {}): Promise<void> {
    await this.editNetworks(ref, network, 'connect', (rec, pid) => connectContainer(this.layout, rec, pid, network, opts.ip, opts.aliases));
  }

  async disconnectNetwork(ref: string, network: string): Promise<void> {
    await this.editNetworks(ref, network, 'disconnect', (rec) => disconnectContainer(this.layout, rec, network));
  }

  /** Under the container's lock, with the edit's intent written first (network-edit.ts). */
  private async editNetworks(ref: string, network: string, op: NetworkEdit['op'], edit: (rec: ContainerRecord, pid: number | undefined) => Promise<ContainerRecord>): Promise<void> {
    const id = this.find(ref).id;
    await withContainerLock(this.layout, id, async () => {
      const loaded = loadRecord(this.layout, id);
      if (!loaded) throw notFound('container', ref);
      const rec = await settleNetworkEdit(this.layout, loaded); // one a killed command left, first
      const n = new NetworkStore(this.layout).get(network);
      const st = this.state(rec);
      await withNetworkEdit(this.layout, id, { network: n.Id, op }, async () => {
        const edited = await edit(rec, st.running ? st.pid : undefined);
        saveRecord(this.layout, edited);
        crashPoint('network-edit:saved');
      });
    });
  }

  /** Finishes or undoes the network connects and disconnects killed commands left (network-edit.ts). */
  settleNetworkEdits(): Promise<void> {
    return settleNetworkEdits(this.layout);
  }

  /** container prune: removes every container that is not running; their IDs and the bytes their writable layers held. */
  async prune(): Promise<{ deleted: string[]; reclaimed: number }> {
    const stopped = this.list({ all: true }).filter((c) => c.state !== 'running' && c.state !== 'paused');
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of stopped) {
      const size = directoryUsage(this.layout.container(c.id).upper);
      try {
        await this.remove(c.id);
      } catch (e) {
        if (e instanceof BerthError && (e.code === 'CONFLICT' || e.code === 'NOT_FOUND')) continue; // started or removed meanwhile
        throw e;
      }
      deleted.push(c.id);
      reclaimed += size;
    }
    return { deleted, reclaimed };
  }

  pause(ref: string): Promise<void> {
    return setPaused(this.layout, this.find(ref).id, true);
  }

  unpause(ref: string): Promise<void> {
    return setPaused(this.layout, this.find(ref).id, false);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const name = checkName(newName);
    const rec = this.find(ref);
    await withLock(this.layout.containersLock, () => {
      ensureNameIndex(this.layout);
      const other = nameHolder(this.layout, name);
      if (other && other.id !== rec.id) {
        throw nameInUse(name, other.id);
      }
      return withContainerLock(this.layout, rec.id, () => {
        const r = loadRecord(this.layout, rec.id);
        if (!r) throw notFound('container', ref);
        recordName(this.layout, name, rec.id); // the old name's entry goes stale: free
        fsyncDir(this.layout.namesDir);
        saveRecord(this.layout, { ...r, name });
        emitContainerEvent(this.layout, { ...r, name }, 'rename', { oldName: `/${r.name}` }); // docker's old name keeps its "/"
      });
    });
  }

  inspect(ref: string): Record<string, unknown> {
    const rec = this.find(ref);
    return inspectJson(this.layout, rec, this.state(rec));
  }

  top(ref: string): ProcessRow[] {
    const rec = this.find(ref);
    const st = this.state(rec);
    if (!st.running) throw new BerthError('NOT_RUNNING', `Container ${rec.id} is not running`);
    return listProcesses(st.pid);
  }

  /** `top CONTAINER [ps OPTIONS]`: the host's ps with those options, for the container's processes. */
  topPs(ref: string, psArgs: string[]): PsTable {
    const rec = this.find(ref);
    const st = this.state(rec);
    if (!st.running) throw new BerthError('NOT_RUNNING', `container ${rec.name} is not running`);
    return psTable(containerPids(st.pid), psArgs);
  }

  /** The container's log records; with follow, new ones until the container stops. */
  async *logs(ref: string, opts: LogOptions = {}): AsyncIterable<LogRecord> {
    const rec = this.find(ref);
    const paths = this.layout.container(rec.id);
    if (!opts.follow) {
      yield* await readLog(paths.log, opts);
      return;
    }
    const signal = opts.signal ?? new AbortController().signal;
    yield* followLog(paths.log, { ...opts, signal, doneDir: paths.dir, done: () => {
      const r = loadRecord(this.layout, rec.id);
      return !r || !this.state(r).running;
    } });
  }

  /** docker cp out of a container: `dest` is a host path, or a stream that receives a tar. */
  async copyFrom(ref: string, src: string, dest: string | Writable, opts: CopyOptions = {}): Promise<CopyReport> {
    const rec = this.find(ref);
    return withContainerRoot(this.layout, rec, this.state(rec), false, (root) =>
      typeof dest === 'string' ? copyOut(root, src, dest, opts) : copyOutTar(root, src, dest, opts));
  }

  /** docker cp into a container: `src` is a host path, or a stream holding a tar. */
  async copyTo(ref: string, src: string | Readable, dest: string, opts: CopyOptions = {}): Promise<CopyReport> {
    const rec = this.find(ref);
    return withContainerRoot(this.layout, rec, this.state(rec), true, (root) =>
      typeof src === 'string' ? copyIn(src, root, dest, opts) : copyInTar(src, root, dest, opts));
  }

  /** A path in the container as docker's archive API describes it (HEAD/GET …/archive). */
  async statPath(ref: string, path: string): Promise<PathStat> {
    const rec = this.find(ref);
    return withContainerRoot(this.layout, rec, this.state(rec), false, (root) => statInRoot(root, path, ref));
  }

  /** docker diff: the container's filesystem changes (A/C/D), sorted by path. */
  async diff(ref: string): Promise<Change[]> {
    return containerChanges(this.layout, this.find(ref));
  }

  /** docker commit: the container's changes as a new image on top of its image. */
  async commit(ref: string, opts: CommitOptions = {}): Promise<ImageRecord> {
    return commitContainer(this.layout, this.images, this.find(ref), opts);
  }

  /** docker export: the container's filesystem as a tar written to `out` (not ended). */
  async export(ref: string, out: Writable): Promise<void> {
    return exportContainer(this.layout, this.find(ref), out);
  }

  /** Holds the container's attach lock (shared) while fn runs: --rm cleanup waits for it, the
   *  monitor's and this process's collector's alike. */
  attached<T>(ref: string, fn: () => Promise<T>): Promise<T> {
    const id = this.find(ref).id;
    return withLock(this.layout.container(id).attachLock, async () => {
      const release = this.collector?.hold(id);
      try {
        return await fn();
      } finally {
        release?.();
      }
    }, { shared: true });
  }

  /** Collects a finished run (exit code, cgroups) and performs --rm now rather than in the
   *  monitor (after `beforeRemove`: the collector's clients). */
  async collect(id: string, beforeRemove?: () => Promise<void>): Promise<void> {
    if (await finalizeExit(this.layout, id)) {
      await beforeRemove?.();
      await removeStopped(this.layout, id, { volumes: true }); // --rm takes anonymous volumes along
      return;
    }
    // the monitor skips its cleanup when the exit was collected here: a due restart is handed to one
    if (loadRecord(this.layout, id)?.restarting) {
      spawnCleanup(this.layout, id);
    }
  }
}
