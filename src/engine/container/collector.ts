// Exits collected by a long-lived process (the TUI, the API service, a bench): the
// containers it starts are collected here when their monitors write the exit file,
// not by the monitor's cleanup process (a whole node start-up, ~100 ms of CPU, per
// exit). The collect lock (`attach.lock`, shared, as a foreground `run` holds it) is
// taken before the start; the monitor takes it exclusively after writing the exit
// and skips its cleanup when the exit file is gone by then. If this process dies
// first, the kernel drops the lock and the monitor's cleanup runs as before, so
// nothing depends on this process staying up. One inotify watch (fs.watch) per
// container directory; nothing polls. The exit is collected at once; a `--rm` container's
// removal waits only for the clients attached to it in this process (`attached`: the API's
// docker run reads the output from the log after the exit), as the monitor's cleanup waits
// for their lock — our own hold on that lock cannot keep the removal from us. Its exit is
// kept for a while (removedExit), for a waiter that looked at it while it ran and asks after
// the removal (docker's wait through the API service: the daemon's waiter holds the code it
// registered for).
import { existsSync, watch, type FSWatcher } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { holdLock } from '../store/lock.js';
import { readExitFile } from './state.js';

/** How long the exit of a container removed here (--rm) stays known to `removedExit`. */
const KEEP_REMOVED_MS = 60_000;

interface Watched { release: () => void; watcher?: FSWatcher; done: Promise<number | undefined>; resolve: (code: number | undefined) => void; busy?: boolean }

export class ExitCollector {
  private readonly watched = new Map<string, Watched>();
  /** Exit codes of the containers this process collected and removed (--rm), by ID, with when. */
  private readonly removed = new Map<string, { code: number; at: number }>();
  /** Clients in this process attached to a container (by ID), and their going. */
  private readonly clients = new Map<string, { count: number; gone: Promise<void>; resolve: () => void }>();

  /** `collect` finalizes the run and does --rm, after `beforeRemove`: ContainerService.collect. */
  constructor(private readonly layout: Layout, private readonly collect: (id: string, beforeRemove: () => Promise<void>) => Promise<void>) {}

  /** Before a start: holds the container's collect lock. False when another process collects
   *  it, or this one already does. Follow with `arm` after the start, or `drop` if it failed. */
  claim(id: string): boolean {
    if (this.watched.has(id)) return false;
    let release;
    try {
      release = holdLock(this.layout.container(id).attachLock, { shared: true });
    } catch { return false; } // gone meanwhile: the start reports it
    if (!release) return false;
    let resolve!: (code: number | undefined) => void;
    const done = new Promise<number | undefined>((r) => (resolve = r));
    this.watched.set(id, { release, done, resolve });
    return true;
  }

  /** After the start: collects the exit as soon as the exit file appears. */
  arm(id: string): void {
    const w = this.watched.get(id);
    if (!w) return;
    try {
      w.watcher = watch(this.layout.container(id).dir, () => this.check(id));
      w.watcher.on('error', () => this.drop(id)).unref(); // never keeps a process alive by itself
    } catch {
      this.drop(id); // no watch here: the monitor's cleanup collects, as without this collector
      return;
    }
    this.check(id); // it may have ended before the watch existed
  }

  /** Stops collecting it (removed, or a failed start): the monitor's cleanup does it, if due. */
  drop(id: string): void {
    const w = this.watched.get(id);
    if (!w) return;
    this.watched.delete(id);
    w.watcher?.close();
    w.release();
    w.resolve(undefined);
  }

  /** A client in this process is attached to the container until the returned release: a
   *  --rm removal here waits for it (not the exit's collection, nor a waiter's code). */
  hold(id: string): () => void {
    let c = this.clients.get(id);
    if (!c) {
      let resolve!: () => void;
      const gone = new Promise<void>((r) => (resolve = r));
      this.clients.set(id, (c = { count: 0, gone, resolve }));
    }
    const held = c;
    held.count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--held.count) return;
      if (this.clients.get(id) === held) this.clients.delete(id);
      held.resolve();
    };
  }

  /** While this process collects the container: resolves with the exit code once collected
   *  (undefined if it stopped collecting it without one). */
  collecting(id: string): Promise<number | undefined> | undefined {
    return this.watched.get(id)?.done;
  }

  /** After the run ended (waitExit): the exit code once this process has collected it, or
   *  undefined when the caller must collect (not ours, or the monitor died without an exit
   *  file, which no watch event announces). */
  async collected(id: string, mine: Promise<number | undefined> | undefined): Promise<number | undefined> {
    if (!mine) return undefined;
    const w = this.watched.get(id);
    if (w && !w.busy) {
      if (!existsSync(this.layout.container(id).exitFile)) {
        this.drop(id); // a dead monitor: the caller settles it
        return undefined;
      }
      // collected now, not when the watch's event comes round: that watch is unref'd, and
      // nothing else may keep this process's event loop alive meanwhile
      this.check(id);
    }
    return mine;
  }

  /** The exit code of a container this process collected and then removed (--rm) in the
   *  last minute, by its full ID: the container is gone, but a waiter may still ask for it. */
  removedExit(id: string): number | undefined {
    const r = this.removed.get(id);
    return r && Date.now() - r.at < KEEP_REMOVED_MS ? r.code : undefined;
  }

  private rememberRemoved(id: string, code: number): void {
    const now = Date.now();
    for (const [k, r] of this.removed) if (now - r.at >= KEEP_REMOVED_MS) this.removed.delete(k);
    this.removed.set(id, { code, at: now });
  }

  private check(id: string): void {
    const w = this.watched.get(id);
    if (!w || w.busy) return;
    const paths = this.layout.container(id);
    if (!existsSync(paths.exitFile)) {
      if (!existsSync(paths.dir)) this.drop(id); // removed by another process
      return;
    }
    w.busy = true;
    const code = readExitFile(paths)?.exitCode;
    const beforeRemove = async (): Promise<void> => {
      w.resolve(code); // collected: a waiter has its code now (it may be such a client itself)
      await this.clients.get(id)?.gone;
      // --rm: the record goes next; a waiter that finds it gone asks here
      if (code !== undefined) this.rememberRemoved(id, code);
    };
    this.collect(id, beforeRemove).catch(() => { /* left for the monitor's cleanup: the lock goes below */ }).finally(() => {
      this.watched.delete(id);
      w.watcher?.close();
      w.release(); // after the collection: the monitor then finds the exit file gone
      w.resolve(code);
    });
  }
}
