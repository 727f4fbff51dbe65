// One container's accounting files, opened once and re-read with pread at
// offset 0 (fs.readSync with position 0): a tick costs one read(2) per file and
// no path walks. v1 files where the controller is a v1 hierarchy (hybrid and
// legacy hosts), cgroup2 files otherwise. A file the host lacks stays null.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerCgroups } from '../cgroup/index.js';
import { keyValue, parseBlkioV1, parseIoStatV2, parseNetDev, singleValue } from './parse.js';

export interface RawCounters {
  usageNs: number | null;
  memUsage: number | null;
  inactiveFile: number | null;
  memLimit: number | null;
  pids: number | null;
  blockIo: { read: number; write: number } | null;
  net: { rx: number; tx: number; interfaces: string[] } | null;
}

interface Opened { fd: number; parse: (text: string, out: RawCounters) => void }

/** Errors that mean "the cgroup or the process is gone" (a removed cgroup's open file reads ENODEV). */
const GONE = new Set(['ENODEV', 'ENOENT', 'ESRCH', 'EINVAL']);

export class ContainerFiles {
  private constructor(private readonly files: Opened[]) {}

  static open(cgroupPaths: string[], initPid: number, ownNetns = true): ContainerFiles {
    const cg = ContainerCgroups.fromDirs(cgroupPaths);
    const unified = cg.unifiedDir();
    const files: Opened[] = [];
    const add = (dir: string | undefined, name: string, parse: Opened['parse']): boolean => {
      if (!dir) return false;
      const path = join(dir, name);
      if (!existsSync(path)) return false;
      try {
        files.push({ fd: openSync(path, 'r'), parse });
        return true;
      } catch {
        return false;
      }
    };
    // CPU: v1 cpuacct.usage (ns); cgroup2's cpu.stat exists in every v2 cgroup, even without the cpu controller
    add(cg.dirFor('cpuacct'), 'cpuacct.usage', (t, o) => { o.usageNs = Number(t.trim()); }) ||
      add(unified, 'cpu.stat', (t, o) => { const u = keyValue(t, 'usage_usec'); o.usageNs = u === undefined ? null : u * 1000; });
    const mem = cg.dirFor('memory');
    if (mem && existsSync(join(mem, 'memory.usage_in_bytes'))) {
      add(mem, 'memory.usage_in_bytes', (t, o) => { o.memUsage = Number(t.trim()); });
      add(mem, 'memory.stat', (t, o) => { o.inactiveFile = keyValue(t, 'total_inactive_file') ?? 0; });
      add(mem, 'memory.limit_in_bytes', (t, o) => { o.memLimit = Number(t.trim()); });
    } else {
      add(unified, 'memory.current', (t, o) => { o.memUsage = Number(t.trim()); });
      add(unified, 'memory.stat', (t, o) => { o.inactiveFile = keyValue(t, 'inactive_file') ?? 0; });
      add(unified, 'memory.max', (t, o) => { o.memLimit = singleValue(t); });
    }
    add(cg.dirFor('pids'), 'pids.current', (t, o) => { o.pids = Number(t.trim()); }) ||
      add(unified, 'pids.current', (t, o) => { o.pids = Number(t.trim()); });
    const blkio = cg.dirFor('blkio');
    add(blkio, 'blkio.throttle.io_service_bytes_recursive', (t, o) => { o.blockIo = parseBlkioV1(t); }) ||
      add(blkio, 'blkio.throttle.io_service_bytes', (t, o) => { o.blockIo = parseBlkioV1(t); }) ||
      add(unified, 'io.stat', (t, o) => { o.blockIo = parseIoStatV2(t); });
    // the init's view of /proc/net/dev is its network namespace's (the host's, or another
    // container's, without a namespace of its own: not this container's traffic)
    if (ownNetns) add(`/proc/${initPid}/net`, 'dev', (t, o) => { o.net = parseNetDev(t); });
    return new ContainerFiles(files);
  }

  /** Reads every file into `buf` in turn; undefined when the container's cgroup is gone. */
  read(buf: Buffer): RawCounters | undefined {
    const out: RawCounters = { usageNs: null, memUsage: null, inactiveFile: null, memLimit: null, pids: null, blockIo: null, net: null };
    for (const f of this.files) {
      let n: number;
      try {
        n = readSync(f.fd, buf, 0, buf.length, 0);
      } catch (e) {
        if (GONE.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
        throw e;
      }
      f.parse(buf.toString('latin1', 0, n), out);
    }
    return out;
  }

  close(): void {
    for (const f of this.files) {
      try { closeSync(f.fd); } catch { /* already closed */ }
    }
    this.files.length = 0;
  }
}
