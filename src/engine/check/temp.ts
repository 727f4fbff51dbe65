// Temporary files of processes that died: an atomic write's `.NAME.tmp-PID-HEX`
// (store/atomic.ts), a monitor's reserved `exit.json.tmp` with no monitor left,
// and `tmp/` entries (`KIND-PID-HEX`) of killed pulls and imports. A file is
// judged by the pid in its name: only a dead writer's file is a problem.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../store/layout.js';
import { findMonitor } from '../container/index.js';
import type { Finding } from './types.js';

const ATOMIC_TMP = /^\..+\.tmp-(\d+)-[0-9a-f]+$/;
const SCRATCH = /-(\d+)-[0-9a-f]+$/;

function dead(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const list = (dir: string): string[] => { try { return readdirSync(dir); } catch { return []; } };

export function checkTemp(layout: Layout): Finding[] {
  const dirs = [layout.root, layout.imagesDir, layout.containersDir, layout.volumesDir];
  for (const id of list(layout.containersDir).filter((n) => /^[0-9a-f]{64}$/.test(n))) dirs.push(layout.container(id).dir);
  for (const v of list(layout.volumesDir)) if (!v.startsWith('.')) dirs.push(join(layout.volumesDir, v));
  const out: Finding[] = [];
  for (const dir of dirs) {
    for (const n of list(dir)) {
      const m = ATOMIC_TMP.exec(n);
      if (!m || !dead(Number(m[1]))) continue;
      const path = join(dir, n);
      out.push({ what: path, problem: `half-written by process ${m[1]}, which died`, repair: removeFile(path) });
    }
  }
  for (const id of list(layout.containersDir).filter((n) => /^[0-9a-f]{64}$/.test(n))) {
    const paths = layout.container(id);
    const tmp = `${paths.exitFile}.tmp`;
    if (!existsSync(tmp) || findMonitor(paths.exitFile) !== undefined) continue;
    out.push({ what: tmp, problem: 'reserved by a monitor that is gone', repair: removeFile(tmp, () => findMonitor(paths.exitFile) === undefined) });
  }
  for (const n of list(layout.tmpDir)) {
    const m = SCRATCH.exec(n);
    if (!m || !dead(Number(m[1]))) continue;
    // no repair here: tmp/ is swept by the commands that use it
    out.push({ what: join(layout.tmpDir, n), problem: `scratch space of process ${m[1]}, which died (a killed pull, load or import)` });
  }
  return out;
}

function removeFile(path: string, stillStale: () => boolean = () => true) {
  return {
    says: 'removed',
    run: () => {
      if (!existsSync(path) || !stillStale()) return false;
      rmSync(path, { force: true });
      return true;
    },
  };
}
